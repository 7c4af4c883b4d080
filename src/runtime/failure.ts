/**
 * A failure the user can act on: its message is the whole story, so no stack trace is printed.
 * Anything else that escapes an action is a bug and is reported with its stack in debug logs.
 */
export class ActionFailure extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ActionFailure';
  }
}

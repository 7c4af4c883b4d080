import { InvalidInputs } from '../inputs/problem.ts';
import { fail, issueCommand } from './commands.ts';
import { ActionFailure } from './failure.ts';

/** Runs an action's main function and turns every way it can end into the runner's protocol. */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof InvalidInputs) {
      for (const problem of error.problems) {
        issueCommand('error', { title: `Invalid input '${problem.input}'` }, problem.message);
      }
      const count = error.problems.length;
      fail(`${count} input${count === 1 ? ' is' : 's are'} invalid; nothing was changed.`);
    } else if (error instanceof ActionFailure) {
      fail(error.message);
    } else {
      const err = error instanceof Error ? error : new Error(String(error));
      issueCommand('debug', {}, err.stack ?? err.message);
      fail(`Unexpected error: ${err.message}`);
    }
  }
}

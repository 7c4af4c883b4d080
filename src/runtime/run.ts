import * as core from '@actions/core';
import { InvalidInputs } from '../inputs/problem.ts';
import { ActionFailure } from './failure.ts';

/** Runs an action's main function and turns every way it can end into the runner's protocol. */
export async function runAction(main: () => Promise<void>): Promise<void> {
  try {
    await main();
  } catch (error) {
    if (error instanceof InvalidInputs) {
      for (const problem of error.problems) {
        core.error(problem.message, { title: `Invalid input '${problem.input}'` });
      }
      const count = error.problems.length;
      core.setFailed(`${count} input${count === 1 ? ' is' : 's are'} invalid; nothing was changed.`);
    } else if (error instanceof ActionFailure) {
      core.setFailed(error.message);
    } else {
      const err = error instanceof Error ? error : new Error(String(error));
      core.debug(err.stack ?? err.message);
      core.setFailed(`Unexpected error: ${err.message}`);
    }
  }
}

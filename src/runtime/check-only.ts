import { issueCommand } from './commands.ts';

/**
 * Set by the reusable workflows on their first job, which runs every action of the run with
 * the inputs it will get and stops each one once its inputs are read: a bad input fails the
 * run there, before anything is created or billed.
 */
export const CHECK_ONLY_VARIABLE = 'GADGETRON_ACTIONS_CHECK_ONLY';

export function checkOnly(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[CHECK_ONLY_VARIABLE] === 'true';
}

/** True, after saying so, when the action should stop now that its inputs passed. */
export function stopAfterInputCheck(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!checkOnly(env)) return false;
  issueCommand(
    'notice',
    { title: 'Inputs checked' },
    'Every input is valid; nothing else was done.'
  );
  return true;
}

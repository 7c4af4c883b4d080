/** Runs one step's process with fresh command files and collects what it reported. */
import { join } from 'node:path';
import { runProcess } from './process.ts';
import { createStepFiles, readStepFiles } from './step-files.ts';
import type { StepFileContents } from './step-files.ts';
import { composeStepEnv } from './step-env.ts';
import type { JobState, RunContext } from './run-context.ts';
import type { StepLog } from './step-log.ts';
import { messageOf } from './errors.ts';

export interface StepExecution extends StepFileContents {
  outcome: 'success' | 'failure';
}

export interface StepProcessSpec {
  stepKey: string;
  command: string;
  args: string[];
  cwd: string;
  stepEnv: Record<string, string>;
  extra?: Record<string, string>;
  actionPath?: string;
  timeoutMs: number;
  log: StepLog;
}

export function emptyExecution(outcome: 'success' | 'failure'): StepExecution {
  return { outcome, outputs: {}, env: {}, path: [], summary: '', state: {} };
}

export async function runStepProcess(
  run: RunContext,
  state: JobState,
  spec: StepProcessSpec
): Promise<StepExecution> {
  const dirName = `${state.stepCounter++}-${spec.stepKey.replace(/[^\w.-]/g, '_')}`;
  const files = await createStepFiles(join(state.runnerTemp, '_runner_file_commands', dirName));
  const env = composeStepEnv(run, state, {
    stepKey: spec.stepKey,
    files,
    stepEnv: spec.stepEnv,
    ...(spec.extra && { extra: spec.extra }),
    ...(spec.actionPath && { actionPath: spec.actionPath })
  });
  const { log } = spec;
  const result = await runProcess({
    command: spec.command,
    args: spec.args,
    cwd: spec.cwd,
    env,
    timeoutMs: spec.timeoutMs,
    onLine: line => log.write(line)
  });
  let contents: StepFileContents;
  try {
    contents = await readStepFiles(files);
  } catch (err) {
    log.note(`Error: ${messageOf(err)}`);
    return emptyExecution('failure');
  }
  const execution: StepExecution = {
    ...contents,
    outputs: { ...log.effects.outputs, ...contents.outputs },
    state: { ...log.effects.state, ...contents.state },
    outcome: 'success'
  };
  if (result.spawnError !== undefined)
    log.note(`Error: could not start ${spec.command}: ${result.spawnError}`);
  else if (result.timedOut)
    log.note(`Error: the step timed out after ${Math.round(spec.timeoutMs / 1000)}s`);
  else if (result.exitCode !== 0)
    log.note(`Error: Process completed with exit code ${result.exitCode}.`);
  else return execution;
  return { ...execution, outcome: 'failure' };
}

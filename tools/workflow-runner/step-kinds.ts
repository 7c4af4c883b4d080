/** Execution of each kind of step: local JavaScript action, `run:` script, stand-in, post script. */
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { StepModel } from './model.ts';
import type { JobState, PostStep, RunContext } from './run-context.ts';
import type { StepLog } from './step-log.ts';
import { emptyExecution, runStepProcess } from './step-process.ts';
import type { StepExecution } from './step-process.ts';
import { inputVariable } from './step-env.ts';
import { stepScope } from './contexts.ts';
import { evaluateString, evaluateStringMapping } from './tokens.ts';
import { isLocalReference } from './local-action.ts';
import { findStandIn } from './stand-ins.ts';
import { WorkflowError, messageOf } from './errors.ts';
import { entries } from './raw.ts';

export interface StepRun {
  run: RunContext;
  state: JobState;
  step: StepModel;
  name: string;
  stepEnv: Record<string, string>;
  log: StepLog;
  timeoutMs: number;
}

function shellCommand(step: StepModel, state: JobState, script: string): [string, string[]] {
  const shell = step.shell ?? state.job.defaults.shell;
  if (shell === 'sh') return ['sh', ['-e', script]];
  if (shell === 'bash') return ['bash', ['--noprofile', '--norc', '-eo', 'pipefail', script]];
  return ['bash', ['-e', script]];
}

async function runScript(s: StepRun): Promise<StepExecution> {
  const { run, state, step } = s;
  const scope = stepScope(run, state, s.stepEnv);
  const script = step.run ? evaluateString(step.run, scope) : '';
  const directory = step.workingDirectory
    ? evaluateString(step.workingDirectory, scope)
    : (state.job.defaults.workingDirectory ?? '.');
  const file = join(
    state.runnerTemp,
    `${state.stepCounter}-${step.key.replace(/[^\w.-]/g, '_')}.sh`
  );
  await writeFile(file, script);
  for (const line of script.replace(/\n$/, '').split('\n')) s.log.note(`  ${line}`);
  const [command, args] = shellCommand(step, state, file);
  return runStepProcess(run, state, {
    stepKey: step.key,
    command,
    args,
    cwd: resolve(run.repoRoot, directory),
    stepEnv: s.stepEnv,
    timeoutMs: s.timeoutMs,
    log: s.log
  });
}

/** INPUT_* values: `with:` first, then the action's defaults (which may use expressions). */
function actionInputs(s: StepRun): Record<string, string> {
  const { run, state, step } = s;
  const action = run.pre.actions.get(step.uses ?? '');
  if (!action) throw new WorkflowError(`action ${step.uses} was not loaded`);
  const scope = stepScope(run, state, s.stepEnv);
  const given = new Map(
    (step.with ? entries(step.with) : []).map(([k, v]) => [k.toLowerCase(), v] as const)
  );
  const env: Record<string, string> = {};
  for (const [name, input] of action.inputs) {
    const token = given.get(name.toLowerCase()) ?? input.default;
    if (token) env[inputVariable(name)] = evaluateString(token, scope);
    else if (input.required) s.log.note(`Warning: Input required and not supplied: ${name}`);
  }
  return env;
}

async function runLocalAction(s: StepRun): Promise<StepExecution> {
  const { run, state, step } = s;
  const action = run.pre.actions.get(step.uses ?? '');
  if (!action) throw new WorkflowError(`action ${step.uses} was not loaded`);
  const inputsEnv = actionInputs(s);
  const execution = await runStepProcess(run, state, {
    stepKey: step.key,
    command: process.execPath,
    args: [action.main],
    cwd: run.repoRoot,
    stepEnv: s.stepEnv,
    extra: inputsEnv,
    actionPath: action.dir,
    timeoutMs: s.timeoutMs,
    log: s.log
  });
  if (action.post) {
    state.posts.push({
      action,
      name: s.name,
      key: step.key,
      inputsEnv,
      stepEnv: s.stepEnv,
      state: execution.state
    });
  }
  return execution;
}

async function runStandIn(s: StepRun): Promise<StepExecution> {
  const { run, state, step } = s;
  const uses = step.uses ?? '';
  const standIn = findStandIn(run.standIns, uses);
  if (!standIn) throw new WorkflowError(`no stand-in for ${uses}`);
  const scope = stepScope(run, state, s.stepEnv);
  try {
    const result = await standIn({
      uses,
      job: state.label,
      name: s.name,
      ...(step.id && { id: step.id }),
      with: evaluateStringMapping(step.with, scope),
      env: { ...state.env, ...state.addedEnv, ...s.stepEnv },
      workspace: run.repoRoot,
      log: line => s.log.write(line)
    });
    return {
      ...emptyExecution(result?.outcome ?? 'success'),
      outputs: result?.outputs ?? {},
      env: result?.env ?? {},
      summary: result?.summary ?? ''
    };
  } catch (err) {
    s.log.note(`Error: ${messageOf(err)}`);
    return emptyExecution('failure');
  }
}

export function executeStep(s: StepRun): Promise<StepExecution> {
  if (s.step.run !== undefined) return runScript(s);
  if (s.step.uses && isLocalReference(s.step.uses)) return runLocalAction(s);
  return runStandIn(s);
}

export function executePost(
  run: RunContext,
  state: JobState,
  post: PostStep,
  log: StepLog,
  timeoutMs: number
): Promise<StepExecution> {
  const stateEnv = Object.fromEntries(
    Object.entries(post.state).map(([name, value]) => [`STATE_${name}`, value])
  );
  return runStepProcess(run, state, {
    stepKey: `post-${post.key}`,
    command: process.execPath,
    args: [post.action.post ?? ''],
    cwd: run.repoRoot,
    stepEnv: post.stepEnv,
    extra: { ...post.inputsEnv, ...stateEnv },
    actionPath: post.action.dir,
    timeoutMs,
    log
  });
}

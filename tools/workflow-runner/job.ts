/** Runs one job of steps: conditions, env, GITHUB_ENV/GITHUB_PATH carry-over, post scripts, outputs. */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import type { StepModel, StepsJobModel } from './model.ts';
import type { JobState, NeedsEntry, RunContext } from './run-context.ts';
import type { JobSummary, StepOutcome } from './types.ts';
import { StepLog } from './step-log.ts';
import { stepScope } from './contexts.ts';
import { evaluateCondition } from './expressions.ts';
import { evaluateStringMapping, evaluateString, evaluateToken } from './tokens.ts';
import { executePost, executeStep } from './step-kinds.ts';
import type { StepExecution } from './step-process.ts';
import { defaultStepName } from './labels.ts';
import { formatDuration, minutesToMs } from './duration.ts';
import { messageOf } from './errors.ts';
import { find } from './raw.ts';
import { analyzeExpression } from './references.ts';

const DEFAULT_JOB_TIMEOUT_MS = 360 * 60_000;
/** Time still given to `if: always()` steps once the job has timed out. */
const AFTER_TIMEOUT_MS = 5 * 60_000;

export interface JobRunResult extends JobSummary {
  durationMs: number;
}

function stepLog(run: RunContext, state: JobState): StepLog {
  return new StepLog(run.masker, line => run.sink(`[${state.label}] ${line}`));
}

function remainingBudget(state: JobState): number {
  const remaining = state.deadline - Date.now();
  return remaining > 0 ? remaining : AFTER_TIMEOUT_MS;
}

function stepTimeoutMs(
  run: RunContext,
  state: JobState,
  step: StepModel,
  stepEnv: Record<string, string>
): number {
  const budget = remainingBudget(state);
  if (!step.timeoutMinutes) return budget;
  const minutes = evaluateToken(step.timeoutMinutes, stepScope(run, state, stepEnv));
  return Math.min(budget, minutesToMs(minutes, `step '${step.key}'`));
}

function record(
  run: RunContext,
  state: JobState,
  name: string,
  id: string | undefined,
  outcome: StepOutcome,
  started: number,
  execution: StepExecution | undefined,
  log: StepLog
): void {
  run.steps.push({
    job: state.label,
    step: name,
    ...(id && { id }),
    outcome,
    durationMs: outcome === 'skipped' ? 0 : Date.now() - started,
    outputs: execution?.outputs ?? {},
    summary: run.masker.mask(execution?.summary ?? ''),
    log: log.text()
  });
}

function absorb(state: JobState, execution: StepExecution): void {
  Object.assign(state.addedEnv, execution.env);
  state.addedPath.unshift(...execution.path);
}

async function runStep(run: RunContext, state: JobState, step: StepModel): Promise<void> {
  const log = stepLog(run, state);
  const started = Date.now();
  let name = defaultStepName(step);
  let execution: StepExecution | undefined;
  let outcome: 'success' | 'failure' = 'failure';
  let continueOnError = false;
  try {
    const scope = stepScope(run, state);
    if (step.name) name = evaluateString(step.name, scope) || name;
    if (!evaluateCondition(step.if, scope)) {
      run.sink(`[${state.label}] - ${name} (skipped)`);
      if (step.id)
        state.steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      record(run, state, name, step.id, 'skipped', started, undefined, log);
      return;
    }
    log.note(`▶ ${name}`);
    if (step.continueOnError) continueOnError = evaluateToken(step.continueOnError, scope) === true;
    const stepEnv = evaluateStringMapping(step.env, scope);
    const timeoutMs = stepTimeoutMs(run, state, step, stepEnv);
    execution = await executeStep({ run, state, step, name, stepEnv, log, timeoutMs });
    absorb(state, execution);
    outcome = execution.outcome;
  } catch (err) {
    log.note(`Error: ${messageOf(err)}`);
  }
  if (outcome === 'failure' && Date.now() >= state.deadline && !state.cancelled) {
    state.cancelled = true;
    log.note(`Error: job '${state.label}' exceeded its timeout-minutes`);
  }
  const conclusion = outcome === 'failure' && continueOnError ? 'success' : outcome;
  if (conclusion === 'failure') state.status = 'failure';
  if (step.id) state.steps[step.id] = { outputs: execution?.outputs ?? {}, outcome, conclusion };
  log.note(
    `${outcome === 'success' ? '✔' : '✘'} ${name} (${formatDuration(Date.now() - started)})${outcome !== conclusion ? ' — continue-on-error' : ''}`
  );
  record(run, state, name, step.id, outcome, started, execution, log);
}

async function runPosts(run: RunContext, state: JobState): Promise<void> {
  for (const post of [...state.posts].reverse()) {
    const log = stepLog(run, state);
    const name = `Post ${post.name}`;
    const started = Date.now();
    let execution: StepExecution | undefined;
    let outcome: StepOutcome = 'failure';
    try {
      const condition = withStatusFunction(post.action.postIf ?? 'always()');
      if (!evaluateCondition(condition, stepScope(run, state, post.stepEnv))) {
        record(run, state, name, undefined, 'skipped', started, undefined, log);
        continue;
      }
      log.note(`▶ ${name}`);
      execution = await executePost(run, state, post, log, remainingBudget(state));
      outcome = execution.outcome;
    } catch (err) {
      log.note(`Error: ${messageOf(err)}`);
    }
    if (outcome === 'failure') state.status = 'failure';
    log.note(
      `${outcome === 'success' ? '✔' : '✘'} ${name} (${formatDuration(Date.now() - started)})`
    );
    record(run, state, name, undefined, outcome, started, execution, log);
  }
}

/** Like the runner, a condition without a status function means `success() && (...)`. */
function withStatusFunction(condition: string): string {
  const { functions } = analyzeExpression(condition);
  const statusFunctions = ['success', 'failure', 'cancelled', 'always'];
  return functions.some(f => statusFunctions.includes(f))
    ? condition
    : `success() && (${condition})`;
}

function noteRecordedSettings(run: RunContext, state: JobState): void {
  const token = find(state.job.raw, 'environment');
  // Evaluated as the runner does (an expression, or a mapping with a name); empty means none.
  const value = token ? evaluateToken(token, stepScope(run, state)) : undefined;
  const environment =
    value && typeof value === 'object' ? (value as { name?: unknown }).name : value;
  if (typeof environment === 'string' && environment !== '') {
    run.sink(
      `[${state.label}] environment '${environment}': protection rules and environment secrets are not emulated locally`
    );
  }
  const runsOn = find(state.job.raw, 'runs-on');
  if (runsOn) run.sink(`[${state.label}] runs-on ${runsOn.toString()}: running on this machine`);
}

export async function runStepsJob(
  run: RunContext,
  job: StepsJobModel,
  needs: Record<string, NeedsEntry>
): Promise<JobRunResult> {
  const started = Date.now();
  const label = run.jobPrefix + job.id;
  const state: JobState = {
    job,
    label,
    runnerTemp: await mkdtemp(join(run.tempRoot, `${label.replace(/[^\w.-]/g, '_')}-`)),
    needs,
    env: { ...run.workflowEnv },
    addedEnv: {},
    addedPath: [],
    status: 'success',
    cancelled: false,
    steps: {},
    posts: [],
    deadline: started + DEFAULT_JOB_TIMEOUT_MS,
    stepCounter: 0
  };
  const outputs: Record<string, string> = {};
  try {
    noteRecordedSettings(run, state);
    Object.assign(state.env, evaluateStringMapping(job.env, stepScope(run, state)));
    if (job.timeoutMinutes) {
      const value = evaluateToken(job.timeoutMinutes, stepScope(run, state));
      state.deadline = started + minutesToMs(value, `job ${label}`);
    }
    for (const step of job.steps) await runStep(run, state, step);
    await runPosts(run, state);
    Object.assign(outputs, evaluateStringMapping(job.outputs, stepScope(run, state)));
  } catch (err) {
    run.sink(`[${label}] Error: ${messageOf(err)}`);
    state.status = 'failure';
  }
  const continueOnError =
    job.continueOnError !== undefined &&
    evaluateToken(job.continueOnError, stepScope(run, state)) === true;
  const failed = state.status === 'failure' && !continueOnError;
  if (state.status === 'failure' && continueOnError) {
    run.sink(`[${label}] job failed, but continue-on-error is set`);
  }
  return { result: failed ? 'failure' : 'success', outputs, durationMs: Date.now() - started };
}

/**
 * Runs a workflow file as GitHub would: jobs in `needs:` order (independent jobs
 * concurrently), job and step conditions, reusable-workflow jobs, workflow_call outputs.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { CallJobModel, JobModel, WorkflowModel } from './model.ts';
import type { NeedsEntry, RunContext } from './run-context.ts';
import type {
  GitHubContext,
  JobSummary,
  RunWorkflowOptions,
  StandIn,
  StepResult,
  WorkflowResult
} from './types.ts';
import { Masker } from './masker.ts';
import { loadWorkflow, calledWorkflowPath } from './workflow-file.ts';
import { resolveInputs } from './inputs.ts';
import type { InputDeclaration } from './model.ts';
import { preflight } from './preflight.ts';
import { githubContext, withDispatchInputs } from './github-context.ts';
import { sanitizeBaseEnv } from './step-env.ts';
import { jobConditionScope, workflowScope } from './contexts.ts';
import { evaluateCondition } from './expressions.ts';
import { evaluateMapping, evaluateStringMapping, evaluateString } from './tokens.ts';
import { runStepsJob } from './job.ts';
import type { JobRunResult } from './job.ts';
import { WorkflowError, messageOf } from './errors.ts';
import { jobsWithIdToken } from './permissions.ts';

/** GitHub allows four levels of nested reusable workflows. */
const MAX_DEPTH = 4;

interface ExecuteParams {
  repoRoot: string;
  workflowPath: string;
  inputs: Record<string, unknown>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  baseEnv: Record<string, string>;
  /** The caller's `github` context, for called workflows. */
  github?: GitHubContext;
  givenGithub: Partial<GitHubContext>;
  eventPath: string;
  standIns: Record<string, StandIn>;
  idTokenService?: { url: string; token: string };
  masker: Masker;
  sink: (line: string) => void;
  tempRoot: string;
  jobPrefix: string;
  depth: number;
  steps: StepResult[];
  nestedJobs: Record<string, JobSummary>;
}

function inputDeclarations(
  model: WorkflowModel,
  github: GitHubContext,
  asCall: boolean
): Record<string, InputDeclaration> {
  if (asCall) return model.callInputs ?? {};
  if (github.event_name === 'workflow_dispatch')
    return model.dispatchInputs ?? model.callInputs ?? {};
  return model.callInputs ?? model.dispatchInputs ?? {};
}

function checkSecrets(
  model: WorkflowModel,
  secrets: Record<string, string>,
  asCall: boolean
): void {
  if (!asCall || !model.callSecrets) return;
  for (const [name, decl] of Object.entries(model.callSecrets)) {
    if (decl.required && secrets[name] === undefined) {
      throw new WorkflowError(`required secret '${name}' was not provided`);
    }
  }
}

function ancestorsOf(model: WorkflowModel, job: JobModel): string[] {
  const seen = new Set<string>();
  const visit = (id: string): void => {
    for (const need of model.jobs.find(j => j.id === id)?.needs ?? []) {
      if (!seen.has(need)) {
        seen.add(need);
        visit(need);
      }
    }
  };
  visit(job.id);
  return [...seen];
}

async function runCallJob(
  run: RunContext,
  params: ExecuteParams,
  job: CallJobModel,
  needs: Record<string, NeedsEntry>
): Promise<JobRunResult> {
  const started = Date.now();
  const label = run.jobPrefix + job.id;
  if (run.depth + 1 >= MAX_DEPTH) {
    throw new WorkflowError(
      `job '${label}': reusable workflows nest deeper than ${MAX_DEPTH} levels`
    );
  }
  const scope = workflowScope(run, needs);
  const secrets = job.inheritSecrets ? run.secrets : evaluateStringMapping(job.secrets, scope);
  run.sink(`[${label}] calling ${job.uses}`);
  const nested = await execute(
    {
      ...params,
      workflowPath: calledWorkflowPath(job.uses, `job '${label}'`),
      inputs: job.with ? evaluateMapping(job.with, scope) : {},
      secrets,
      github: run.github,
      jobPrefix: `${label}/`,
      depth: run.depth + 1
    },
    true
  );
  if (nested.error) run.sink(`[${label}] Error: ${nested.error}`);
  return {
    result: nested.ok ? 'success' : 'failure',
    outputs: nested.outputs,
    durationMs: Date.now() - started
  };
}

async function runJob(
  run: RunContext,
  params: ExecuteParams,
  job: JobModel,
  finished: Map<string, JobRunResult>
): Promise<JobRunResult> {
  const label = run.jobPrefix + job.id;
  const entry = (id: string): NeedsEntry => {
    const done = finished.get(id);
    return { result: done?.result ?? 'skipped', outputs: done?.outputs ?? {} };
  };
  const needs = Object.fromEntries(job.needs.map(id => [id, entry(id)]));
  const ancestors = ancestorsOf(run.model, job).map(entry);
  try {
    if (!evaluateCondition(job.if, jobConditionScope(run, needs, ancestors))) {
      run.sink(`[${label}] skipped (if: ${job.if})`);
      return { result: 'skipped', outputs: {}, durationMs: 0 };
    }
    return job.kind === 'steps'
      ? await runStepsJob(run, job, needs)
      : await runCallJob(run, params, job, needs);
  } catch (err) {
    run.sink(`[${label}] Error: ${messageOf(err)}`);
    return { result: 'failure', outputs: {}, durationMs: 0 };
  }
}

/** Starts every job as soon as the jobs it needs are done; independent jobs run concurrently. */
async function runJobs(run: RunContext, params: ExecuteParams): Promise<Map<string, JobRunResult>> {
  const finished = new Map<string, JobRunResult>();
  const started = new Map<string, Promise<JobRunResult>>();
  const start = (job: JobModel): Promise<JobRunResult> => {
    const existing = started.get(job.id);
    if (existing) return existing;
    const promise = (async () => {
      await Promise.all(
        job.needs.map(id => start(run.model.jobs.find(j => j.id === id) as JobModel))
      );
      const result = await runJob(run, params, job, finished);
      finished.set(job.id, result);
      return result;
    })();
    started.set(job.id, promise);
    return promise;
  };
  await Promise.all(run.model.jobs.map(start));
  return finished;
}

function evaluateWorkflowOutputs(
  run: RunContext,
  finished: Map<string, JobRunResult>
): Record<string, string> {
  const jobs = Object.fromEntries(
    [...finished].map(([id, r]) => [id, { result: r.result, outputs: r.outputs }])
  );
  const scope = { contexts: { ...workflowScope(run).contexts, jobs } };
  const outputs: Record<string, string> = {};
  for (const [name, token] of Object.entries(run.model.callOutputs ?? {})) {
    outputs[name] = evaluateString(token, scope);
  }
  return outputs;
}

async function prepare(params: ExecuteParams, asCall: boolean): Promise<RunContext> {
  const model = await loadWorkflow(params.repoRoot, params.workflowPath);
  let github =
    params.github ?? githubContext(params.repoRoot, model, params.givenGithub, params.secrets);
  const declarations = inputDeclarations(model, github, asCall);
  const inputs = resolveInputs(declarations, params.inputs, {
    contexts: { github, vars: params.vars, inputs: {} }
  });
  if (!params.github) {
    github = withDispatchInputs(github, inputs);
    await writeFile(params.eventPath, JSON.stringify(github.event, null, 2));
  }
  checkSecrets(model, params.secrets, asCall);
  const pre = await preflight(params.repoRoot, model, params.standIns);
  for (const value of Object.values(params.secrets)) params.masker.add(value);
  const run: RunContext = {
    repoRoot: params.repoRoot,
    tempRoot: params.tempRoot,
    eventPath: params.eventPath,
    github,
    inputs,
    secrets: params.secrets,
    vars: params.vars,
    baseEnv: params.baseEnv,
    workflowEnv: {},
    masker: params.masker,
    sink: params.sink,
    standIns: params.standIns,
    idToken: params.idTokenService
      ? {
          service: params.idTokenService,
          jobs: jobsWithIdToken(resolve(params.repoRoot, model.file))
        }
      : undefined,
    model,
    pre,
    jobPrefix: params.jobPrefix,
    depth: params.depth,
    steps: params.steps,
    nestedJobs: params.nestedJobs
  };
  run.workflowEnv = evaluateStringMapping(model.env, workflowScope(run));
  return run;
}

function collectJobs(
  run: RunContext,
  finished: Map<string, JobRunResult>
): Record<string, JobSummary> {
  const jobs: Record<string, JobSummary> = {};
  for (const job of run.model.jobs) {
    const result = finished.get(job.id);
    if (!result) continue;
    const label = run.jobPrefix + job.id;
    jobs[label] = result;
    for (const [key, nested] of Object.entries(run.nestedJobs)) {
      if (key.startsWith(`${label}/`)) jobs[key] = nested;
    }
  }
  return jobs;
}

async function execute(params: ExecuteParams, asCall: boolean): Promise<WorkflowResult> {
  let run: RunContext;
  try {
    run = await prepare(params, asCall);
  } catch (err) {
    return { ok: false, jobs: {}, steps: params.steps, outputs: {}, error: messageOf(err) };
  }
  const finished = await runJobs(run, params);
  const jobs = collectJobs(run, finished);
  if (params.jobPrefix !== '') {
    for (const [key, summary] of Object.entries(jobs)) params.nestedJobs[key] = summary;
  }
  const ok = [...finished.values()].every(r => r.result !== 'failure');
  try {
    return { ok, jobs, steps: params.steps, outputs: evaluateWorkflowOutputs(run, finished) };
  } catch (err) {
    return { ok: false, jobs, steps: params.steps, outputs: {}, error: messageOf(err) };
  }
}

export async function runWorkflow(options: RunWorkflowOptions): Promise<WorkflowResult> {
  const tempRoot = await mkdtemp(join(tmpdir(), 'workflow-run-'));
  const masker = new Masker();
  const userSink = options.log ?? (() => undefined);
  try {
    return await execute(
      {
        repoRoot: options.repoRoot,
        workflowPath: options.workflowPath,
        inputs: options.inputs ?? {},
        secrets: options.secrets ?? {},
        vars: options.vars ?? {},
        baseEnv: sanitizeBaseEnv({ ...process.env, ...options.env }),
        givenGithub: options.github ?? {},
        eventPath: join(tempRoot, 'event.json'),
        standIns: options.standIns ?? {},
        ...(options.idTokenService ? { idTokenService: options.idTokenService } : {}),
        masker,
        sink: line => userSink(masker.mask(line)),
        tempRoot,
        jobPrefix: '',
        depth: 0,
        steps: [],
        nestedJobs: {}
      },
      false
    );
  } finally {
    await rm(tempRoot, { recursive: true, force: true });
  }
}

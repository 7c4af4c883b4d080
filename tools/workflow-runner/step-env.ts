/** The process environment of a step, composed the way the runner composes it. */
import { delimiter } from 'node:path';
import { runnerContext } from './contexts.ts';
import type { JobState, RunContext } from './run-context.ts';
import type { StepFiles } from './step-files.ts';

/** Variables of the surrounding process that would confuse a step (e.g. when run inside CI). */
const RESERVED = /^(GITHUB_|RUNNER_|INPUT_|STATE_|ACTIONS_)/;

export function sanitizeBaseEnv(env: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !RESERVED.test(key)) result[key] = value;
  }
  return result;
}

/** `INPUT_<NAME>`: upper-cased, spaces become underscores, dashes stay. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export interface StepEnvParts {
  stepKey: string;
  files: StepFiles;
  /** `env:` of the step, evaluated. */
  stepEnv: Record<string, string>;
  /** INPUT_* / STATE_* variables. */
  extra?: Record<string, string>;
  actionPath?: string;
}

export function composeStepEnv(
  run: RunContext,
  state: JobState,
  parts: StepEnvParts
): Record<string, string> {
  const { github } = run;
  const runner = runnerContext(state.runnerTemp);
  const env: Record<string, string> = {
    ...run.baseEnv,
    ...state.env,
    ...state.addedEnv,
    ...parts.stepEnv,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: run.repoRoot,
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REPOSITORY_OWNER: github.repository_owner,
    GITHUB_SHA: github.sha,
    GITHUB_REF: github.ref,
    GITHUB_REF_NAME: github.ref_name,
    GITHUB_REF_TYPE: github.ref_type,
    GITHUB_HEAD_REF: github.head_ref,
    GITHUB_BASE_REF: github.base_ref,
    GITHUB_EVENT_NAME: github.event_name,
    GITHUB_EVENT_PATH: run.eventPath,
    GITHUB_ACTOR: github.actor,
    GITHUB_RUN_ID: github.run_id,
    GITHUB_RUN_NUMBER: github.run_number,
    GITHUB_RUN_ATTEMPT: github.run_attempt,
    GITHUB_SERVER_URL: github.server_url,
    GITHUB_API_URL: github.api_url,
    GITHUB_WORKFLOW: run.model.name,
    GITHUB_JOB: state.job.id,
    GITHUB_ACTION: parts.stepKey,
    RUNNER_OS: runner.os ?? '',
    RUNNER_ARCH: runner.arch ?? '',
    RUNNER_NAME: runner.name ?? '',
    RUNNER_TEMP: state.runnerTemp,
    RUNNER_TOOL_CACHE: state.runnerTemp,
    ...parts.files,
    ...parts.extra
  };
  if (parts.actionPath) env.GITHUB_ACTION_PATH = parts.actionPath;
  if (run.idToken?.jobs.has(state.job.id)) {
    env.ACTIONS_ID_TOKEN_REQUEST_URL = run.idToken.service.url;
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = run.idToken.service.token;
  }
  const path = [...state.addedPath, env.PATH ?? ''].filter(p => p !== '');
  env.PATH = path.join(delimiter);
  return env;
}

/** The expression contexts (`github`, `steps`, `needs`, ...) visible at each point of a run. */
import { arch, platform } from 'node:os';
import type { Scope } from './expressions.ts';
import type { JobState, NeedsEntry, RunContext } from './run-context.ts';

const RUNNER_OS: Record<string, string> = { linux: 'Linux', darwin: 'macOS', win32: 'Windows' };
const RUNNER_ARCH: Record<string, string> = { x64: 'X64', arm64: 'ARM64', arm: 'ARM', ia32: 'X86' };

export function runnerContext(runnerTemp: string): Record<string, string> {
  return {
    os: RUNNER_OS[platform()] ?? platform(),
    arch: RUNNER_ARCH[arch()] ?? arch(),
    name: 'local',
    environment: 'self-hosted',
    temp: runnerTemp,
    tool_cache: runnerTemp,
    debug: ''
  };
}

/** Workflow-level scope: `env:` of the workflow, input defaults, reusable-job `with:`. */
export function workflowScope(run: RunContext, needs: Record<string, NeedsEntry> = {}): Scope {
  return {
    contexts: {
      github: run.github,
      inputs: run.inputs,
      vars: run.vars,
      secrets: run.secrets,
      env: run.workflowEnv,
      needs,
      strategy: {},
      matrix: {}
    }
  };
}

/** Scope for a job's `if:`: status functions look at the needed jobs (and their ancestors). */
export function jobConditionScope(
  run: RunContext,
  needs: Record<string, NeedsEntry>,
  ancestors: NeedsEntry[]
): Scope {
  return {
    ...workflowScope(run, needs),
    status: {
      success: () => ancestors.every(a => a.result === 'success'),
      failure: () => ancestors.some(a => a.result === 'failure'),
      cancelled: () => false
    }
  };
}

/** Scope inside a running job; `stepEnv` is the step's own evaluated `env:`. */
export function stepScope(
  run: RunContext,
  state: JobState,
  stepEnv: Record<string, string> = {}
): Scope {
  return {
    contexts: {
      github: { ...run.github, job: state.job.id },
      inputs: run.inputs,
      vars: run.vars,
      secrets: run.secrets,
      needs: state.needs,
      env: { ...state.env, ...state.addedEnv, ...stepEnv },
      job: { status: state.cancelled ? 'cancelled' : state.status },
      steps: state.steps,
      runner: runnerContext(state.runnerTemp),
      strategy: {},
      matrix: {}
    },
    status: {
      success: () => state.status === 'success' && !state.cancelled,
      failure: () => state.status === 'failure',
      cancelled: () => state.cancelled
    }
  };
}

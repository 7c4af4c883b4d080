/** State shared by all jobs of one workflow run, and by the jobs of one job. */
import type { InputValue } from './inputs.ts';
import type { Masker } from './masker.ts';
import type { StepsJobModel, WorkflowModel } from './model.ts';
import type { Preflight } from './preflight.ts';
import type { LocalAction } from './local-action.ts';
import type { GitHubContext, JobResult, JobSummary, StandIn, StepResult } from './types.ts';

export interface RunContext {
  repoRoot: string;
  tempRoot: string;
  eventPath: string;
  github: GitHubContext;
  inputs: Record<string, InputValue>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  baseEnv: Record<string, string>;
  workflowEnv: Record<string, string>;
  masker: Masker;
  sink: (line: string) => void;
  standIns: Record<string, StandIn>;
  /** The OIDC token service, and the jobs allowed to use it. */
  idToken: { service: { url: string; token: string }; jobs: Set<string> } | undefined;
  model: WorkflowModel;
  pre: Preflight;
  /** `caller/` for the jobs of a called workflow. */
  jobPrefix: string;
  depth: number;
  /** Every step of the run, including those of called workflows, in completion order. */
  steps: StepResult[];
  /** Jobs of called workflows, keyed `caller/job`. */
  nestedJobs: Record<string, JobSummary>;
}

export interface NeedsEntry {
  result: JobResult;
  outputs: Record<string, string>;
}

export interface StepRecord {
  outputs: Record<string, string>;
  outcome: 'success' | 'failure' | 'skipped';
  conclusion: 'success' | 'failure' | 'skipped';
}

export interface PostStep {
  action: LocalAction;
  name: string;
  key: string;
  inputsEnv: Record<string, string>;
  stepEnv: Record<string, string>;
  state: Record<string, string>;
}

export interface JobState {
  job: StepsJobModel;
  /** Job name in results and logs (prefixed inside called workflows). */
  label: string;
  runnerTemp: string;
  needs: Record<string, NeedsEntry>;
  /** Workflow and job `env:`, evaluated. */
  env: Record<string, string>;
  /** Variables steps added through GITHUB_ENV. */
  addedEnv: Record<string, string>;
  /** Directories steps added through GITHUB_PATH, newest first. */
  addedPath: string[];
  status: 'success' | 'failure';
  cancelled: boolean;
  steps: Record<string, StepRecord>;
  posts: PostStep[];
  deadline: number;
  stepCounter: number;
}

/** Public types of the local workflow runner. */

export type StepOutcome = 'success' | 'failure' | 'skipped';
export type JobResult = 'success' | 'failure' | 'skipped';

/** The parts of the `github` context a caller may set; the rest gets local defaults. */
export interface GitHubContext {
  event_name: string;
  event: Record<string, unknown>;
  ref: string;
  ref_name: string;
  ref_type: string;
  repository: string;
  repository_owner: string;
  sha: string;
  actor: string;
  run_id: string;
  run_number: string;
  run_attempt: string;
  server_url: string;
  api_url: string;
  head_ref: string;
  base_ref: string;
  [key: string]: unknown;
}

/** What a stand-in for a third-party action (e.g. `actions/checkout`) receives. */
export interface StandInStep {
  /** The `uses:` reference as written, e.g. `actions/checkout@v5`. */
  uses: string;
  job: string;
  name: string;
  id?: string;
  with: Record<string, string>;
  env: Record<string, string>;
  workspace: string;
  log: (line: string) => void;
}

export interface StandInResult {
  outcome?: 'success' | 'failure';
  outputs?: Record<string, string>;
  /** Variables to add to the job environment, as if written to GITHUB_ENV. */
  env?: Record<string, string>;
  summary?: string;
}

export type StandIn = (step: StandInStep) => Promise<StandInResult | void>;

export interface RunWorkflowOptions {
  /** Repository root: `./actions/<name>` and `./.github/workflows/<file>` resolve against it. */
  repoRoot: string;
  /** Workflow file, absolute or relative to `repoRoot`. */
  workflowPath: string;
  inputs?: Record<string, string | boolean | number>;
  secrets?: Record<string, string>;
  vars?: Record<string, string>;
  /**
   * Environment of every step, on top of this process's environment (whose GITHUB_*, RUNNER_*,
   * INPUT_*, STATE_* and ACTIONS_* variables are dropped). An `undefined` value removes one.
   */
  env?: Record<string, string | undefined>;
  github?: Partial<GitHubContext>;
  /** Receives every rendered, masked log line as it is produced. */
  log?: (line: string) => void;
  /**
   * Local replacements for actions that cannot run here, keyed by `owner/repo[/path]`
   * (any `@ref` ignored) or by the exact `uses:` string.
   */
  standIns?: Record<string, StandIn>;
  /**
   * The runner's OIDC token service. Steps of jobs whose permissions grant `id-token: write`
   * get it as ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN, as on GitHub.
   */
  idTokenService?: { url: string; token: string };
}

export interface StepResult {
  job: string;
  step: string;
  id?: string;
  outcome: StepOutcome;
  durationMs: number;
  outputs: Record<string, string>;
  summary: string;
  log: string;
}

export interface JobSummary {
  result: JobResult;
  outputs: Record<string, string>;
  durationMs?: number;
}

export interface WorkflowResult {
  ok: boolean;
  /** The workflow's jobs in declaration order; jobs of called workflows follow as `caller/job`. */
  jobs: Record<string, JobSummary>;
  steps: StepResult[];
  outputs: Record<string, string>;
  error?: string;
}

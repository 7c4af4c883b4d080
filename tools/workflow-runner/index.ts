/** Local runner for this repository's GitHub Actions workflows. */
export { runWorkflow } from './workflow.ts';
export { formatResultTable } from './result-table.ts';
export { lintWorkflows } from './actionlint.ts';
export { noopStandIn } from './stand-ins.ts';
export type {
  GitHubContext,
  JobResult,
  JobSummary,
  RunWorkflowOptions,
  StandIn,
  StandInResult,
  StandInStep,
  StepOutcome,
  StepResult,
  WorkflowResult
} from './types.ts';

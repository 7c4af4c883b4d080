/**
 * Local runner for this repository's GitHub Actions workflows: executes a workflow's steps as
 * written (local `./actions/<name>` JavaScript actions, `run:` scripts, called workflows).
 *
 * Plain Node 24 needs no flags: the parser is loaded after a module hook that adds the JSON
 * import attribute @actions/workflow-parser lacks (see json-import-hook.ts).
 *
 *   const result = await runWorkflow({ repoRoot, workflowPath: '.github/workflows/x.yml', inputs });
 *   console.log(formatResultTable(result));
 */
export { runWorkflow } from './workflow.ts';
export { validateWorkflow } from './validate.ts';
export type { ValidateWorkflowOptions } from './validate.ts';
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

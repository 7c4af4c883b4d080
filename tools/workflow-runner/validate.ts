/**
 * The checks `runWorkflow` makes before running anything (parsing, supported syntax, `with:`
 * keys against action.yml, `steps.*` / `needs.*` / `jobs.*` references), without running:
 * for tests and editors. Called workflows are validated too.
 */
import { loadWorkflow, calledWorkflowPath } from './workflow-file.ts';
import { preflight } from './preflight.ts';
import type { StandIn } from './types.ts';

export interface ValidateWorkflowOptions {
  repoRoot: string;
  /** Workflow file, absolute or relative to `repoRoot`. */
  workflowPath: string;
  /** Stand-ins for actions from other repositories, as for `runWorkflow`. */
  standIns?: Record<string, StandIn>;
}

/** Resolves when the workflow would pass the runner's checks; rejects with the runner's error. */
export async function validateWorkflow(options: ValidateWorkflowOptions): Promise<void> {
  const model = await loadWorkflow(options.repoRoot, options.workflowPath);
  await preflight(options.repoRoot, model, options.standIns ?? {});
  for (const job of model.jobs) {
    if (job.kind !== 'call') continue;
    await validateWorkflow({
      ...options,
      workflowPath: calledWorkflowPath(job.uses, `job '${job.id}'`)
    });
  }
}

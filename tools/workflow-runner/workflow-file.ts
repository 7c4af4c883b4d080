/** Locates, parses and models a workflow file of the repository. */
import { isAbsolute, relative, resolve } from 'node:path';
import { parseWorkflowFile } from './parser.ts';
import { buildWorkflowModel } from './model.ts';
import type { WorkflowModel } from './model.ts';
import { WorkflowError } from './errors.ts';

export async function loadWorkflow(repoRoot: string, workflowPath: string): Promise<WorkflowModel> {
  const file = isAbsolute(workflowPath) ? workflowPath : resolve(repoRoot, workflowPath);
  const displayName = relative(repoRoot, file);
  try {
    return buildWorkflowModel(await parseWorkflowFile(file, displayName), displayName);
  } catch (err) {
    if (err instanceof WorkflowError && !err.message.startsWith(displayName)) {
      throw new WorkflowError(`${displayName}: ${err.message}`);
    }
    throw err;
  }
}

/** The file a `jobs.<id>.uses:` reference points at; only same-repository workflows run here. */
export function calledWorkflowPath(uses: string, where: string): string {
  if (!uses.startsWith('./') || uses.includes('@')) {
    throw new WorkflowError(
      `${where}: reusable workflow '${uses}' is unsupported by the local workflow runner (only ./.github/workflows/<file> references)`
    );
  }
  return uses;
}

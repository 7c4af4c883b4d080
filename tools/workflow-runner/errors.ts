/** An error in a workflow or action definition, or a feature the local runner does not emulate. */
export class WorkflowError extends Error {
  override name = 'WorkflowError';
}

export function unsupported(what: string, where: string): WorkflowError {
  return new WorkflowError(`${where}: ${what} is unsupported by the local workflow runner`);
}

export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

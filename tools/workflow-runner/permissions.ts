import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

type Permissions = string | Record<string, string> | undefined;

function allowsIdToken(permissions: Permissions): boolean {
  if (permissions === 'write-all') return true;
  return typeof permissions === 'object' && permissions['id-token'] === 'write';
}

/**
 * The jobs of a workflow file that may request OIDC ID tokens: those whose own `permissions`,
 * or else the workflow's, grant `id-token: write`. GitHub gives only those jobs'
 * steps ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN.
 */
export function jobsWithIdToken(workflowFile: string): Set<string> {
  const workflow = parse(readFileSync(workflowFile, 'utf8')) as {
    permissions?: Permissions;
    jobs?: Record<string, { permissions?: Permissions }>;
  };
  const jobs = new Set<string>();
  for (const [id, job] of Object.entries(workflow.jobs ?? {})) {
    if (allowsIdToken(job.permissions ?? workflow.permissions)) jobs.add(id);
  }
  return jobs;
}

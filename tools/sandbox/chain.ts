/**
 * The sandbox's chain: the reusable workflows in .github/workflows/ run as written by the local
 * workflow runner against a local cloud (tools/fixtures/cloud.ts). `npm run sandbox` and
 * `npm run bench` both go through here, so the bench measures exactly what the sandbox runs.
 */
import { noopStandIn, runWorkflow, type WorkflowResult } from '../workflow-runner/index.ts';
import type { LocalCloud } from '../fixtures/cloud.ts';

export const REPOSITORY = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda';

/** The cluster every sandbox workflow works on. */
export const SANDBOX_CLUSTER = {
  'resource-group': 'gadgetron-sandbox',
  'cluster-name': 'gadgetron'
} as const;

/** Inputs of stand-up.yml for the sandbox cluster. */
export function standUpInputs(image: string, authorizedKeys: string): Record<string, string> {
  return {
    ...SANDBOX_CLUSTER,
    location: 'westeurope',
    image,
    'authorized-keys': authorizedKeys,
    'allowed-cidrs': '203.0.113.0/24'
  };
}

/** The `github` context of a release of `tag` (what update.yml sees on a published release). */
export function releaseContext(tag: string): Record<string, unknown> {
  return { event_name: 'release', ref: `refs/tags/${tag}`, ref_name: tag, ref_type: 'tag' };
}

export interface ChainRunOptions {
  /** Repository root: the workflows and actions run from its checkout. */
  readonly root: string;
  /** Every rendered log line of the run. */
  readonly log?: (line: string) => void;
  /** On top of a workflow_dispatch context of owner/gadgetron-actions. */
  readonly github?: Record<string, unknown>;
}

/**
 * Runs `.github/workflows/NAME.yml` with the given inputs, signed in to the local cloud: its
 * ids as the workflow's secrets, its endpoints in every step's environment and its OIDC
 * service as the runner's ID token service. actions/checkout is a no-op (the checkout is here).
 */
export async function runChainWorkflow(
  cloud: LocalCloud,
  name: string,
  inputs: Record<string, string>,
  options: ChainRunOptions
): Promise<WorkflowResult> {
  return runWorkflowFile(cloud, `.github/workflows/${name}.yml`, inputs, options);
}

/** As runChainWorkflow, for any workflow file of the checkout (path relative to its root). */
export async function runWorkflowFile(
  cloud: LocalCloud,
  workflowPath: string,
  inputs: Record<string, string>,
  options: ChainRunOptions
): Promise<WorkflowResult> {
  return runWorkflow({
    repoRoot: options.root,
    workflowPath,
    inputs,
    secrets: {
      AZURE_CLIENT_ID: String(cloud.env().AZURE_CLIENT_ID),
      AZURE_TENANT_ID: cloud.arm.tenantId,
      AZURE_SUBSCRIPTION_ID: cloud.arm.subscriptionId
    },
    env: cloud.env(),
    github: {
      event_name: 'workflow_dispatch',
      repository: 'owner/gadgetron-actions',
      repository_owner: 'owner',
      ...options.github
    },
    log: options.log ?? (() => {}),
    standIns: { 'actions/checkout': noopStandIn },
    idTokenService: { url: cloud.oidc.url, token: cloud.oidc.token }
  });
}

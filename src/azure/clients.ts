import type { TokenCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import type { AzureEndpoints } from './environment.ts';

/**
 * Transient ARM failures (429 with Retry-After, 5xx, dropped connections) are retried by the
 * SDK pipeline, which honours Retry-After; a little more patience than its default of 3 tries.
 */
export const RETRY_OPTIONS = { maxRetries: 6, retryDelayInMs: 1000, maxRetryDelayInMs: 60_000 };

/** Options every ARM client of one run shares: where ARM is and how to retry. */
export function clientOptions(endpoints: AzureEndpoints): {
  endpoint: string;
  retryOptions: typeof RETRY_OPTIONS;
} {
  return { endpoint: endpoints.resourceManager, retryOptions: RETRY_OPTIONS };
}

/** The clients both actions need: resource groups and generic resources, and template deployments. */
export interface ArmClients {
  readonly subscriptionId: string;
  readonly resources: ResourceManagementClient;
  readonly deployments: DeploymentsClient;
  readonly credential: TokenCredential;
  readonly endpoints: AzureEndpoints;
}

export function armClients(
  credential: TokenCredential,
  subscriptionId: string,
  endpoints: AzureEndpoints
): ArmClients {
  const options = clientOptions(endpoints);
  return {
    subscriptionId,
    resources: new ResourceManagementClient(credential, subscriptionId, options),
    deployments: new DeploymentsClient(credential, subscriptionId, options),
    credential,
    endpoints
  };
}

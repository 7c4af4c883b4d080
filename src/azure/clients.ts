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

/**
 * How long ARM last asked the deployments client to wait before polling again: the Retry-After
 * of a long-running operation's responses, or Azure's finer `retry-after-ms` /
 * `x-ms-retry-after-ms` when it sends them (the SDK's poller reads whole seconds only).
 */
export class PollHints {
  #lastMs: number | undefined;

  /** The latest interval ARM asked for, in milliseconds; undefined before it asked. */
  get lastMs(): number | undefined {
    return this.#lastMs;
  }

  observe(headers: { get(name: string): string | undefined }): void {
    const ms = retryAfterMs(headers);
    if (ms !== undefined) this.#lastMs = ms;
  }
}

/** The interval a response asks for, in milliseconds; undefined when it asks for none. */
export function retryAfterMs(headers: {
  get(name: string): string | undefined;
}): number | undefined {
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(headers.get(name));
    if (headers.get(name) !== undefined && Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers.get('retry-after');
  if (retryAfter === undefined) return undefined;
  const seconds = Number(retryAfter);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(retryAfter);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** The clients both actions need: resource groups and generic resources, and template deployments. */
export interface ArmClients {
  readonly subscriptionId: string;
  readonly resources: ResourceManagementClient;
  readonly deployments: DeploymentsClient;
  readonly credential: TokenCredential;
  readonly endpoints: AzureEndpoints;
  /** What the deployments client's long-running operations asked for; see deployTemplate. */
  readonly pollHints?: PollHints;
}

export function armClients(
  credential: TokenCredential,
  subscriptionId: string,
  endpoints: AzureEndpoints
): ArmClients {
  const options = clientOptions(endpoints);
  const deployments = new DeploymentsClient(credential, subscriptionId, options);
  const pollHints = new PollHints();
  deployments.pipeline.addPolicy({
    name: 'pollHints',
    sendRequest: async (request, next) => {
      const response = await next(request);
      pollHints.observe(response.headers);
      return response;
    }
  });
  return {
    subscriptionId,
    resources: new ResourceManagementClient(credential, subscriptionId, options),
    deployments,
    credential,
    endpoints,
    pollHints
  };
}

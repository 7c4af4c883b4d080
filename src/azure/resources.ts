import type { GenericResource } from '@azure/arm-resources';
import { ActionFailure } from '../runtime/failure.ts';
import { ProgressReporter } from '../runtime/progress.ts';
import { sleep } from '../kubernetes/retry.ts';
import type { ArmClients } from './clients.ts';
import { describeRequestError, isNotFound } from './errors.ts';

/** A resource's id from its group, type and name (`a/b` names for child types). */
export function resourceId(
  subscriptionId: string,
  resourceGroup: string,
  type: string,
  name: string
): string {
  const [namespace, ...types] = type.split('/');
  const names = name.split('/');
  const path = types.map((t, i) => `${t}/${names[i] ?? ''}`).join('/');
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${namespace}/${path}`;
}

/**
 * A resource as ARM stores it (its properties as raw JSON, keys unchanged), read with the API
 * version the template writes it with; undefined when it does not exist.
 */
export async function findResource(
  clients: ArmClients,
  id: string,
  apiVersion: string
): Promise<GenericResource | undefined> {
  try {
    return await clients.resources.resources.getById(id.replace(/^\//, ''), apiVersion);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ActionFailure(describeRequestError(`Reading ${id}`, error));
  }
}

const SETTLED = new Set(['succeeded', 'failed', 'canceled']);

/**
 * Waits while the resource is being created, updated or deleted by someone else (a cancelled
 * run's deployment, a portal change), reporting at most once per interval; returns it settled.
 */
export async function waitUntilSettled(
  clients: ArmClients,
  id: string,
  apiVersion: string,
  log: (line: string) => void,
  intervalMs = 15_000
): Promise<GenericResource | undefined> {
  let resource = await findResource(clients, id, apiVersion);
  const progress = new ProgressReporter(intervalMs, log);
  while (resource && !SETTLED.has(provisioningState(resource).toLowerCase())) {
    progress.report(
      `${resource.name ?? id} is ${provisioningState(resource)}; waiting for that to finish`
    );
    await sleep(Math.min(intervalMs, 5_000));
    resource = await findResource(clients, id, apiVersion);
  }
  return resource;
}

export function provisioningState(resource: GenericResource): string {
  return String(
    (resource.properties as { provisioningState?: unknown } | undefined)?.provisioningState ??
      'Succeeded'
  );
}

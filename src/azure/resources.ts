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

/** Provisioning states in which no operation is running. */
export const SETTLED = new Set(['succeeded', 'failed', 'canceled']);

/** The operation a resource is in (`Updating`, `Deleting`), or undefined when it is settled. */
export function ownActivity(resource: GenericResource): string | undefined {
  const state = provisioningState(resource);
  return SETTLED.has(state.toLowerCase()) ? undefined : state;
}

/**
 * Waits while `activity` says the resource is being changed by someone else (a cancelled run's
 * deployment, a portal change, AKS scaling a pool), reporting at most once per interval;
 * returns it idle, or undefined when it is gone.
 */
export async function waitWhileBusy(
  clients: ArmClients,
  id: string,
  apiVersion: string,
  log: (line: string) => void,
  activity: (resource: GenericResource) => string | undefined = ownActivity,
  intervalMs = 15_000
): Promise<GenericResource | undefined> {
  let resource = await findResource(clients, id, apiVersion);
  const progress = new ProgressReporter(intervalMs, log);
  let busy = resource && activity(resource);
  while (resource && busy) {
    progress.report(`${resource.name ?? id} is busy (${busy}); waiting for that to finish`);
    await sleep(Math.min(intervalMs, 5_000));
    resource = await findResource(clients, id, apiVersion);
    busy = resource && activity(resource);
  }
  return resource;
}

export function provisioningState(resource: GenericResource): string {
  return String(
    (resource.properties as { provisioningState?: unknown } | undefined)?.provisioningState ??
      'Succeeded'
  );
}

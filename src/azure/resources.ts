import type { GenericResource } from '@azure/arm-resources';
import { ActionFailure } from '../runtime/failure.ts';
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

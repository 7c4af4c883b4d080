import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from './connect.ts';
import { describeApiError, isNotFound } from './errors.ts';
import { describeObject, objectKey } from './objects.ts';
import { withRetry, type RetryPolicy, DEFAULT_RETRY } from './retry.ts';
import { ActionFailure } from '../runtime/failure.ts';

export interface ObjectType {
  readonly apiVersion: string;
  readonly kind: string;
}

/**
 * The live objects of one instance: every object of the given types in the namespace that
 * carries the instance's labels, keyed by objectKey. One list per type.
 */
export async function listInstance(
  client: KubeClient,
  namespace: string,
  types: readonly ObjectType[],
  labelSelector: string,
  retry: RetryPolicy = DEFAULT_RETRY
): Promise<Map<string, KubernetesObject>> {
  const live = new Map<string, KubernetesObject>();
  for (const type of types) {
    let list: KubernetesListObject<KubernetesObject>;
    try {
      list = await withRetry(
        `list ${type.kind}`,
        () =>
          client.objects.list(
            type.apiVersion,
            type.kind,
            namespace,
            undefined,
            undefined,
            undefined,
            undefined,
            labelSelector
          ),
        retry
      );
    } catch (error) {
      throw new ActionFailure(
        `Could not list ${type.kind} objects in ${namespace}: ${describeApiError(error)}`
      );
    }
    for (const item of list.items) {
      const object = { ...item, apiVersion: type.apiVersion, kind: type.kind };
      live.set(objectKey(object), object);
    }
  }
  return live;
}

/** Deletes the live objects that are no longer rendered; returns what it deleted. */
export async function prune(
  client: KubeClient,
  live: ReadonlyMap<string, KubernetesObject>,
  keep: ReadonlySet<string>,
  dryRun: boolean,
  retry: RetryPolicy = DEFAULT_RETRY
): Promise<KubernetesObject[]> {
  const removed: KubernetesObject[] = [];
  for (const [key, object] of live) {
    if (keep.has(key)) continue;
    try {
      await withRetry(
        `delete ${describeObject(object)}`,
        () =>
          client.objects.delete(
            {
              apiVersion: object.apiVersion,
              kind: object.kind,
              metadata: { name: object.metadata?.name, namespace: object.metadata?.namespace }
            },
            undefined,
            dryRun ? 'All' : undefined,
            undefined,
            undefined,
            'Background'
          ),
        retry
      );
    } catch (error) {
      if (!isNotFound(error)) {
        throw new ActionFailure(
          `Could not delete ${describeObject(object)}: ${describeApiError(error)}`
        );
      }
    }
    removed.push(object);
  }
  return removed;
}

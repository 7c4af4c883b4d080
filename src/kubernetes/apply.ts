import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from './connect.ts';
import { describeApiError } from './errors.ts';
import { describeObject, objectKey } from './objects.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';
import { ActionFailure } from '../runtime/failure.ts';

/** The one field manager under which the suite owns the fields it applies. */
export const FIELD_MANAGER = 'gadgetron-actions';

export type Change = 'created' | 'configured' | 'unchanged' | 'pruned';

export interface AppliedObject {
  readonly object: KubernetesObject;
  readonly change: Change;
}

export interface ApplyOptions {
  /** Ask the API server to validate and compute the result without storing it. */
  readonly dryRun?: boolean;
  /** resourceVersions of the live objects by objectKey, to tell a change from a no-op. */
  readonly live?: ReadonlyMap<string, KubernetesObject>;
  readonly retry?: RetryPolicy;
}

/**
 * Server-side applies the objects, given in the API's shape (as in YAML), in order. An apply
 * that changes nothing leaves the resourceVersion alone, which is how `unchanged` is told from
 * `configured`.
 */
export async function applyObjects(
  client: KubeClient,
  objects: readonly KubernetesObject[],
  options: ApplyOptions = {}
): Promise<AppliedObject[]> {
  const applied: AppliedObject[] = [];
  for (const object of objects) {
    const before = options.live?.get(objectKey(object));
    let result: KubernetesObject;
    try {
      result = await withRetry(
        `apply ${describeObject(object)}`,
        () =>
          client.objects.applyAsIs(object, {
            fieldManager: FIELD_MANAGER,
            dryRun: options.dryRun === true
          }),
        options.retry ?? DEFAULT_RETRY
      );
    } catch (error) {
      throw new ActionFailure(
        `Could not apply ${describeObject(object)}: ${describeApiError(error)}`
      );
    }
    const change: Change = !before
      ? 'created'
      : sameState(before, result, options.dryRun === true)
        ? 'unchanged'
        : 'configured';
    applied.push({ object: result, change });
  }
  return applied;
}

/**
 * A stored no-op keeps its resourceVersion. A dry run never stores anything, so there the
 * content the apply would leave is compared instead.
 */
function sameState(before: KubernetesObject, after: KubernetesObject, dryRun: boolean): boolean {
  if (!dryRun) return before.metadata?.resourceVersion === after.metadata?.resourceVersion;
  return JSON.stringify(content(before)) === JSON.stringify(content(after));
}

function content(object: KubernetesObject): unknown {
  const { labels, annotations } = object.metadata ?? {};
  const {
    apiVersion: _a,
    kind: _k,
    metadata: _m,
    status: _s,
    ...rest
  } = object as KubernetesObject & {
    status?: unknown;
  };
  return { labels, annotations, ...rest };
}

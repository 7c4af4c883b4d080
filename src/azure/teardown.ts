import { MANAGED_BY, MANAGED_BY_VALUE, tagValue } from './tags.ts';

export type TeardownDecision =
  | { readonly action: 'delete' }
  | { readonly action: 'nothing'; readonly reason: string }
  | { readonly action: 'refuse'; readonly reason: string };

export interface TeardownTarget {
  /** What would be deleted, e.g. `resource group rg-gadgetron`. */
  readonly description: string;
  /** The name `confirm` must repeat. */
  readonly name: string;
  /** Tags of the live resource; undefined when it does not exist. */
  readonly tags: Record<string, string> | undefined;
  readonly exists: boolean;
  /** The owner tag the suite set when it created the resource, e.g. gadgetron-cluster=aks1. */
  readonly ownerTag: readonly [key: string, value: string];
}

/**
 * Deletes only what the user named twice (the input and `confirm`) and what the suite's tags
 * show it created for this owner. What is already gone is not an error: there is nothing to do.
 */
export function decideTeardown(
  target: TeardownTarget,
  confirm: string | undefined
): TeardownDecision {
  if (confirm !== target.name) {
    return {
      action: 'refuse',
      reason: `Refusing to delete ${target.description}: set confirm to '${target.name}' to delete it and everything in it${confirm ? ` (confirm is '${confirm}')` : ''}.`
    };
  }
  if (!target.exists)
    return {
      action: 'nothing',
      reason: `${capitalise(target.description)} does not exist: nothing to delete.`
    };
  const managedBy = tagValue(target.tags, MANAGED_BY);
  if (managedBy !== MANAGED_BY_VALUE) {
    return {
      action: 'refuse',
      reason: `Refusing to delete ${target.description}: it was not created by gadgetron-actions (tag ${MANAGED_BY} is ${managedBy === undefined ? 'missing' : `'${managedBy}'`}). Delete it yourself if it really should go.`
    };
  }
  const [key, value] = target.ownerTag;
  const owner = tagValue(target.tags, key);
  if (owner !== value) {
    return {
      action: 'refuse',
      reason: `Refusing to delete ${target.description}: it was created for ${owner === undefined ? 'something else' : `'${owner}'`}, not '${value}' (tag ${key}).`
    };
  }
  return { action: 'delete' };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

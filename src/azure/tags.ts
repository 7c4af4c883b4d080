/** Tags that mark what the suite created, and for which cluster or storage account. */
export const MANAGED_BY = 'managed-by';
export const MANAGED_BY_VALUE = 'gadgetron-actions';
export const CLUSTER_TAG = 'gadgetron-cluster';
export const STORAGE_TAG = 'gadgetron-storage';

/** The user's tags with the suite's own on top (the suite's win, so ownership cannot be faked by accident). */
export function withOwnerTags(
  userTags: Record<string, string> | undefined,
  owner: Record<string, string>
): Record<string, string> {
  return { ...userTags, [MANAGED_BY]: MANAGED_BY_VALUE, ...owner };
}

/** Whether every wanted tag is present with the same value (other tags, e.g. from policies, may exist). */
export function hasTags(
  actual: Record<string, string> | undefined,
  wanted: Record<string, string>
): boolean {
  return Object.entries(wanted).every(([key, value]) => tagValue(actual, key) === value);
}

/** Tag names are case-insensitive in ARM. */
export function tagValue(
  tags: Record<string, string> | undefined,
  key: string
): string | undefined {
  const found = Object.keys(tags ?? {}).find(k => k.toLowerCase() === key.toLowerCase());
  return found === undefined ? undefined : tags?.[found];
}

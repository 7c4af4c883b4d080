import { createHash } from 'node:crypto';
import type { ShareRequest } from './parsers.ts';
import { STORAGE_TAG } from './tags.ts';

export type StorageSku = 'Standard_LRS' | 'Standard_ZRS' | 'Premium_LRS' | 'Premium_ZRS';

export interface StorageSpec {
  readonly resourceGroup: string;
  readonly location: string | undefined;
  readonly account: string;
  readonly shares: readonly ShareRequest[];
  readonly sku: StorageSku;
  readonly tags: Record<string, string>;
}

export const STORAGE_TEMPLATE = 'storage';
export const ACCOUNT_TYPE = 'Microsoft.Storage/storageAccounts';
export const SHARE_TYPE = 'Microsoft.Storage/storageAccounts/fileServices/shares';

/**
 * A storage account name that is the same on every run for one subscription and group, and
 * unlikely to be taken elsewhere: `gt` and 22 hex digits of a hash (24 characters).
 */
export function defaultAccountName(subscriptionId: string, resourceGroup: string): string {
  const digest = createHash('sha256')
    .update(`${subscriptionId.toLowerCase()}/${resourceGroup.toLowerCase()}`)
    .digest('hex');
  return `gt${digest.slice(0, 22)}`;
}

/** Premium file shares live in FileStorage accounts; the others in general-purpose v2. */
export function accountKind(sku: StorageSku): 'FileStorage' | 'StorageV2' {
  return sku.startsWith('Premium') ? 'FileStorage' : 'StorageV2';
}

export function storageDeploymentName(account: string): string {
  return `gadgetron-storage-${account}`;
}

/** Standard shares above this many GiB need the account's large file shares (schema 2026-04-01). */
export const STANDARD_SHARE_LIMIT_GIB = 5120;

/**
 * Whether the account needs large file shares: a Standard account with a share above 5 TiB,
 * or one that has them already (they cannot be turned off). Premium shares go to 100 TiB anyway.
 */
export function needsLargeFileShares(spec: StorageSpec, liveEnabled: boolean): boolean {
  if (accountKind(spec.sku) !== 'StorageV2') return false;
  return liveEnabled || spec.shares.some(s => s.quotaGiB > STANDARD_SHARE_LIMIT_GIB);
}

export function storageParameters(
  spec: StorageSpec,
  location: string,
  largeFileShares: boolean
): Record<string, unknown> {
  return {
    accountName: spec.account,
    location,
    skuName: spec.sku,
    largeFileShares,
    shares: spec.shares.map(s => ({ name: s.name, quotaGiB: s.quotaGiB })),
    // The template adds managed-by; the account's own tag marks it for tear-down checks.
    tags: { ...spec.tags, [STORAGE_TAG]: spec.account }
  };
}

import * as core from '@actions/core';
import type { GenericResource } from '@azure/arm-resources';
import { StorageManagementClient } from '@azure/arm-storage';
import { ActionFailure } from '../runtime/failure.ts';
import { clientOptions, type ArmClients } from './clients.ts';
import { describeRequestError, isNotFound } from './errors.ts';
import { literalDifferences } from './literal-diff.ts';
import type { LiveShare } from './share-quota.ts';
import { accountKind, needsLargeFileShares, type StorageSpec } from './storage-spec.ts';
import { STORAGE_TAG, hasTags, withOwnerTags } from './tags.ts';
import type { TemplateResource } from './templates.ts';

export function storageClient(clients: ArmClients): StorageManagementClient {
  return new StorageManagementClient(
    clients.credential,
    clients.subscriptionId,
    clientOptions(clients.endpoints)
  );
}

/** The live quota and usage of each named share that exists. */
export async function liveShares(
  client: StorageManagementClient,
  resourceGroup: string,
  account: string,
  names: readonly string[]
): Promise<LiveShare[]> {
  const shares: LiveShare[] = [];
  for (const name of names) {
    try {
      const share = await client.fileShares.get(resourceGroup, account, name, { expand: 'stats' });
      shares.push({ name, quotaGiB: share.shareQuota ?? 0, usageBytes: share.shareUsageBytes });
    } catch (error) {
      if (!isNotFound(error))
        throw new ActionFailure(describeRequestError(`Reading share ${name} of ${account}`, error));
    }
  }
  return shares;
}

/** The account's first key, masked before anything else can see it. */
export async function accountKey(
  client: StorageManagementClient,
  resourceGroup: string,
  account: string
): Promise<string> {
  let keys;
  try {
    keys = await client.storageAccounts.listKeys(resourceGroup, account);
  } catch (error) {
    throw new ActionFailure(
      describeRequestError(`Reading the keys of storage account ${account}`, error)
    );
  }
  for (const key of keys.keys ?? []) if (key.value) core.setSecret(key.value);
  const key = keys.keys?.find(k => k.value)?.value;
  if (!key)
    throw new ActionFailure(
      `Storage account ${account} returned no keys; the CSI driver needs shared-key access enabled.`
    );
  return key;
}

export async function deleteAccount(
  client: StorageManagementClient,
  resourceGroup: string,
  account: string
): Promise<void> {
  try {
    await client.storageAccounts.delete(resourceGroup, account);
  } catch (error) {
    if (!isNotFound(error))
      throw new ActionFailure(describeRequestError(`Deleting storage account ${account}`, error));
  }
}

/**
 * How the live account differs from the template's: its fixed settings (TLS, HTTPS only,
 * public access), SKU and tags. Changing the kind (Standard ↔ Premium) is impossible in place.
 */
export function accountDifferences(
  spec: StorageSpec,
  template: TemplateResource,
  live: GenericResource
): string[] {
  const kind = accountKind(spec.sku);
  if (live.kind && live.kind.toLowerCase() !== kind.toLowerCase()) {
    throw new ActionFailure(
      `Storage account ${spec.account} is a ${live.kind} account; sku ${spec.sku} needs a ${kind} account, and an account cannot change kind. Keep sku ${String(live.sku?.name ?? '')} or choose another storage-account.`
    );
  }
  const differences = literalDifferences(
    template.properties ?? {},
    live.properties ?? {},
    'properties'
  );
  const sku = String(live.sku?.name ?? '');
  if (sku.toLowerCase() !== spec.sku.toLowerCase()) differences.push(`sku: ${sku} → ${spec.sku}`);
  const tags = withOwnerTags(spec.tags, { [STORAGE_TAG]: spec.account });
  if (!hasTags(live.tags, tags))
    differences.push(`tags: ${JSON.stringify(live.tags ?? {})} → ${JSON.stringify(tags)}`);
  const large = largeFileSharesEnabled(live);
  if (needsLargeFileShares(spec, large) && !large)
    differences.push('properties.largeFileSharesState: Disabled → Enabled (shares above 5 TiB)');
  return differences;
}

export function largeFileSharesEnabled(live: GenericResource | undefined): boolean {
  const state = (live?.properties as { largeFileSharesState?: unknown } | undefined)
    ?.largeFileSharesState;
  return String(state ?? '').toLowerCase() === 'enabled';
}

import { randomBytes } from 'node:crypto';
import type { ArmErrorBody } from '../http.ts';
import type { ArmResource } from '../types.ts';
import {
  type DesiredResource,
  type ProviderContext,
  type ResourceProvider,
  clone,
  tagsOf
} from './types.ts';

type Json = Record<string, unknown>;

function newKey(): string {
  return randomBytes(64).toString('base64');
}

/** Microsoft.Storage/storageAccounts: endpoints, keys, provisioning state. */
export function storageAccountProvider(durationMs: number): ResourceProvider {
  return {
    matches: type => type.toLowerCase() === 'microsoft.storage/storageaccounts',
    hasProvisioningState: true,
    durationMs: existing => (existing ? Math.min(durationMs, 100) : durationMs),
    check: (desired, ctx) => {
      if (!/^[a-z0-9]{3,24}$/.test(desired.name)) {
        return {
          code: 'AccountNameInvalid',
          message: `${desired.name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`
        };
      }
      const existing = ctx.state.get(desired.id);
      const large = ((desired.body.properties ?? {}) as Json).largeFileSharesState;
      if (existing?.properties.largeFileSharesState === 'Enabled' && large === 'Disabled') {
        // "It cannot be disabled once it is enabled" (schema 2026-04-01).
        return {
          code: 'InvalidRequestPropertyValue',
          message: 'Large file shares cannot be disabled once enabled.'
        };
      }
      const sku = String(((desired.body.sku ?? {}) as Json).name ?? '');
      if (desired.body.kind === 'FileStorage' && !sku.startsWith('Premium')) {
        return {
          code: 'InvalidRequestPropertyValue',
          message: 'FileStorage accounts need a Premium SKU.'
        };
      }
      return undefined;
    },
    build: (desired: DesiredResource, existing: ArmResource | undefined, ctx: ProviderContext) => {
      const props = {
        ...clone((existing?.properties ?? {}) as Json),
        ...clone((desired.body.properties ?? {}) as Json)
      };
      const location = String(
        desired.body.location ?? existing?.location ?? ctx.resourceGroup.location
      );
      const n = desired.name;
      props.primaryEndpoints = {
        blob: `https://${n}.blob.core.windows.net/`,
        queue: `https://${n}.queue.core.windows.net/`,
        table: `https://${n}.table.core.windows.net/`,
        file: `https://${n}.file.core.windows.net/`,
        dfs: `https://${n}.dfs.core.windows.net/`,
        web: `https://${n}.z6.web.core.windows.net/`
      };
      props.primaryLocation = location;
      props.statusOfPrimary = 'available';
      props.creationTime = props.creationTime ?? new Date().toISOString();
      const skuName = String(
        ((desired.body.sku ?? existing?.sku ?? {}) as Json).name ?? 'Standard_LRS'
      );
      const keyId = desired.id.toLowerCase();
      if (!ctx.state.storageKeys.has(keyId)) {
        const creationTime = new Date().toISOString();
        ctx.state.storageKeys.set(keyId, [
          { keyName: 'key1', value: newKey(), permissions: 'FULL', creationTime },
          { keyName: 'key2', value: newKey(), permissions: 'FULL', creationTime }
        ]);
      }
      return {
        id: desired.id,
        name: n,
        type: 'Microsoft.Storage/storageAccounts',
        location,
        tags: tagsOf(desired.body, existing),
        kind: String(desired.body.kind ?? existing?.kind ?? 'StorageV2'),
        sku: { name: skuName, tier: skuName.startsWith('Premium') ? 'Premium' : 'Standard' },
        properties: props
      };
    }
  };
}

/**
 * Standard shares above 5 TiB need the account's large file shares (`largeFileSharesState:
 * Enabled`, schema 2026-04-01), else the file service answers 400 (hashicorp/
 * terraform-provider-azurerm#23016, Azure/azure-powershell#6812). Premium shares are
 * provisioned from 100 GiB; a smaller quota is refused with InvalidHeaderValue
 * (crossplane-contrib/provider-upjet-azure#869).
 */
function quotaRefusal(account: ArmResource, quota: number): ArmErrorBody | undefined {
  const refusal = {
    code: 'InvalidHeaderValue',
    message: 'The value for one of the HTTP headers is not in the correct format.'
  };
  if (account.kind === 'FileStorage') return quota < 100 ? refusal : undefined;
  const large = String(account.properties.largeFileSharesState ?? 'Disabled') === 'Enabled';
  return quota > 5120 && !large ? refusal : undefined;
}

/** `.../storageAccounts/{a}` of a share id `.../storageAccounts/{a}/fileServices/default/shares/{s}`. */
export function accountIdOf(shareId: string): string {
  return shareId.replace(/\/fileServices\/[^/]+\/shares\/[^/]+$/i, '');
}

/** Microsoft.Storage/storageAccounts/fileServices/shares (needs its account). */
export function fileShareProvider(durationMs: number): ResourceProvider {
  return {
    matches: type => type.toLowerCase() === 'microsoft.storage/storageaccounts/fileservices/shares',
    hasProvisioningState: false,
    durationMs: () => durationMs,
    check: (desired, ctx) => {
      const account = ctx.state.get(accountIdOf(desired.id));
      if (!account) {
        const name = accountIdOf(desired.id).split('/').pop();
        return {
          code: 'ParentResourceNotFound',
          message: `Can not perform requested operation on nested resource. Parent resource '${name}' not found.`
        };
      }
      const share = desired.id.split('/').pop() as string;
      if (!/^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){2,62}$/.test(share)) {
        return { code: 'InvalidResourceName', message: `The share name '${share}' is invalid.` };
      }
      const quota = ((desired.body.properties ?? {}) as Json).shareQuota;
      if (
        quota !== undefined &&
        (!Number.isInteger(quota) || (quota as number) < 1 || (quota as number) > 102400)
      ) {
        return {
          code: 'InvalidHeaderValue',
          message: `The share quota '${String(quota)}' is out of range (1..102400 GiB).`
        };
      }
      return quota === undefined ? undefined : quotaRefusal(account, quota as number);
    },
    build: (desired, existing, ctx) => {
      const account = ctx.state.get(accountIdOf(desired.id));
      const premium = account?.kind === 'FileStorage';
      const props = {
        ...clone((existing?.properties ?? {}) as Json),
        ...clone((desired.body.properties ?? {}) as Json)
      };
      props.shareQuota = props.shareQuota ?? (premium ? 100 : 102400);
      props.enabledProtocols = props.enabledProtocols ?? 'SMB';
      props.accessTier = props.accessTier ?? (premium ? 'Premium' : 'TransactionOptimized');
      props.lastModifiedTime = new Date().toISOString();
      props.leaseStatus = 'unlocked';
      props.leaseState = 'available';
      return {
        id: desired.id,
        name: desired.id.split('/').pop() as string,
        type: 'Microsoft.Storage/storageAccounts/fileServices/shares',
        etag: `"0x${Date.now().toString(16).toUpperCase()}"`,
        properties: props
      };
    }
  };
}

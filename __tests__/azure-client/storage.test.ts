import { describe, expect, test } from '@jest/globals';
import type { GenericResource } from '@azure/arm-resources';
import { describeShareChange, planShares } from '../../src/azure/share-quota.ts';
import {
  defaultAccountName,
  needsLargeFileShares,
  storageParameters,
  type StorageSpec
} from '../../src/azure/storage-spec.ts';
import { accountDifferences, largeFileSharesEnabled } from '../../src/azure/storage.ts';
import { MOUNT_OPTIONS, storageObjects } from '../../src/azure/storage-kubernetes.ts';
import { loadTemplate, templateParameters, templateResource } from '../../src/azure/templates.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';

// Test assertions read free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const GIB = 1024 ** 3;
const SPEC: StorageSpec = {
  resourceGroup: 'rg-data',
  location: 'westeurope',
  account: 'gtdata01',
  shares: [
    { name: 'gtdependencies', quotaGiB: 100 },
    { name: 'gtdata', quotaGiB: 1024 }
  ],
  sku: 'Standard_LRS',
  tags: {}
};

describe('share quotas', () => {
  test('grow freely, shrink only above the data, and every change is described', () => {
    const { changes, refusals } = planShares(
      [
        { name: 'new', quotaGiB: 10 },
        { name: 'same', quotaGiB: 10 },
        { name: 'grow', quotaGiB: 20 },
        { name: 'shrink', quotaGiB: 5 }
      ],
      [
        { name: 'same', quotaGiB: 10, usageBytes: 0 },
        { name: 'grow', quotaGiB: 10, usageBytes: 9 * GIB },
        { name: 'shrink', quotaGiB: 10, usageBytes: 2 * GIB }
      ]
    );
    expect(refusals).toEqual([]);
    expect(changes.map(describeShareChange)).toEqual([
      'new: new, 10 GiB',
      'same: 10 GiB, unchanged',
      'grow: grows from 10 to 20 GiB',
      'shrink: shrinks from 10 to 5 GiB (2 GiB used)'
    ]);
  });

  test('shrinking below the data is refused with the numbers', () => {
    const { refusals } = planShares(
      [{ name: 'gtdata', quotaGiB: 100 }],
      [{ name: 'gtdata', quotaGiB: 1024, usageBytes: 150.5 * GIB }]
    );
    expect(refusals).toEqual([
      'Share gtdata holds 150.5 GiB; its quota cannot shrink from 1024 GiB to 100 GiB. Ask for at least 151 GiB, or remove data first.'
    ]);
  });

  test('a quota may shrink to exactly the data it holds, not a byte less', () => {
    const at = planShares(
      [{ name: 'gtdata', quotaGiB: 2 }],
      [{ name: 'gtdata', quotaGiB: 10, usageBytes: 2 * GIB }]
    );
    expect(at.refusals).toEqual([]);
    expect(at.changes.map(describeShareChange)).toEqual([
      'gtdata: shrinks from 10 to 2 GiB (2 GiB used)'
    ]);
    const above = planShares(
      [{ name: 'gtdata', quotaGiB: 2 }],
      [{ name: 'gtdata', quotaGiB: 10, usageBytes: 2 * GIB + 1 }]
    );
    expect(above.changes).toEqual([]);
    expect(above.refusals).toEqual([
      'Share gtdata holds 2 GiB; its quota cannot shrink from 10 GiB to 2 GiB. Ask for at least 2 GiB, or remove data first.'
    ]);
  });

  test('usage is shown to the hundredth of a GiB; an unreported usage counts as empty', () => {
    const { changes, refusals } = planShares(
      [
        { name: 'a', quotaGiB: 5 },
        { name: 'b', quotaGiB: 1 }
      ],
      [
        { name: 'other', quotaGiB: 5, usageBytes: 0 },
        { name: 'a', quotaGiB: 10, usageBytes: 1.237 * GIB },
        { name: 'b', quotaGiB: 3, usageBytes: undefined }
      ]
    );
    expect(refusals).toEqual([]);
    expect(changes.map(describeShareChange)).toEqual([
      'a: shrinks from 10 to 5 GiB (1.24 GiB used)',
      'b: shrinks from 3 to 1 GiB (0 GiB used)'
    ]);
  });
});

describe('storage account', () => {
  test('the default name is stable, valid and differs per group', () => {
    const a = defaultAccountName('00000000-0000-4000-8000-000000000001', 'rg-data');
    expect(a).toMatch(/^[a-z0-9]{3,24}$/);
    expect(a).toBe(defaultAccountName('00000000-0000-4000-8000-000000000001', 'RG-Data'));
    expect(a).not.toBe(defaultAccountName('00000000-0000-4000-8000-000000000001', 'rg-other'));
  });

  test('the live account is compared with the template and the inputs', () => {
    const template = loadTemplate('storage');
    const resource = templateResource(template, 'Microsoft.Storage/storageAccounts');
    const live: GenericResource = {
      kind: 'StorageV2',
      sku: { name: 'Standard_LRS' },
      tags: {
        'managed-by': 'gadgetron-actions',
        'gadgetron-storage': 'gtdata01',
        'gadgetron-cluster': ''
      },
      properties: {
        minimumTlsVersion: 'TLS1_2',
        allowBlobPublicAccess: false,
        supportsHttpsTrafficOnly: true,
        allowSharedKeyAccess: true
      }
    };
    expect(accountDifferences(SPEC, resource, live)).toEqual([]);
    expect(
      accountDifferences(SPEC, resource, {
        ...live,
        properties: { ...live.properties, minimumTlsVersion: 'TLS1_0' }
      })
    ).toEqual(['properties.minimumTlsVersion: "TLS1_0" → "TLS1_2"']);
    expect(() => accountDifferences({ ...SPEC, sku: 'Premium_LRS' }, resource, live)).toThrow(
      ActionFailure
    );
    // A Standard share above 5 TiB needs large file shares, and they are never turned off.
    const big = { ...SPEC, shares: [{ name: 'gtdata', quotaGiB: 6144 }] };
    expect(accountDifferences(big, resource, live)).toEqual([
      'properties.largeFileSharesState: Disabled → Enabled (shares above 5 TiB)'
    ]);
    expect(needsLargeFileShares(big, false)).toBe(true);
    expect(needsLargeFileShares(SPEC, true)).toBe(true);
    expect(needsLargeFileShares(SPEC, false)).toBe(false);
    expect(needsLargeFileShares({ ...big, sku: 'Premium_LRS' }, false)).toBe(false);
    expect(
      templateParameters(template, storageParameters(SPEC, 'westeurope', false)).shares
    ).toEqual({
      value: [
        { name: 'gtdependencies', quotaGiB: 100 },
        { name: 'gtdata', quotaGiB: 1024 }
      ]
    });
  });
});

describe('account differences', () => {
  const template = loadTemplate('storage');
  const resource = templateResource(template, 'Microsoft.Storage/storageAccounts');
  const live: GenericResource = {
    kind: 'StorageV2',
    sku: { name: 'Standard_LRS' },
    tags: { 'managed-by': 'gadgetron-actions', 'gadgetron-storage': 'gtdata01' },
    properties: {
      minimumTlsVersion: 'TLS1_2',
      allowBlobPublicAccess: false,
      supportsHttpsTrafficOnly: true,
      allowSharedKeyAccess: true
    }
  };

  test('another SKU of the same kind is a difference; the case of its name is not', () => {
    expect(accountDifferences(SPEC, resource, { ...live, sku: { name: 'standard_lrs' } })).toEqual(
      []
    );
    expect(accountDifferences({ ...SPEC, sku: 'Standard_ZRS' }, resource, live)).toEqual([
      'sku: Standard_LRS → Standard_ZRS'
    ]);
    expect(accountDifferences(SPEC, resource, { ...live, sku: undefined })).toEqual([
      'sku:  → Standard_LRS'
    ]);
  });

  test('an account without the owner tags, or of another storage name, is to be tagged', () => {
    const wanted = '{"managed-by":"gadgetron-actions","gadgetron-storage":"gtdata01"}';
    expect(accountDifferences(SPEC, resource, { ...live, tags: undefined })).toEqual([
      `tags: {} → ${wanted}`
    ]);
    const other = { 'managed-by': 'gadgetron-actions', 'gadgetron-storage': 'other' };
    expect(accountDifferences(SPEC, resource, { ...live, tags: other })).toEqual([
      `tags: ${JSON.stringify(other)} → ${wanted}`
    ]);
  });

  test('a change of kind is refused with what to keep', () => {
    expect(() => accountDifferences({ ...SPEC, sku: 'Premium_LRS' }, resource, live)).toThrow(
      'Storage account gtdata01 is a StorageV2 account; sku Premium_LRS needs a FileStorage account, and an account cannot change kind. Keep sku Standard_LRS or choose another storage-account.'
    );
    expect(() =>
      accountDifferences({ ...SPEC, sku: 'Premium_LRS' }, resource, { ...live, sku: undefined })
    ).toThrow('Keep sku  or choose another storage-account.');
  });

  test('large file shares already on (in any case) are kept, not asked for again', () => {
    const big = { ...SPEC, shares: [{ name: 'gtdata', quotaGiB: 6144 }] };
    const on = (state: string): GenericResource => ({
      ...live,
      properties: { ...live.properties, largeFileSharesState: state }
    });
    expect(largeFileSharesEnabled(on('Enabled'))).toBe(true);
    expect(largeFileSharesEnabled(on('enabled'))).toBe(true);
    expect(largeFileSharesEnabled(on('Disabled'))).toBe(false);
    expect(largeFileSharesEnabled({ ...live, properties: undefined })).toBe(false);
    expect(largeFileSharesEnabled(undefined)).toBe(false);
    expect(accountDifferences(big, resource, on('Enabled'))).toEqual([]);
  });
});

describe('storage objects', () => {
  const objects = storageObjects(
    {
      namespace: 'gadgetron',
      secretName: 'azure-gtstorage-secret',
      resourceGroup: 'rg-data',
      account: 'gtdata01',
      shares: SPEC.shares
    },
    'c2VjcmV0IGtleQ==',
    new Map([['gtdata', '500Gi']])
  ) as Json[];

  test('a Secret the CSI driver reads', () => {
    const secret = objects.find(o => o.kind === 'Secret');
    expect(Object.keys(secret?.data)).toEqual([
      'azurestorageaccountname',
      'azurestorageaccountkey'
    ]);
    expect(Buffer.from(secret?.data.azurestorageaccountname, 'base64').toString()).toBe('gtdata01');
  });

  test('one CSI volume and one claim bound to it by name per share', () => {
    const pv = objects.find(
      o => o.kind === 'PersistentVolume' && o.metadata.name === 'gadgetron-gtdata-gtdata01'
    );
    expect(pv?.spec).toMatchObject({
      capacity: { storage: '1024Gi' },
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      mountOptions: MOUNT_OPTIONS,
      claimRef: { namespace: 'gadgetron', name: 'gtdata' },
      csi: {
        driver: 'file.csi.azure.com',
        volumeHandle: 'rg-data_gtdata01_gtdata_gadgetron',
        volumeAttributes: { shareName: 'gtdata' }
      }
    });
    const pvc = objects.find(
      o => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'gtdata'
    );
    // An existing claim keeps its request; a new one asks for the quota.
    expect(pvc?.spec).toMatchObject({
      volumeName: 'gadgetron-gtdata-gtdata01',
      storageClassName: '',
      resources: { requests: { storage: '500Gi' } }
    });
    const deps = objects.find(
      o => o.kind === 'PersistentVolumeClaim' && o.metadata.name === 'gtdependencies'
    );
    expect(deps?.spec.resources.requests.storage).toBe('100Gi');
  });
});

// What the create-storage action derives from its inputs: the account's default name, its kind,
// the deployment's name and the template parameters (with the tag tear-down relies on).
import { describe, expect, test } from '@jest/globals';
import {
  ACCOUNT_TYPE,
  SHARE_TYPE,
  STORAGE_TEMPLATE,
  accountKind,
  defaultAccountName,
  storageDeploymentName,
  storageParameters
} from '../../src/azure/storage-spec.ts';
import { loadTemplate, templateParameters, templateResource } from '../../src/azure/templates.ts';

describe('storage spec', () => {
  test('the default account name ignores the case of subscription and group', () => {
    const name = defaultAccountName('AAAA-bbbb', 'RG-Gadgetron');
    expect(name).toMatch(/^gt[0-9a-f]{22}$/);
    expect(defaultAccountName('aaaa-BBBB', 'rg-gadgetron')).toBe(name);
    expect(defaultAccountName('aaaa-bbbb', 'rg-other')).not.toBe(name);
    // Pinned: a name that changed between releases would make a second account on the next run.
    expect(name).toBe('gt87ffe3b9ea24bc9b28858d');
  });

  test('premium SKUs need a FileStorage account; standard ones a general-purpose v2', () => {
    expect(accountKind('Premium_LRS')).toBe('FileStorage');
    expect(accountKind('Premium_ZRS')).toBe('FileStorage');
    expect(accountKind('Standard_ZRS')).toBe('StorageV2');
  });

  test('one deployment per account, named after it', () => {
    expect(storageDeploymentName('gtdata')).toBe('gadgetron-storage-gtdata');
  });

  test("the parameters carry the account's own tag on top of the user's", () => {
    const parameters = storageParameters(
      {
        resourceGroup: 'rg',
        location: undefined,
        account: 'gtdata',
        shares: [{ name: 'data', quotaGiB: 100 }],
        sku: 'Standard_LRS',
        tags: { team: 'mri', 'gadgetron-storage': 'spoofed' }
      },
      'westeurope',
      false
    );
    expect(parameters).toEqual({
      accountName: 'gtdata',
      largeFileShares: false,
      location: 'westeurope',
      skuName: 'Standard_LRS',
      shares: [{ name: 'data', quotaGiB: 100 }],
      tags: { team: 'mri', 'gadgetron-storage': 'gtdata' }
    });
    const template = loadTemplate(STORAGE_TEMPLATE);
    expect(Object.keys(templateParameters(template, parameters)).sort()).toEqual(
      Object.keys(parameters).sort()
    );
    expect(templateResource(template, ACCOUNT_TYPE).type).toBe(ACCOUNT_TYPE);
    expect(templateResource(template, SHARE_TYPE).type).toBe(SHARE_TYPE);
  });
});

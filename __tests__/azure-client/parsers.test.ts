import { describe, expect, test } from '@jest/globals';
import { ValueProblem } from '../../src/inputs/problem.ts';
import {
  azureLocation,
  azureTags,
  clusterName,
  guid,
  kubernetesVersion,
  resourceGroupName,
  shareList,
  storageAccountName,
  vmSize
} from '../../src/azure/parsers.ts';

const refuses = (parse: (raw: string) => unknown, raw: string): void => {
  expect(() => parse(raw)).toThrow(ValueProblem);
};

describe('Azure input parsers', () => {
  test('GUIDs are lower-cased', () => {
    expect(guid('AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE')).toBe(
      'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee'
    );
    refuses(guid, 'not-a-guid');
  });

  test('regions are normalised the way ARM writes them', () => {
    expect(azureLocation('West Europe')).toBe('westeurope');
    expect(azureLocation('eastus2')).toBe('eastus2');
    refuses(azureLocation, 'west-europe');
  });

  test('resource group, cluster, VM size and version rules', () => {
    expect(resourceGroupName('rg_gadgetron-(ci).1')).toBe('rg_gadgetron-(ci).1');
    refuses(resourceGroupName, 'rg.');
    refuses(resourceGroupName, 'a'.repeat(91));
    expect(clusterName('gt-aks-1')).toBe('gt-aks-1');
    refuses(clusterName, 'gt_aks');
    refuses(clusterName, '-gt');
    refuses(clusterName, 'a'.repeat(55));
    expect(vmSize('Standard_NC4as_T4_v3')).toBe('Standard_NC4as_T4_v3');
    refuses(vmSize, 'D8s_v5');
    expect(kubernetesVersion('v1.33')).toBe('1.33');
    expect(kubernetesVersion('1.33.2')).toBe('1.33.2');
    refuses(kubernetesVersion, '2.0');
  });

  test('tags are key=value lines', () => {
    expect(azureTags('team=mri\n# comment\ncost-center = 42\nempty=')).toEqual({
      team: 'mri',
      'cost-center': '42',
      empty: ''
    });
    refuses(azureTags, 'novalue');
    refuses(azureTags, 'a/b=1');
    refuses(azureTags, `k=${'v'.repeat(257)}`);
    refuses(azureTags, Array.from({ length: 51 }, (_, i) => `t${i}=x`).join('\n'));
  });

  test('storage account names and share lists', () => {
    expect(storageAccountName('gtdata01')).toBe('gtdata01');
    refuses(storageAccountName, 'GtData');
    expect(shareList('gtdependencies=100\ngtdata = 1024')).toEqual([
      { name: 'gtdependencies', quotaGiB: 100 },
      { name: 'gtdata', quotaGiB: 1024 }
    ]);
    refuses(shareList, 'gtdata');
    refuses(shareList, 'gt--data=1');
    refuses(shareList, 'gtdata=102401');
    refuses(shareList, 'gtdata=1\ngtdata=2');
    refuses(shareList, '# nothing');
  });
});

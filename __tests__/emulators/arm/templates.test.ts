import { describe, expect, it } from '@jest/globals';
import { validateResource } from '../../../src/azure/template-schema.ts';
import { type ExpandedTemplate, expandTemplate } from '../../../emulators/arm/template/expand.ts';
import { params, template } from './clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const scope = {
  subscriptionId: 'sub',
  tenantId: 'tenant',
  resourceGroup: { id: '/subscriptions/sub/resourceGroups/rg', name: 'rg', location: 'westeurope' },
  deploymentName: 'd',
  reference: () => ({})
};

function expand(
  name: 'aks-cluster' | 'storage',
  values: Record<string, unknown>
): ExpandedTemplate {
  return expandTemplate(template(name), params(values), scope);
}

describe('manifests/azure/aks-cluster.json', () => {
  it('without gpu: a tainted system pool in the cluster, the gadgetron pool as its own resource', () => {
    const resources = expand('aks-cluster', {
      clusterName: 'gt',
      minNodes: 2,
      maxNodes: 7,
      nodeCount: 4
    }).resources;
    const [cluster, gadgetron] = resources;
    const body = cluster?.body as Json;
    expect(cluster?.id).toBe(
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/gt'
    );
    expect(body.location).toBe('westeurope');
    expect(body.properties).not.toHaveProperty('kubernetesVersion');
    // Pools of an existing cluster are added, changed and removed only as agentPools resources.
    const pools = body.properties.agentPoolProfiles as Json[];
    expect(pools.map(p => [p.name, p.mode])).toEqual([['system', 'System']]);
    expect(pools[0]?.nodeTaints).toEqual(['CriticalAddonsOnly=true:NoSchedule']);
    expect(resources.map(r => r.name)).toEqual([
      'gt',
      'gt/gadgetron',
      'gt/aksManagedAutoUpgradeSchedule',
      'gt/aksManagedNodeOSUpgradeSchedule'
    ]);
    expect(gadgetron?.dependsOn).toEqual([cluster?.id]);
    expect((gadgetron?.body as Json).properties).toMatchObject({
      mode: 'User',
      enableAutoScaling: true,
      minCount: 2,
      maxCount: 7,
      count: 4,
      upgradeSettings: { drainTimeoutInMinutes: 70 }
    });
    for (const r of resources) expect(validateResource(r.body)).toEqual([]);
  });

  it('with gpu: adds a tainted GPU pool after the gadgetron pool; passes version and grace through', () => {
    const resources = expand('aks-cluster', {
      clusterName: 'gt',
      gpu: true,
      kubernetesVersion: '1.33.2',
      maxGracefulTerminationSec: '7200',
      drainTimeoutInMinutes: 130,
      tags: { team: 'mri', 'managed-by': 'someone-else' }
    }).resources;
    const body = resources[0]?.body as Json;
    const gpu = resources.find(r => r.name === 'gt/gpu');
    expect((gpu?.body as Json).properties).toMatchObject({
      mode: 'User',
      nodeTaints: ['sku=gpu:NoSchedule'],
      minCount: 0,
      count: 0,
      upgradeSettings: { drainTimeoutInMinutes: 130 }
    });
    // AKS runs one pool operation at a time: the second pool waits for the first.
    expect(gpu?.dependsOn).toEqual([resources.find(r => r.name === 'gt/gadgetron')?.id]);
    const window = resources.find(r => r.name === 'gt/aksManagedNodeOSUpgradeSchedule');
    expect((window?.body as Json).properties.maintenanceWindow).toEqual({
      schedule: { weekly: { dayOfWeek: 'Sunday', intervalWeeks: 1 } },
      durationHours: 4,
      startTime: '01:00',
      utcOffset: '+00:00'
    });
    expect(body.properties.kubernetesVersion).toBe('1.33.2');
    expect(body.properties.autoScalerProfile['max-graceful-termination-sec']).toBe('7200');
    expect(body.properties.autoUpgradeProfile).toEqual({
      upgradeChannel: 'none',
      nodeOSUpgradeChannel: 'NodeImage'
    });
    expect(body.properties.disableLocalAccounts).toBe(false);
    expect(body.properties).not.toHaveProperty('aadProfile');
    expect(body.sku).toEqual({ name: 'Base', tier: 'Free' });
    expect(body.tags).toEqual({
      team: 'mri',
      'managed-by': 'gadgetron-actions',
      'gadgetron-cluster': 'gt'
    });
    expect(body.properties.networkProfile).toMatchObject({
      networkPolicy: 'cilium',
      networkPluginMode: 'overlay'
    });
    for (const r of resources) expect(validateResource(r.body)).toEqual([]);
  });

  it('refuses a parameter of the wrong type and an unknown parameter', () => {
    expect(() => expand('aks-cluster', { clusterName: 'gt', minNodes: '2' })).toThrow(
      /Expected a value of type 'Integer'/
    );
    expect(() => expand('aks-cluster', { clusterName: 'gt', nodes: 2 })).toThrow(
      /'nodes' in the parameters file are not valid/
    );
    expect(() => expand('aks-cluster', {})).toThrow(/'clusterName' is not provided/);
  });
});

describe('manifests/azure/storage.json', () => {
  it('creates one share per entry, each depending on the account', () => {
    const { resources } = expand('storage', {
      accountName: 'gtstore',
      clusterName: 'gt',
      shares: [
        { name: 'data', quotaGiB: 100 },
        { name: 'deps', quotaGiB: 5 }
      ]
    });
    const [account, ...shares] = resources;
    expect((account?.body as Json).kind).toBe('StorageV2');
    expect((account?.body as Json).properties).toMatchObject({
      allowSharedKeyAccess: true,
      minimumTlsVersion: 'TLS1_2'
    });
    expect(shares.map(s => s.name)).toEqual(['gtstore/default/data', 'gtstore/default/deps']);
    expect(shares.map(s => (s.body as Json).properties.shareQuota)).toEqual([100, 5]);
    expect(shares.every(s => s.dependsOn[0] === account?.id)).toBe(true);
    for (const r of resources) expect(validateResource(r.body)).toEqual([]);
  });

  it('uses a FileStorage account for premium shares and allows no shares', () => {
    const { resources } = expand('storage', { accountName: 'gtstore', skuName: 'Premium_LRS' });
    expect(resources).toHaveLength(1);
    expect((resources[0]?.body as Json).kind).toBe('FileStorage');
    expect(() => expand('storage', { accountName: 'gtstore', skuName: 'Premium_GRS' })).toThrow(
      /allowed value/
    );
  });
});

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
  it('without gpu: a tainted system pool and an autoscaling gadgetron pool, AKS default version', () => {
    const [cluster] = expand('aks-cluster', {
      clusterName: 'gt',
      minNodes: 2,
      maxNodes: 7
    }).resources;
    const body = cluster?.body as Json;
    expect(cluster?.id).toBe(
      '/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/gt'
    );
    expect(body.location).toBe('westeurope');
    expect(body.properties).not.toHaveProperty('kubernetesVersion');
    const pools = body.properties.agentPoolProfiles as Json[];
    expect(pools.map(p => [p.name, p.mode])).toEqual([
      ['system', 'System'],
      ['gadgetron', 'User']
    ]);
    expect(pools[0]?.nodeTaints).toEqual(['CriticalAddonsOnly=true:NoSchedule']);
    expect(pools[1]).toMatchObject({ enableAutoScaling: true, minCount: 2, maxCount: 7 });
    expect(validateResource(body)).toEqual([]);
  });

  it('with gpu: adds a tainted GPU pool; passes version and autoscaler grace through', () => {
    const [cluster] = expand('aks-cluster', {
      clusterName: 'gt',
      gpu: true,
      kubernetesVersion: '1.33.2',
      maxGracefulTerminationSec: '7200',
      tags: { team: 'mri', 'managed-by': 'someone-else' }
    }).resources;
    const body = cluster?.body as Json;
    const gpuPool = (body.properties.agentPoolProfiles as Json[]).find(p => p.name === 'gpu');
    expect(gpuPool).toMatchObject({
      mode: 'User',
      nodeTaints: ['sku=gpu:NoSchedule'],
      minCount: 0
    });
    expect(body.properties.kubernetesVersion).toBe('1.33.2');
    expect(body.properties.autoScalerProfile['max-graceful-termination-sec']).toBe('7200');
    expect(body.tags).toEqual({
      team: 'mri',
      'managed-by': 'gadgetron-actions',
      'gadgetron-cluster': 'gt'
    });
    expect(body.properties.networkProfile).toMatchObject({
      networkPolicy: 'cilium',
      networkPluginMode: 'overlay'
    });
    expect(validateResource(body)).toEqual([]);
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

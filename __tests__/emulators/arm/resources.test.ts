import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { type ArmEmulator, startArmEmulator } from '../../../emulators/arm/index.ts';
import { type Clients, clients, params, template } from './clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function deployBoth(c: Clients): Promise<void> {
  await c.resources.resourceGroups.createOrUpdate('rg', { location: 'westeurope' });
  await c.deployments.deployments.createOrUpdate(
    'rg',
    'aks',
    {
      properties: {
        mode: 'Incremental',
        template: template('aks-cluster'),
        parameters: params({ clusterName: 'gt' })
      }
    },
    { updateIntervalInMs: 100 }
  );
  await c.deployments.deployments.createOrUpdate(
    'rg',
    'st',
    {
      properties: {
        mode: 'Incremental',
        template: template('storage'),
        parameters: params({ accountName: 'gtstore', shares: [{ name: 'data', quotaGiB: 10 }] })
      }
    },
    { updateIntervalInMs: 100 }
  );
}

describe('ARM emulator: clusters and storage', () => {
  let emu: ArmEmulator;
  let c: Clients;
  beforeAll(async () => {
    emu = await startArmEmulator({
      kubeconfigServer: 'https://127.0.0.1:6443',
      kubeconfigCertificateAuthorityData: 'Q0E='
    });
    c = clients(emu);
    await deployBoth(c);
  });
  afterAll(async () => emu.close());

  it('listClusterUserCredentials returns a token kubeconfig pointing at the configured server', async () => {
    const res = await c.containers.managedClusters.listClusterUserCredentials('rg', 'gt');
    expect(res.kubeconfigs?.[0]?.name).toBe('clusterUser');
    const kubeconfig = parse(
      Buffer.from(res.kubeconfigs?.[0]?.value as Uint8Array).toString('utf8')
    ) as Json;
    expect(kubeconfig.clusters[0].cluster).toEqual({
      server: 'https://127.0.0.1:6443',
      'certificate-authority-data': 'Q0E='
    });
    const clusterId = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/gt`;
    expect(kubeconfig.users[0].user.token).toBe(emu.state.clusterUserToken(clusterId));
    expect(kubeconfig['current-context']).toBe('gt');
  });

  it('answers 404 with ARM error shape for a missing cluster', async () => {
    await expect(
      c.containers.managedClusters.listClusterUserCredentials('rg', 'nope')
    ).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound'
    });
  });

  it('listKeys returns two distinct base64 keys, stable across calls', async () => {
    const a = await c.storage.storageAccounts.listKeys('rg', 'gtstore');
    const b = await c.storage.storageAccounts.listKeys('rg', 'gtstore');
    expect(a.keys?.map(k => k.keyName)).toEqual(['key1', 'key2']);
    expect(a.keys?.[0]?.value).toMatch(/^[A-Za-z0-9+/]{86}==$/);
    expect(a.keys?.[0]?.value).not.toBe(a.keys?.[1]?.value);
    expect(b.keys?.[0]?.value).toBe(a.keys?.[0]?.value);
  });

  it('reports share usage with $expand=stats and lets a share quota be changed', async () => {
    const shareId = `/subscriptions/${emu.subscriptionId}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/gtstore/fileServices/default/shares/data`;
    emu.state.setShareUsageBytes(shareId, 7 * 1024 ** 3);
    const plain = await c.storage.fileShares.get('rg', 'gtstore', 'data');
    expect(plain.shareUsageBytes).toBeUndefined();
    const stats = await c.storage.fileShares.get('rg', 'gtstore', 'data', { expand: 'stats' });
    expect(stats.shareUsageBytes).toBe(7 * 1024 ** 3);
    await c.storage.fileShares.update('rg', 'gtstore', 'data', { shareQuota: 20 });
    expect((await c.storage.fileShares.get('rg', 'gtstore', 'data')).shareQuota).toBe(20);
    const created = await c.storage.fileShares.create('rg', 'gtstore', 'extra', { shareQuota: 3 });
    expect(created.shareQuota).toBe(3);
  });

  it('deleting a cluster removes its node resource group', async () => {
    await c.containers.managedClusters.delete('rg', 'gt', { updateIntervalInMs: 100 });
    expect(emu.state.getResourceGroup('MC_rg_gt_westeurope')).toBeUndefined();
    await expect(c.containers.managedClusters.get('rg', 'gt')).rejects.toMatchObject({
      statusCode: 404
    });
  });
});

describe('ARM emulator: Entra ID cluster credentials', () => {
  let emu: ArmEmulator;
  afterAll(async () => emu.close());

  it('returns an exec (kubelogin) kubeconfig when aadCluster is set', async () => {
    emu = await startArmEmulator({ aadCluster: true, kubeconfigServer: 'https://127.0.0.1:7443' });
    const c = clients(emu);
    await deployBoth(c);
    const res = await c.containers.managedClusters.listClusterUserCredentials('rg', 'gt');
    const kubeconfig = parse(
      Buffer.from(res.kubeconfigs?.[0]?.value as Uint8Array).toString('utf8')
    ) as Json;
    const exec = kubeconfig.users[0].user.exec;
    expect(exec.command).toBe('kubelogin');
    expect(exec.args).toEqual(
      expect.arrayContaining([
        'get-token',
        '--server-id',
        '6dae42f8-4368-4678-94ff-3960e28e3630',
        '--tenant-id',
        emu.tenantId
      ])
    );
    expect(kubeconfig.users[0].user.token).toBeUndefined();
  });
});

/**
 * What ARM and AKS refuse or do that a lenient emulator would hide: each case here failed
 * against the emulator before it modelled it (see the sources cited in providers/).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ArmEmulator, startArmEmulator } from '../../../emulators/arm/index.ts';
import { type Clients, clients, raw } from './clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('ARM emulator: AKS and Azure Files as Azure behaves', () => {
  let emu: ArmEmulator;
  let c: Clients;
  let token: string;
  const api = '?api-version=2026-05-01';
  const rg = (): string => `/subscriptions/${emu.subscriptionId}/resourceGroups/rg`;
  const clusterPath = (name: string): string =>
    `${rg()}/providers/Microsoft.ContainerService/managedClusters/${name}`;
  const pool = (name: string, extra: Json = {}): Json => ({
    name,
    mode: name === 'system' ? 'System' : 'User',
    vmSize: 'Standard_D4s_v5',
    count: 1,
    enableAutoScaling: name !== 'system',
    ...(name === 'system' ? {} : { minCount: 1, maxCount: 5 }),
    ...extra
  });
  const cluster = (pools: Json[]): Json => ({
    location: 'westeurope',
    identity: { type: 'SystemAssigned' },
    properties: { dnsPrefix: 'c1', agentPoolProfiles: pools }
  });
  const settle = async (path: string): Promise<Json> => {
    for (;;) {
      const got = (await raw(emu, 'GET', `${path}${api}`, { token })).body as Json;
      const states = [
        got.properties?.provisioningState,
        ...(got.properties?.agentPoolProfiles ?? []).map((p: Json) => p.provisioningState)
      ];
      if (states.every(s => s === 'Succeeded')) return got;
      await new Promise(resolve => setTimeout(resolve, 50));
    }
  };

  beforeAll(async () => {
    emu = await startArmEmulator({ durations: { clusterCreateMs: 200, clusterUpdateMs: 200 } });
    c = clients(emu);
    token = (await c.credential.getToken('https://management.azure.com/.default')).token;
    await c.resources.resourceGroups.createOrUpdate('rg', { location: 'westeurope' });
    expect(
      (
        await raw(emu, 'PUT', `${clusterPath('c1')}${api}`, {
          token,
          body: cluster([pool('system'), pool('work')])
        })
      ).status
    ).toBe(201);
    await settle(clusterPath('c1'));
  });
  afterAll(async () => emu.close());

  it('a cluster PUT sets each pool it names to its count, autoscaling or not', async () => {
    emu.state.setPoolCount(`${clusterPath('c1')}`, 'work', 4);
    await raw(emu, 'PUT', `${clusterPath('c1')}${api}`, {
      token,
      body: cluster([pool('system'), pool('work')])
    });
    const after = await settle(clusterPath('c1'));
    expect(after.properties.agentPoolProfiles.find((p: Json) => p.name === 'work').count).toBe(1);
  });

  it('refuses a new pool in agentPoolProfiles and ignores one left out', async () => {
    const added = await raw(emu, 'PUT', `${clusterPath('c1')}${api}`, {
      token,
      body: cluster([pool('system'), pool('work'), pool('gpu')])
    });
    expect(added.status).toBe(400);
    expect((added.body as Json).error.message).toContain('A new agent pool was introduced');
    await raw(emu, 'PUT', `${clusterPath('c1')}${api}`, { token, body: cluster([pool('system')]) });
    const after = await settle(clusterPath('c1'));
    expect(after.properties.agentPoolProfiles.map((p: Json) => p.name)).toEqual(['system', 'work']);
  });

  it('adds and deletes a pool as its own resource; refuses another vmSize', async () => {
    const put = await raw(emu, 'PUT', `${clusterPath('c1')}/agentPools/gpu${api}`, {
      token,
      body: { properties: { ...pool('gpu', { count: 0, minCount: 0 }), name: undefined } }
    });
    expect(put.status).toBe(201);
    await settle(clusterPath('c1'));
    const resized = await raw(emu, 'PUT', `${clusterPath('c1')}/agentPools/gpu${api}`, {
      token,
      body: { properties: { vmSize: 'Standard_NC8as_T4_v3' } }
    });
    expect(resized.status).toBe(400);
    expect((resized.body as Json).error.code).toBe('PropertyChangeNotAllowed');
    const viaCluster = await raw(emu, 'PUT', `${clusterPath('c1')}${api}`, {
      token,
      body: cluster([pool('system', { vmSize: 'Standard_D8s_v5' })])
    });
    expect((viaCluster.body as Json).error.code).toBe('PropertyChangeNotAllowed');
    expect(
      (await raw(emu, 'DELETE', `${clusterPath('c1')}/agentPools/gpu${api}`, { token })).status
    ).toBe(202);
    const after = await settle(clusterPath('c1'));
    expect(after.properties.agentPoolProfiles.map((p: Json) => p.name)).toEqual(['system', 'work']);
  });

  it('answers 409 OperationNotAllowed while the cluster or a pool is busy', async () => {
    emu.state.startClusterOperation(clusterPath('c1'), {
      operation: 'Scaling',
      pool: 'work',
      durationMs: 60_000
    });
    const busy = await raw(emu, 'PUT', `${clusterPath('c1')}${api}`, {
      token,
      body: cluster([pool('system')])
    });
    expect(busy.status).toBe(409);
    expect((busy.body as Json).error).toMatchObject({
      code: 'OperationNotAllowed',
      message: expect.stringContaining(
        'Another agentpool operation (work - Scaling) is in progress'
      )
    });
    const deleting = await raw(emu, 'DELETE', `${clusterPath('c1')}/agentPools/work${api}`, {
      token
    });
    expect(deleting.status).toBe(409);
  });

  it("lists the subscription's regions and refuses others", async () => {
    const list = await raw(
      emu,
      'GET',
      `/subscriptions/${emu.subscriptionId}/locations?api-version=2022-12-01`,
      { token }
    );
    expect(((list.body as Json).value as Json[]).map(r => r.name)).toContain('westeurope');
    const group = await raw(
      emu,
      'PUT',
      `/subscriptions/${emu.subscriptionId}/resourcegroups/rg2?api-version=2025-04-01`,
      {
        token,
        body: { location: 'westeurpoe' }
      }
    );
    expect(group.status).toBe(400);
    expect((group.body as Json).error.code).toBe('LocationNotAvailableForResourceGroup');
    const resource = await raw(emu, 'PUT', `${clusterPath('c2')}${api}`, {
      token,
      body: { ...cluster([pool('system')]), location: 'westeurpoe' }
    });
    expect((resource.body as Json).error.code).toBe('LocationNotAvailableForResourceType');
    expect(emu.state.getResourceGroup('rg2')).toBeUndefined();
  });

  it('refuses a Standard share above 5 TiB unless the account has large file shares', async () => {
    const account = `${rg()}/providers/Microsoft.Storage/storageAccounts`;
    const share = (name: string) =>
      `${account}/${name}/fileServices/default/shares/big?api-version=2026-04-01`;
    for (const [name, large] of [
      ['small', undefined],
      ['large', 'Enabled']
    ] as const) {
      await c.storage.storageAccounts.create('rg', name === 'small' ? 'gtsmall' : 'gtlarge', {
        location: 'westeurope',
        kind: 'StorageV2',
        sku: { name: 'Standard_LRS' },
        ...(large ? { largeFileSharesState: large } : {})
      });
    }
    const refused = await raw(emu, 'PUT', share('gtsmall'), {
      token,
      body: { properties: { shareQuota: 6144 } }
    });
    expect(refused.status).toBe(400);
    expect((refused.body as Json).error.code).toBe('InvalidHeaderValue');
    const created = await raw(emu, 'PUT', share('gtlarge'), {
      token,
      body: { properties: { shareQuota: 6144 } }
    });
    expect(created.status).toBe(201);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ArmEmulator, startArmEmulator } from '../../../emulators/arm/index.ts';
import { type Clients, clients, params, raw, template } from './clients.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface DeploymentBody {
  properties: {
    mode: 'Incremental';
    template: Record<string, unknown>;
    parameters: Record<string, { value: unknown }>;
  };
}

describe('ARM emulator: template deployments', () => {
  let emu: ArmEmulator;
  let c: Clients;
  const aks = (values: Record<string, unknown>): DeploymentBody => ({
    properties: {
      mode: 'Incremental',
      template: template('aks-cluster'),
      parameters: params(values)
    }
  });
  const storage = (values: Record<string, unknown>): DeploymentBody => ({
    properties: { mode: 'Incremental', template: template('storage'), parameters: params(values) }
  });

  beforeAll(async () => {
    emu = await startArmEmulator({ durations: { clusterCreateMs: 800, clusterUpdateMs: 400 } });
    c = clients(emu);
    await c.resources.resourceGroups.createOrUpdate('rg', { location: 'westeurope' });
  });
  afterAll(async () => emu.close());

  it('deploys the AKS template: Accepted → Running → Succeeded, with outputs and the cluster', async () => {
    const poller = c.deployments.deployments.createOrUpdate(
      'rg',
      'aks',
      aks({ clusterName: 'gt', gpu: true }),
      {
        updateIntervalInMs: 100
      }
    );
    await poller.submitted();
    const put = emu.requests.find(
      r => r.method === 'PUT' && r.resourceType === 'Microsoft.Resources/deployments'
    );
    expect(put?.status).toBe(201);
    const running = await c.deployments.deployments.get('rg', 'aks');
    expect(['Accepted', 'Running']).toContain(running.properties?.provisioningState);
    const done = await poller;
    expect(done.properties?.provisioningState).toBe('Succeeded');
    const outputs = done.properties?.outputs as Json;
    expect(outputs.fqdn.value).toMatch(/^gt-[0-9a-f]{8}\.hcp\.westeurope\.azmk8s\.io$/);
    expect(outputs.oidcIssuerUrl.value).toMatch(
      new RegExp(`^https://westeurope\\.oic\\.prod-aks\\.azure\\.com/${emu.tenantId}/`)
    );
    expect(outputs.nodeResourceGroup.value).toBe('MC_rg_gt_westeurope');
    expect(outputs.kubernetesVersion.value).toMatch(/^1\.\d+\.\d+$/);

    const cluster = await c.containers.managedClusters.get('rg', 'gt');
    expect(cluster.provisioningState).toBe('Succeeded');
    expect(cluster.agentPoolProfiles?.map(p => p.name)).toEqual(['system', 'gadgetron', 'gpu']);
    expect(cluster.tags).toMatchObject({
      'managed-by': 'gadgetron-actions',
      'gadgetron-cluster': 'gt'
    });
    expect(emu.state.getResourceGroup('MC_rg_gt_westeurope')?.managedBy).toBe(cluster.id);
    // the cluster was only written by the deployment, never by a direct PUT
    expect(
      emu.requests.filter(
        r => r.method === 'PUT' && r.resourceType === 'Microsoft.ContainerService/managedClusters'
      )
    ).toEqual([]);
  });

  it('lists deployment operations per resource', async () => {
    const ops = [];
    for await (const o of c.deployments.deploymentOperations.list('rg', 'aks')) ops.push(o);
    expect(ops.map(o => o.properties?.targetResource?.resourceName)).toEqual([
      'gt',
      'gt/gadgetron',
      'gt/gpu',
      'gt/aksManagedAutoUpgradeSchedule',
      'gt/aksManagedNodeOSUpgradeSchedule'
    ]);
    expect(ops[0]?.properties).toMatchObject({
      provisioningState: 'Succeeded',
      statusCode: 'Created',
      targetResource: {
        resourceType: 'Microsoft.ContainerService/managedClusters',
        resourceName: 'gt'
      }
    });
  });

  it('deploys the storage template with its shares', async () => {
    const done = await c.deployments.deployments.createOrUpdate(
      'rg',
      'st',
      storage({
        accountName: 'gtstore',
        clusterName: 'gt',
        shares: [
          { name: 'data', quotaGiB: 100 },
          { name: 'deps', quotaGiB: 5 }
        ]
      }),
      { updateIntervalInMs: 100 }
    );
    expect(done.properties?.provisioningState).toBe('Succeeded');
    expect((done.properties?.outputs as Json).fileEndpoint.value).toBe(
      'https://gtstore.file.core.windows.net/'
    );
    const share = await c.storage.fileShares.get('rg', 'gtstore', 'data');
    expect(share).toMatchObject({ name: 'data', shareQuota: 100, enabledProtocols: 'SMB' });
    const ops = [];
    for await (const o of c.deployments.deploymentOperations.list('rg', 'st')) ops.push(o);
    expect(ops.map(o => o.properties?.targetResource?.resourceName).sort()).toEqual([
      'gtstore',
      'gtstore/default/data',
      'gtstore/default/deps'
    ]);
  });

  it('what-if: NoChange for the same parameters, Modify with the changed path otherwise', async () => {
    const same = await c.deployments.deployments.whatIf(
      'rg',
      'aks',
      aks({ clusterName: 'gt', gpu: true }),
      { updateIntervalInMs: 100 }
    );
    expect(same.status).toBe('Succeeded');
    expect(same.changes?.map(x => x.changeType)).toEqual([
      'NoChange',
      'NoChange',
      'NoChange',
      'NoChange',
      'NoChange'
    ]);

    const changed = await c.deployments.deployments.whatIf(
      'rg',
      'aks',
      aks({ clusterName: 'gt', gpu: true, maxGracefulTerminationSec: '900' }),
      { updateIntervalInMs: 100 }
    );
    const change = changed.changes?.[0];
    expect(change?.changeType).toBe('Modify');
    expect(change?.delta).toEqual([
      {
        path: 'properties.autoScalerProfile.max-graceful-termination-sec',
        propertyChangeType: 'Modify',
        before: '3600',
        after: '900'
      }
    ]);
    const created = await c.deployments.deployments.whatIf(
      'rg',
      'aks2',
      aks({ clusterName: 'other' }),
      { updateIntervalInMs: 100 }
    );
    expect(created.changes?.[0]?.changeType).toBe('Create');
    const post = emu.requests.find(r => r.operation === 'whatIf');
    expect(post?.status).toBe(202);
  });

  it('a redeployment updates the existing cluster (Updating → Succeeded)', async () => {
    const poller = c.deployments.deployments.createOrUpdate(
      'rg',
      'aks',
      aks({ clusterName: 'gt', gpu: true, maxNodes: 9 }),
      { updateIntervalInMs: 100 }
    );
    await poller.submitted();
    await new Promise(r => setTimeout(r, 150));
    expect((await c.containers.managedClusters.get('rg', 'gt')).provisioningState).toBe('Updating');
    await poller;
    const cluster = await c.containers.managedClusters.get('rg', 'gt');
    expect(cluster.agentPoolProfiles?.find(p => p.name === 'gadgetron')?.maxCount).toBe(9);
  });

  it('refuses an invalid template with 400 InvalidTemplate', async () => {
    const t = template('aks-cluster');
    (t.resources as Json[])[0]!.properties.networkProfile.networkPlugin = 'flannel';
    await expect(
      c.deployments.deployments.createOrUpdate('rg', 'bad', {
        properties: { mode: 'Incremental', template: t, parameters: params({ clusterName: 'x' }) }
      })
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidTemplate',
      message: expect.stringContaining('networkPlugin')
    });
  });

  it('refuses an unknown template function, naming it', async () => {
    const t = template('storage');
    (t.outputs as Json).id = { type: 'string', value: '[uniqueString(resourceGroup().id)]' };
    await expect(
      c.deployments.deployments.createOrUpdate('rg', 'bad2', {
        properties: { mode: 'Incremental', template: t, parameters: params({ accountName: 'abc' }) }
      })
    ).rejects.toMatchObject({
      statusCode: 400,
      code: 'InvalidTemplate',
      message: expect.stringContaining("'uniquestring' is not valid")
    });
  });

  it('refuses what the resource provider would refuse (minCount > maxCount)', async () => {
    await expect(
      c.deployments.deployments.createOrUpdate(
        'rg',
        'bad3',
        aks({ clusterName: 'gt', minNodes: 5, maxNodes: 2 })
      )
    ).rejects.toMatchObject({ statusCode: 400, code: 'InvalidTemplateDeployment' });
  });

  it('a quota failure fails the deployment with ARM error shape and the operation status message', async () => {
    emu.faults.inject({
      type: 'deployment-failure',
      code: 'QuotaExceeded',
      message:
        'Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota.',
      resourceType: 'Microsoft.ContainerService/managedClusters'
    });
    await expect(
      c.deployments.deployments.createOrUpdate('rg', 'quota', aks({ clusterName: 'q1' }), {
        updateIntervalInMs: 100
      })
    ).rejects.toThrow(/At least one resource deployment operation failed/);
    const dep = await c.deployments.deployments.get('rg', 'quota');
    expect(dep.properties?.provisioningState).toBe('Failed');
    expect(dep.properties?.error).toMatchObject({
      code: 'DeploymentFailed',
      details: [{ code: 'QuotaExceeded', message: expect.stringContaining('quota') }]
    });
    const ops = [];
    for await (const o of c.deployments.deploymentOperations.list('rg', 'quota')) ops.push(o);
    expect(ops[0]?.properties?.provisioningState).toBe('Failed');
    expect(ops[0]?.properties?.statusMessage?.error?.code).toBe('QuotaExceeded');
    await expect(c.containers.managedClusters.get('rg', 'q1')).rejects.toMatchObject({
      statusCode: 404,
      code: 'ResourceNotFound'
    });
    // the fault is used up: the same deployment now succeeds
    const again = await c.deployments.deployments.createOrUpdate(
      'rg',
      'quota',
      aks({ clusterName: 'q1' }),
      { updateIntervalInMs: 100 }
    );
    expect(again.properties?.provisioningState).toBe('Succeeded');
  });

  it('refuses to replace a deployment that is still running (409 DeploymentActive)', async () => {
    const poller = c.deployments.deployments.createOrUpdate(
      'rg',
      'busy',
      aks({ clusterName: 'busy' }),
      { updateIntervalInMs: 100 }
    );
    await poller.submitted();
    const { token } = await c.credential.getToken('https://management.azure.com/.default');
    const res = await raw(
      emu,
      'PUT',
      `/subscriptions/${emu.subscriptionId}/resourcegroups/rg/providers/Microsoft.Resources/deployments/busy?api-version=2025-04-01`,
      { token, body: aks({ clusterName: 'busy' }) }
    );
    expect(res.status).toBe(409);
    expect(res.body).toMatchObject({ error: { code: 'DeploymentActive' } });
    await poller;
  });
});

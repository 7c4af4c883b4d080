/**
 * provision-cluster against AKS's own rules, as the stricter ARM emulator models them: pool
 * sizes survive redeploys, pools come and go as their own resources, a busy cluster is waited
 * for and retried, a stopped one refused, a mistyped region refused before any write.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { armCalls, errors, runAction, startSandbox, type Sandbox } from './harness.ts';

// Runs of the action take seconds here but far longer on a busy machine: generous timeouts.

// Test assertions read free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const RG = 'rg-aks-rules';
const CLUSTER = 'gt-rules';
const BASE = {
  'resource-group': RG,
  'cluster-name': CLUSTER,
  location: 'westeurope',
  'min-nodes': '1',
  'max-nodes': '6'
};

let sandbox: Sandbox;
let clusterId: string;

beforeAll(async () => {
  sandbox = await startSandbox();
  const created = await runAction(sandbox, 'provision-cluster', BASE);
  expect(errors(created)).toEqual([]);
  clusterId = live().id as string;
}, 120_000);

afterAll(async () => {
  await sandbox?.close();
});

function live(name = CLUSTER): Json {
  return sandbox.arm.state
    .resources()
    .find(r => r.type === 'Microsoft.ContainerService/managedClusters' && r.name === name) as Json;
}

function pool(name: string): Json | undefined {
  return (live().properties.agentPoolProfiles as Json[]).find(p => p.name === name);
}

/** Requests since `since` that could change something. */
function writes(since: number): string[] {
  return armCalls(sandbox.arm, since)
    .filter(r => r.method !== 'GET' && !/\/listClusterUserCredential$/i.test(r.path))
    .map(r => `${r.method} ${r.path}`);
}

describe('provision-cluster and AKS node pools', () => {
  test('what is deployed: drain timeout beyond the grace period, weekly maintenance windows', () => {
    expect(pool('gadgetron')?.upgradeSettings).toMatchObject({ drainTimeoutInMinutes: 70 });
    expect(live().properties.autoUpgradeProfile).toEqual({
      upgradeChannel: 'none',
      nodeOSUpgradeChannel: 'NodeImage'
    });
    for (const name of ['aksManagedAutoUpgradeSchedule', 'aksManagedNodeOSUpgradeSchedule']) {
      const config = sandbox.arm.state.getResource(
        `${clusterId}/maintenanceConfigurations/${name}`
      );
      expect(config?.properties.maintenanceWindow).toEqual({
        schedule: { weekly: { dayOfWeek: 'Sunday', intervalWeeks: 1 } },
        durationHours: 4,
        startTime: '01:00',
        utcOffset: '+00:00'
      });
    }
    expect(live().sku).toMatchObject({ tier: 'Free' });
    expect(live().properties.disableLocalAccounts).toBe(false);
  });

  test('a redeploy after the autoscaler grew the pool keeps its size', async () => {
    sandbox.arm.state.setPoolCount(clusterId, 'gadgetron', 5);
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'provision-cluster', {
      ...BASE,
      tags: 'cost-centre=mri',
      'max-graceful-termination': '5400'
    });
    expect(errors(result)).toEqual([]);
    expect(result.outputs.changed).toBe('true');
    expect(writes(since).some(w => /\/deployments\//i.test(w))).toBe(true);
    expect(pool('gadgetron')).toMatchObject({
      count: 5,
      upgradeSettings: { drainTimeoutInMinutes: 100 }
    });
    // Lower bounds than the live size: the count moves inside them, no further.
    sandbox.arm.state.setPoolCount(clusterId, 'gadgetron', 6);
    const lowered = await runAction(sandbox, 'provision-cluster', {
      ...BASE,
      tags: 'cost-centre=mri',
      'max-graceful-termination': '5400',
      'max-nodes': '4'
    });
    expect(errors(lowered)).toEqual([]);
    expect(pool('gadgetron')).toMatchObject({ count: 4, maxCount: 4 });
  }, 240_000);

  test('gpu turned on adds the GPU pool, turned off deletes it, and the next run is up to date', async () => {
    const on = await runAction(sandbox, 'provision-cluster', { ...BASE, gpu: 'true' });
    expect(errors(on)).toEqual([]);
    expect(on.stdout).toContain('agent pool gpu: missing');
    expect(pool('gpu')).toMatchObject({
      count: 0,
      minCount: 0,
      nodeTaints: ['sku=gpu:NoSchedule'],
      upgradeSettings: { drainTimeoutInMinutes: 70 }
    });
    const again = await runAction(sandbox, 'provision-cluster', { ...BASE, gpu: 'true' });
    expect(again.outputs.changed).toBe('false');

    const since = sandbox.arm.requests.length;
    const off = await runAction(sandbox, 'provision-cluster', BASE);
    expect(errors(off)).toEqual([]);
    expect(off.outputs.changed).toBe('true');
    expect(writes(since)).toEqual([expect.stringMatching(/^DELETE .*\/agentPools\/gpu$/i)]);
    expect(pool('gpu')).toBeUndefined();
    const after = await runAction(sandbox, 'provision-cluster', BASE);
    expect(after.outputs.changed).toBe('false');
    expect(after.stdout).toContain('already matches the inputs');
  }, 240_000);

  test('a new VM size is refused before any write, with the way that works', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'provision-cluster', {
      ...BASE,
      'node-vm-size': 'Standard_D16s_v5'
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result).join('\n')).toContain(
      "Agent pool gadgetron of cluster gt-rules runs Standard_D8s_v5; AKS cannot change a pool's VM size (PropertyChangeNotAllowed). Keep node-vm-size: Standard_D8s_v5, or add a pool of Standard_D16s_v5 (az aks nodepool add)"
    );
    expect(writes(since)).toEqual([]);
  }, 120_000);

  test('a pool busy scaling is waited for: no write meets a 409', async () => {
    // The autoscaler starts scaling just as the run first reads the cluster.
    sandbox.arm.faults.inject({
      type: 'busy',
      cluster: CLUSTER,
      pool: 'gadgetron',
      operation: 'Scaling',
      durationMs: 3000,
      times: 1,
      match: new RegExp(`^GET .*/managedClusters/${CLUSTER}$`, 'i')
    });
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'provision-cluster', { ...BASE, 'max-nodes': '7' });
    expect(errors(result)).toEqual([]);
    expect(result.stdout).toContain(`${CLUSTER} is busy (pool gadgetron: Scaling)`);
    expect(armCalls(sandbox.arm, since).filter(r => r.status === 409)).toEqual([]);
    expect(pool('gadgetron')?.maxCount).toBe(7);
  }, 120_000);

  test('an operation that starts as the deployment does: 409 retried, then success', async () => {
    sandbox.arm.faults.inject({
      type: 'busy',
      cluster: CLUSTER,
      operation: 'Upgrading',
      durationMs: 4000,
      times: 1,
      match: /^PUT .*\/deployments\//i
    });
    const result = await runAction(sandbox, 'provision-cluster', { ...BASE, 'max-nodes': '8' });
    expect(errors(result)).toEqual([]);
    expect(result.stdout).toMatch(
      /Deployment gadgetron-cluster-gt-rules was refused because the cluster is busy: Operation is not allowed: Another operation \(Upgrading\) is in progress.*Retrying when it is idle \(attempt 2 of 6\)/
    );
    expect(pool('gadgetron')?.maxCount).toBe(8);
  }, 240_000);

  test('a stopped cluster is refused with the command that starts it; no credentials', async () => {
    live().properties.powerState = { code: 'Stopped' };
    try {
      for (const inputs of [
        BASE,
        { 'resource-group': RG, 'cluster-name': CLUSTER, state: 'existing' }
      ]) {
        const since = sandbox.arm.requests.length;
        const result = await runAction(sandbox, 'provision-cluster', inputs);
        expect(result.exitCode).toBe(1);
        expect(errors(result).join('\n')).toContain(
          `Cluster ${CLUSTER} is stopped (power state Stopped): nothing was changed and no credentials are handed out. Start it with \`az aks start --resource-group ${RG} --name ${CLUSTER}\``
        );
        expect(writes(since)).toEqual([]);
        expect(result.outputs.kubeconfig).toBeUndefined();
      }
    } finally {
      live().properties.powerState = { code: 'Running' };
    }
  }, 240_000);

  test('hardening when asked: API server ranges, Standard tier, Entra ID only; back off again', async () => {
    const hardened = await runAction(sandbox, 'provision-cluster', {
      ...BASE,
      'max-nodes': '8',
      'api-server-authorized-ranges': '203.0.113.0/24\n198.51.100.7/32',
      tier: 'Standard',
      'disable-local-accounts': 'true',
      'maintenance-window': 'Wednesday 22:30',
      'maintenance-hours': '6',
      'node-os-upgrade-channel': 'SecurityPatch'
    });
    expect(errors(hardened)).toEqual([]);
    const props = live().properties;
    expect(live().sku).toMatchObject({ tier: 'Standard' });
    expect(props.apiServerAccessProfile.authorizedIPRanges).toEqual([
      '203.0.113.0/24',
      '198.51.100.7/32'
    ]);
    expect(props.disableLocalAccounts).toBe(true);
    expect(props.aadProfile).toEqual({ managed: true, enableAzureRBAC: true });
    expect(props.autoUpgradeProfile.nodeOSUpgradeChannel).toBe('SecurityPatch');
    const window = sandbox.arm.state.getResource(
      `${clusterId}/maintenanceConfigurations/aksManagedNodeOSUpgradeSchedule`
    )?.properties.maintenanceWindow;
    expect(window).toMatchObject({
      schedule: { weekly: { dayOfWeek: 'Wednesday' } },
      startTime: '22:30',
      durationHours: 6
    });
    const same = await runAction(sandbox, 'provision-cluster', {
      ...BASE,
      'max-nodes': '8',
      'api-server-authorized-ranges': '198.51.100.7/32, 203.0.113.0/24',
      tier: 'Standard',
      'disable-local-accounts': 'true',
      'maintenance-window': 'wednesday 22:30',
      'maintenance-hours': '6',
      'node-os-upgrade-channel': 'SecurityPatch'
    });
    expect(same.outputs.changed).toBe('false');
    const back = await runAction(sandbox, 'provision-cluster', { ...BASE, 'max-nodes': '8' });
    expect(errors(back)).toEqual([]);
    expect(live().sku).toMatchObject({ tier: 'Free' });
    expect(live().properties.apiServerAccessProfile.authorizedIPRanges).toEqual([]);
  }, 300_000);

  test('a mistyped region is refused with a suggestion before anything is written', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'provision-cluster', {
      ...BASE,
      'resource-group': 'rg-typo',
      location: 'westeurpoe'
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result).join('\n')).toContain(
      `Input 'location': "westeurpoe" is not a region of subscription ${sandbox.arm.subscriptionId}. Did you mean westeurope? Nothing was changed.`
    );
    expect(writes(since)).toEqual([]);
    expect(sandbox.arm.state.getResourceGroup('rg-typo')).toBeUndefined();
  }, 120_000);
});

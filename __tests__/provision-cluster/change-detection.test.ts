// The bundled provision-cluster action decides from the live cluster whether to deploy. A
// difference it misses is a deployment the user asked for that never happens, reported as "up
// to date"; one it invents is minutes of AKS reconciling for nothing. Each test changes one
// thing, in the inputs or out of band in ARM, and looks at what the action then did.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { ActionProcessResult } from '../../tools/runner/action-process.ts';
import { armCalls, freshTemp, runAction, startSandbox, type Sandbox } from './harness.ts';

// Test assertions read free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const RG = 'rg-gadgetron-changes';
const CLUSTER = 'gt-changes';
const BASE = {
  'resource-group': RG,
  'cluster-name': CLUSTER,
  location: 'westeurope',
  'node-vm-size': 'Standard_D4s_v5',
  'max-nodes': '4'
};

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
  const created = await runAction(sandbox, 'provision-cluster', BASE, { runnerTemp: freshTemp() });
  expect(created.exitCode).toBe(0);
});

afterAll(async () => {
  await sandbox?.close();
});

function liveCluster(): Json {
  return sandbox.arm.state
    .resources()
    .find(
      r => r.type === 'Microsoft.ContainerService/managedClusters' && r.name === CLUSTER
    ) as Json;
}

/** Runs the action and returns it with the deployments (PUTs of a deployment) it made. */
async function provision(
  inputs: Record<string, string> = {}
): Promise<{ result: ActionProcessResult; deployments: string[] }> {
  const since = sandbox.arm.requests.length;
  const result = await runAction(
    sandbox,
    'provision-cluster',
    { ...BASE, ...inputs },
    { runnerTemp: freshTemp() }
  );
  const deployments = armCalls(sandbox.arm, since)
    .filter(r => r.method === 'PUT' && /\/deployments\/[^/]+$/i.test(r.path))
    .map(r => r.path);
  return { result, deployments };
}

describe('provision-cluster deploys what changed', () => {
  test("the cluster's own tag removed out of band: deployed again, tag back", async () => {
    delete liveCluster().tags['gadgetron-cluster'];
    const left = JSON.stringify(liveCluster().tags);
    expect(left).not.toBe('{}');
    const { result, deployments } = await provision();
    // The difference shows the tags the cluster has, then the ones it should have.
    expect(result.stdout).toContain(`tags: ${left} → `);
    expect(result.stdout).toMatch(/^\s+tags: .* → .*"gadgetron-cluster":"gt-changes"/m);
    expect(result.outputs.changed).toBe('true');
    expect(deployments).toHaveLength(1);
    expect(result.exitCode).toBe(0);
    expect(liveCluster().tags['gadgetron-cluster']).toBe(CLUSTER);
  });

  test('the identity changed out of band: deployed again, system-assigned again', async () => {
    liveCluster().identity = { type: 'UserAssigned' };
    const { result, deployments } = await provision();
    expect(result.stdout).toContain('identity.type: "UserAssigned" → "SystemAssigned"');
    expect(result.outputs.changed).toBe('true');
    expect(deployments).toHaveLength(1);
    expect(result.exitCode).toBe(0);
    expect(liveCluster().identity.type).toBe('SystemAssigned');
  });

  test('the Kubernetes version given as minor, full or requested version is no change', async () => {
    const props = liveCluster().properties as Json;
    const current = String(props.currentKubernetesVersion);
    const minor = current.split('.').slice(0, 2).join('.');
    // As AKS reports a cluster whose minor version was asked for.
    props.kubernetesVersion = minor;
    for (const version of [minor, current]) {
      const { result, deployments } = await provision({ 'kubernetes-version': version });
      expect([version, result.outputs.changed, deployments]).toEqual([version, 'false', []]);
    }
    // As AKS reports one created without a version: only the running one is known.
    delete props.kubernetesVersion;
    const { result, deployments } = await provision({ 'kubernetes-version': minor });
    expect([result.outputs.changed, deployments]).toEqual(['false', []]);
  });

  test('a newer Kubernetes version asked for is deployed, the running one named', async () => {
    const props = liveCluster().properties as Json;
    const current = String(props.currentKubernetesVersion);
    const [major, minor] = current.split('.');
    const next = `${major}.${Number(minor) + 1}`;
    // As AKS reports a cluster whose minor version was asked for: the running one is more exact.
    props.kubernetesVersion = `${major}.${minor}`;
    const { result, deployments } = await provision({ 'kubernetes-version': next });
    expect(result.stdout).toContain(`kubernetesVersion: ${current} → ${next}`);
    expect(result.outputs.changed).toBe('true');
    expect(deployments).toHaveLength(1);
    expect(liveCluster().properties.kubernetesVersion).toBe(next);
  });

  test('a top-level field ARM reports that the template does not set is no change', async () => {
    // Newer AKS API versions report a kind ("Base"); the template leaves it to Azure.
    await provision();
    liveCluster().kind = 'Base';
    const { result, deployments } = await provision();
    expect([result.outputs.changed, deployments]).toEqual(['false', []]);
  });

  test('another region asked for is refused, not reported up to date', async () => {
    // Resources cannot move between regions, so the action stops before comparing anything.
    const { result, deployments } = await provision({ location: 'northeurope' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain(
      `::error::cluster ${CLUSTER} exists in westeurope, not northeurope: it cannot move.`
    );
    expect(result.stdout).not.toContain('already matches the inputs');
    expect(deployments).toEqual([]);
  });
});

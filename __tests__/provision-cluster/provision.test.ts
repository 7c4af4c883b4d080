import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import {
  armCalls,
  freshTemp,
  runAction,
  startSandbox,
  visibleStdout,
  type Sandbox
} from './harness.ts';

// Test assertions read free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const RG = 'rg-gadgetron-ci';
const CLUSTER = 'gt-aks';
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
});

afterAll(async () => {
  await sandbox?.close();
});

const clusterPuts = (since: number) =>
  armCalls(sandbox.arm, since).filter(r => r.method === 'PUT' || r.method === 'PATCH');

describe('provision-cluster', () => {
  let createMs = 0;
  const runnerTemp = freshTemp();

  test('creates the resource group and cluster, writes a 0600 kubeconfig and exports KUBECONFIG', async () => {
    const result = await runAction(sandbox, 'provision-cluster', BASE, { runnerTemp });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    createMs = result.durationMs;
    expect(result.outputs).toMatchObject({
      'cluster-name': CLUSTER,
      'resource-group': RG,
      changed: 'true'
    });
    expect(result.outputs.fqdn).toMatch(/azmk8s\.io$/);
    expect(result.outputs['oidc-issuer-url']).toMatch(/^https:\/\//);
    expect(result.outputs['node-resource-group']).toBe(`MC_${RG}_${CLUSTER}_westeurope`);
    expect(result.outputs['kubernetes-version']).toMatch(/^1\.\d+/);

    const path = result.outputs.kubeconfig as string;
    expect(path.startsWith(runnerTemp)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(result.env.KUBECONFIG).toBe(path);
    const kubeconfig = parse(readFileSync(path, 'utf8'));
    expect(kubeconfig.clusters[0].cluster.server).toBe(sandbox.kube.url);
    // The token is masked before anything could print it.
    expect(result.stdout).toContain(`::add-mask::${kubeconfig.users[0].user.token}`);
    expect(visibleStdout(result)).not.toContain(kubeconfig.users[0].user.token);
    expect(result.summary).not.toContain(kubeconfig.users[0].user.token);

    const group = sandbox.arm.state.getResourceGroup(RG);
    expect(group?.tags).toMatchObject({
      'managed-by': 'gadgetron-actions',
      'gadgetron-cluster': CLUSTER
    });
    const cluster = sandbox.arm.state
      .resources()
      .find(r => r.type === 'Microsoft.ContainerService/managedClusters');
    const props = cluster?.properties as Json;
    expect(props.autoScalerProfile['max-graceful-termination-sec']).toBe('3600');
    const pool = props.agentPoolProfiles.find((p: { name: string }) => p.name === 'gadgetron');
    expect(pool).toMatchObject({
      vmSize: 'Standard_D4s_v5',
      enableAutoScaling: true,
      minCount: 1,
      maxCount: 4
    });
    expect(result.summary).toContain(`AKS cluster ${CLUSTER} created`);

    // The post step deletes the kubeconfig.
    const post = await runAction(sandbox, 'provision-cluster', BASE, {
      runnerTemp,
      phase: 'post',
      state: result.state
    });
    expect(post.exitCode).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  test('a re-run without changes skips the deployment: no PUT, changed=false, faster', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'provision-cluster', BASE, { runnerTemp });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.changed).toBe('false');
    expect(clusterPuts(since)).toEqual([]);
    expect(armCalls(sandbox.arm, since).filter(r => /deployments/i.test(r.path))).toEqual([]);
    expect(result.stdout).toContain('already matches the inputs');
    expect(result.outputs.kubeconfig).toBeTruthy();
    expect(result.durationMs).toBeLessThan(createMs);
    expect(result.summary).toContain('is up to date');
  });

  test('raising max-nodes makes exactly one deployment that updates the pool', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(
      sandbox,
      'provision-cluster',
      { ...BASE, 'max-nodes': '8' },
      { runnerTemp }
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs.changed).toBe('true');
    const puts = clusterPuts(since);
    expect(puts).toHaveLength(1);
    expect(puts[0]?.path).toMatch(/\/deployments\//i);
    expect(result.stdout).toContain('agent pool gadgetron.maxCount: 4 → 8');
    const cluster = sandbox.arm.state
      .resources()
      .find(r => r.type === 'Microsoft.ContainerService/managedClusters');
    const pool = (
      cluster?.properties.agentPoolProfiles as { name: string; maxCount: number }[]
    ).find(p => p.name === 'gadgetron');
    expect(pool?.maxCount).toBe(8);
  });

  test('what-if reports the change in the log and summary and changes nothing', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(
      sandbox,
      'provision-cluster',
      { ...BASE, 'max-nodes': '12', 'what-if': 'true' },
      { runnerTemp }
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs.changed).toBe('false');
    expect(clusterPuts(since)).toEqual([]);
    expect(armCalls(sandbox.arm, since).some(r => /whatIf/i.test(r.path))).toBe(true);
    expect(result.stdout).toMatch(/Modify\s+Microsoft\.ContainerService\/managedClusters\/gt-aks/);
    expect(result.stdout).toContain('maxCount');
    expect(result.summary).toContain("ARM's what-if");
    expect(result.summary).toContain('maxCount');
    const cluster = sandbox.arm.state
      .resources()
      .find(r => r.type === 'Microsoft.ContainerService/managedClusters');
    const pool = (
      cluster?.properties.agentPoolProfiles as { name: string; maxCount: number }[]
    ).find(p => p.name === 'gadgetron');
    expect(pool?.maxCount).toBe(8);
  });
});

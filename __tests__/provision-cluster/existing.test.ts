import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { parse } from 'yaml';
import type { ActionProcessResult } from '../../tools/runner/action-process.ts';
import {
  armCalls,
  errors,
  freshTemp,
  runAction,
  startSandbox,
  visibleStdout,
  type Sandbox
} from './harness.ts';

// Test assertions read free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const RG = 'rg-gadgetron-existing';
const CLUSTER = 'gt-existing';
const CREATE = {
  'resource-group': RG,
  'cluster-name': CLUSTER,
  location: 'westeurope',
  'node-vm-size': 'Standard_D4s_v5',
  'max-nodes': '4'
};
const EXISTING = { 'resource-group': RG, 'cluster-name': CLUSTER, state: 'existing' };

let sandbox: Sandbox;
let created: ActionProcessResult;

beforeAll(async () => {
  sandbox = await startSandbox();
  created = await runAction(sandbox, 'provision-cluster', CREATE, { runnerTemp: freshTemp() });
  expect(created.exitCode).toBe(0);
});

afterAll(async () => {
  await sandbox?.close();
});

/** The ARM calls since `since` that are not reads: anything that could change the cluster. */
function writes(since: number): string[] {
  return armCalls(sandbox.arm, since)
    .filter(r => r.method !== 'GET' && !/\/listClusterUserCredential$/i.test(r.path))
    .map(r => `${r.method} ${r.path}`);
}

function liveCluster(): Json {
  const cluster = sandbox.arm.state
    .resources()
    .find(r => r.type === 'Microsoft.ContainerService/managedClusters' && r.name === CLUSTER);
  return cluster as Json;
}

describe('provision-cluster with state existing', () => {
  test('hands out the credentials of the cluster and changes nothing in Azure', async () => {
    const before = JSON.stringify(liveCluster());
    const since = sandbox.arm.requests.length;
    const runnerTemp = freshTemp();
    const result = await runAction(sandbox, 'provision-cluster', EXISTING, { runnerTemp });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);

    // Only reads and the credentials call reached ARM: no deployment, no PUT, no what-if.
    expect(writes(since)).toEqual([]);
    const calls = armCalls(sandbox.arm, since).map(r => r.path);
    expect(calls.some(p => /\/deployments\b/i.test(p) || /whatIf/i.test(p))).toBe(false);
    expect(calls.some(p => /\/listClusterUserCredential$/i.test(p))).toBe(true);
    expect(JSON.stringify(liveCluster())).toBe(before);

    expect(result.outputs).toMatchObject({
      'cluster-name': CLUSTER,
      'resource-group': RG,
      changed: 'false',
      fqdn: created.outputs.fqdn,
      'oidc-issuer-url': created.outputs['oidc-issuer-url'],
      'node-resource-group': created.outputs['node-resource-group'],
      'kubernetes-version': created.outputs['kubernetes-version']
    });
    expect(result.outputs.fqdn).toMatch(/azmk8s\.io$/);

    // The same kubeconfig handling as state present: 0600 under RUNNER_TEMP, exported, masked.
    const path = result.outputs.kubeconfig as string;
    expect(path.startsWith(runnerTemp)).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(result.env.KUBECONFIG).toBe(path);
    const kubeconfig = parse(readFileSync(path, 'utf8'));
    expect(kubeconfig.clusters[0].cluster.server).toBe(sandbox.kube.url);
    const token = kubeconfig.users[0].user.token as string;
    expect(result.stdout).toContain(`::add-mask::${token}`);
    expect(visibleStdout(result)).not.toContain(token);
    expect(result.summary).not.toContain(token);

    expect(result.stdout).toContain('nothing in Azure is changed');
    expect(result.stdout).toContain(`API server ${created.outputs.fqdn as string}`);
    // The step only hands out credentials, in every job of a workflow that needs them: the
    // summary belongs to the steps that use them (it would repeat once per job).
    expect(result.summary).toBe('');

    // The post step deletes the kubeconfig, as it does after state present.
    const post = await runAction(sandbox, 'provision-cluster', EXISTING, {
      runnerTemp,
      phase: 'post',
      state: result.state
    });
    expect(post.exitCode).toBe(0);
    expect(existsSync(path)).toBe(false);
  });

  test('cluster settings given with it are not used: the cluster keeps its own', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(
      sandbox,
      'provision-cluster',
      {
        ...EXISTING,
        location: 'eastus',
        'node-vm-size': 'Standard_D16s_v5',
        'max-nodes': '40',
        'kubernetes-version': '1.99',
        'what-if': 'true'
      },
      { runnerTemp: freshTemp() }
    );
    expect(result.exitCode).toBe(0);
    expect(result.outputs.changed).toBe('false');
    expect(writes(since)).toEqual([]);
    const pool = (liveCluster().properties.agentPoolProfiles as Json[]).find(
      p => p.name === 'gadgetron'
    );
    expect(pool).toMatchObject({ vmSize: 'Standard_D4s_v5', maxCount: 4 });
  });

  test.each([
    [
      'a cluster that does not exist',
      { ...EXISTING, 'cluster-name': 'gt-missing' },
      'gt-missing',
      RG
    ],
    [
      'a resource group that does not exist',
      { ...EXISTING, 'resource-group': 'rg-missing' },
      CLUSTER,
      'rg-missing'
    ]
  ])('%s fails clearly and writes nothing', async (_what, inputs, name, group) => {
    const since = sandbox.arm.requests.length;
    const runnerTemp = freshTemp();
    const result = await runAction(sandbox, 'provision-cluster', inputs, { runnerTemp });
    expect(result.exitCode).toBe(1);
    expect(errors(result).join('\n')).toContain(
      `Cluster ${name} does not exist in resource group ${group}; stand it up first with state: present.`
    );
    expect(writes(since)).toEqual([]);
    expect(result.outputs.changed).toBe('false');
    expect(result.outputs.kubeconfig).toBeUndefined();
    expect(result.env.KUBECONFIG).toBeUndefined();
    expect(readdirSync(runnerTemp).filter(f => f.startsWith('kubeconfig'))).toEqual([]);
    expect(sandbox.arm.state.getResourceGroup('rg-missing')).toBeUndefined();
  });
});

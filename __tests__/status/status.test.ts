/**
 * The status action, bundled, on the local cluster: what it reports is read back from the
 * cluster itself (pods, nodes, the jump server's Service) and from the actions that deployed it.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { errorAnnotations, runBundledAction } from '../helpers/actions.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { clusterState, useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import type { Installation, JumpserverView } from '../../actions/status/installation.ts';
import { ed25519Key } from '../jumpserver-action/helpers.ts';

const REPOSITORY = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda';

let cluster: TestCluster;
const jumpserver: Record<string, string> = {};

beforeAll(async () => {
  cluster = await useCluster();
  await createClaims(cluster.kubeconfigPath, cluster.namespace, ['gtdata', 'gtdependencies']);
  const gadgetron = await deploy(`${REPOSITORY}:4.7.2`, { 'min-replicas': '2' });
  expect(gadgetron.exitCode).toBe(0);
  const jump = await runBundledAction('jumpserver', {
    kubeconfig: cluster.kubeconfigPath,
    namespace: cluster.namespace,
    image: 'ghcr.io/example/gadgetron-actions/jumpserver:1.0.0',
    target: 'gadgetron-frontend:9002',
    'authorized-keys': ed25519Key().publicLine,
    'allowed-cidrs': '203.0.113.0/24',
    timeout: '120s'
  });
  expect(errorAnnotations(jump)).toEqual([]);
  Object.assign(jumpserver, jump.outputs);
}, 300_000);
afterAll(() => cluster?.close());

function deploy(image: string, inputs: Record<string, string> = {}) {
  return runBundledAction('deploy-gadgetron', {
    kubeconfig: cluster.kubeconfigPath,
    namespace: cluster.namespace,
    image,
    timeout: '120s',
    ...inputs
  });
}

function status(inputs: Record<string, string> = {}) {
  return runBundledAction('status', {
    kubeconfig: cluster.kubeconfigPath,
    namespace: cluster.namespace,
    ...inputs
  });
}

async function gadgetronPods(): Promise<V1Pod[]> {
  return (await cluster.list<V1Pod>('v1', 'Pod')).filter(
    p =>
      p.metadata?.labels?.['app.kubernetes.io/component'] === 'server' &&
      !p.metadata.deletionTimestamp
  );
}

const ready = (pod: V1Pod) =>
  pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True') === true;

describe('status', () => {
  test('reports the pods, their images and nodes, the release, the autoscaler, reconstructions in flight and the jump server', async () => {
    // The autoscaler raises the Deployment to min-replicas on its next sync.
    let pods = await gadgetronPods();
    while (pods.filter(ready).length < 2) {
      await new Promise(resolve => setTimeout(resolve, 250));
      pods = await gadgetronPods();
    }
    expect(pods).toHaveLength(2);
    const held = await cluster.hold(pods[0]?.metadata?.name ?? '');

    const result = await status();
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.outputs.status ?? '') as Installation;

    expect(report.image).toBe(`${REPOSITORY}:4.7.2`);
    expect(report.release).toMatchObject({ revision: 1 });
    expect(result.outputs.revision).toBe('1');
    expect(report.kubernetesVersion).toMatch(/^v1\.\d+\.\d+/);
    expect(
      report.pods.map(p => [p.name, p.image, p.node, p.ready]).sort((a, b) => (a < b ? -1 : 1))
    ).toEqual(
      pods
        .map(p => [p.metadata?.name, `${REPOSITORY}:4.7.2`, p.spec?.nodeName, true])
        .sort((a, b) => (a < b ? -1 : 1))
    );
    expect(report.healthy).toBe(true);
    expect(result.outputs.healthy).toBe('true');
    expect(result.outputs['ready-pods']).toBe('2');

    // Pools as the nodes' labels say, with the Gadgetron pods counted where they run.
    const nodes = await cluster.list<V1Node>('v1', 'Node', '');
    const poolOf = (node: string) =>
      nodes.find(n => n.metadata?.name === node)?.metadata?.labels?.[
        'kubernetes.azure.com/agentpool'
      ];
    if (!Array.isArray(report.pools)) throw new Error(JSON.stringify(report.pools));
    for (const pool of report.pools) {
      const members = nodes.filter(n => poolOf(n.metadata?.name ?? '') === pool.name);
      expect(pool.nodes).toBe(members.length);
      expect(pool.gadgetronPods).toBe(
        pods.filter(p => poolOf(p.spec?.nodeName ?? '') === pool.name).length
      );
    }
    expect(report.pools.reduce((sum, p) => sum + p.gadgetronPods, 0)).toBe(2);

    if ('unreadable' in report.autoscaler) throw new Error(report.autoscaler.unreadable);
    expect([report.autoscaler.min, report.autoscaler.max]).toEqual([2, 20]);

    // The held pod's log says a stream started and did not finish.
    expect(report.reconstructions.inFlight).toBe(1);
    expect(result.outputs.reconstructions).toBe('1');
    expect(report.pods.find(p => p.name === pods[0]?.metadata?.name)?.reconstructions).toBe(1);

    // The jump server as its own action reported it.
    const jump = report.jumpserver as JumpserverView;
    expect(jump.address).toBe(`${jumpserver['external-ip']}:22`);
    expect(result.outputs['jumpserver-address']).toBe(jump.address);
    expect(jump.ready).toBe(true);
    expect(jump.knownHosts).toEqual(jumpserver['known-hosts']?.split('\n'));
    const fingerprints = (jumpserver['host-key-fingerprints'] ?? '')
      .split('\n')
      .map(line => line.split(' ')[1]);
    expect(jump.fingerprints.map(f => f.fingerprint).sort()).toEqual(fingerprints.sort());

    expect(result.summary).toContain(`## Gadgetron ${cluster.namespace}/gadgetron: healthy`);
    for (const pod of pods) expect(result.summary).toContain(`| ${pod.metadata?.name} | ready |`);
    for (const f of fingerprints) expect(result.summary).toContain(f);
    expect(result.summary).toMatch(/Reconstructions in flight:\*\* 1\b/);

    await held.release();
    const after = JSON.parse((await status()).outputs.status ?? '') as Installation;
    expect(after.reconstructions.inFlight).toBe(0);
  }, 240_000);

  test('a pod that keeps crashing: not healthy, with its events and last log lines', async () => {
    const broken = await deploy(`${REPOSITORY}:4.7.3-crashloop`, {
      'min-replicas': '2',
      'rollback-on-failure': 'false'
    });
    expect(broken.exitCode).toBe(1);
    const crashing = (await gadgetronPods()).filter(p =>
      p.spec?.containers[0]?.image?.endsWith('-crashloop')
    );
    expect(crashing.length).toBeGreaterThan(0);
    const pod = crashing[0]?.metadata?.name ?? '';
    await cluster.writeLog(pod, 'gadgetron', ['starting', 'error: cannot load gadgetron.xml']);

    const result = await status({ 'log-lines': '1' });
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.outputs.status ?? '') as Installation;
    expect(report.healthy).toBe(false);
    expect(result.outputs.healthy).toBe('false');
    const trouble = report.notReady.find(t => t.pod === pod);
    expect(trouble?.state).toMatchObject({ kind: 'failing', reason: 'CrashLoopBackOff' });
    expect(trouble?.logs).toEqual(['error: cannot load gadgetron.xml']);
    expect(result.stdout).toMatch(/::warning title=Gadgetron is not healthy::/);
    expect(result.summary).toContain('### Pods not ready');
    expect(result.summary).toContain('error: cannot load gadgetron.xml');
  }, 240_000);

  test('with only the built-in view role: what it may not read is reported as such, the rest as usual', async () => {
    // A service account bound to `view` in the namespace, signed in with a real token: no
    // Secrets (the release record), no nodes (cluster scope).
    const account = 'status-reader';
    await cluster.core.createNamespacedServiceAccount({
      namespace: cluster.namespace,
      body: { metadata: { name: account } }
    });
    await cluster.objects.create({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: account, namespace: cluster.namespace },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ kind: 'ServiceAccount', name: account, namespace: cluster.namespace }]
    } as never);
    const { status: issued } = await cluster.core.createNamespacedServiceAccountToken({
      name: account,
      namespace: cluster.namespace,
      body: { spec: { audiences: [], expirationSeconds: 3600 } }
    });
    const state = clusterState();
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'viewer-')), 'kubeconfig');
    writeFileSync(
      kubeconfig,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          {
            name: 'local',
            cluster: {
              server: state.server,
              'certificate-authority-data': readFileSync(state.caCertPath).toString('base64')
            }
          }
        ],
        users: [{ name: account, user: { token: issued?.token } }],
        contexts: [{ name: 'local', context: { cluster: 'local', user: account } }],
        'current-context': 'local'
      }),
      { mode: 0o600 }
    );

    const result = await status({ kubeconfig });
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.outputs.status ?? '') as Installation;
    expect(report.release).toEqual({ unreadable: expect.stringMatching(/forbidden/i) });
    expect(report.pools).toEqual({ unreadable: expect.stringMatching(/nodes is forbidden/) });
    expect(report.pods.length).toBeGreaterThan(0);
    expect(report.image).toMatch(/^ghcr\.io\/gadgetron\//);
    expect(result.outputs.revision).toBe('');
    expect(result.summary).toMatch(/Release:\*\* record not readable: .*forbidden/i);
    expect(result.summary).toMatch(/Nodes not readable: .*forbidden/);
  });

  test('an instance that does not exist fails with the namespace and name to check', async () => {
    const result = await status({ name: 'elsewhere' });
    expect(result.exitCode).toBe(1);
    expect(errorAnnotations(result).join('\n')).toContain(
      `No Gadgetron instance elsewhere in namespace ${cluster.namespace}`
    );
  });

  test('a bad input names the input and what is accepted, before any request', async () => {
    cluster.requests.length = 0;
    const result = await status({ 'log-lines': '0' });
    expect(result.exitCode).toBe(1);
    expect(errorAnnotations(result).join('\n')).toMatch(/log-lines.*1.*1000/s);
    expect(cluster.requests).toEqual([]);
  });
});

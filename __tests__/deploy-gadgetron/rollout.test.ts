import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { V1Deployment, V1NetworkPolicy, V1Pod } from '@kubernetes/client-node';
import { errorAnnotations, runBundledAction } from '../helpers/actions.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { changedKeys, managedObjects, storedState } from './stored.ts';
import { useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';
import { scaleDeployment, waitUntil } from '../../tools/fixtures/scale.ts';

const REPOSITORY = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda';
const V1 = `${REPOSITORY}:4.7.1`;
const V2 = `${REPOSITORY}:4.7.2`;

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await useCluster();
  await createClaims(cluster.kubeconfigPath, cluster.namespace, ['gtdata', 'gtdependencies']);
  cluster.requests.length = 0;
});
afterEach(() => cluster.close());

const deploy = (inputs: Record<string, string>) =>
  runBundledAction('deploy-gadgetron', {
    kubeconfig: cluster.kubeconfigPath,
    namespace: cluster.namespace,
    timeout: '120s',
    ...inputs
  });

const deployment = () => cluster.get<V1Deployment>('apps/v1', 'Deployment', 'gadgetron');

/** The objects whose stored state differs between two snapshots. */

describe('deploy-gadgetron against a real API server', () => {
  test('first deploy applies every object and reports the rollout', async () => {
    const run = await deploy({ image: V1 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      image: V1,
      revision: '1',
      changed: 'true',
      'rolled-back': 'false',
      service: `gadgetron-frontend.${cluster.namespace}.svc.cluster.local:9002`
    });
    expect(run.outputs['cluster-ip']).toMatch(/^10\.0\.\d+\.\d+$/);
    expect((await deployment())?.spec?.template.spec?.containers[0]?.image).toBe(V1);
    const kinds = Object.keys(
      Object.fromEntries(
        (await managedObjects(cluster)).map(o => [`${o.kind}/${o.metadata?.name}`, o])
      )
    ).map(key => key.split('/')[0]);
    expect(new Set(kinds)).toEqual(
      new Set([
        'ConfigMap',
        'Service',
        'PersistentVolumeClaim',
        'Deployment',
        'HorizontalPodAutoscaler',
        'PodDisruptionBudget',
        'NetworkPolicy'
      ])
    );
    // The network policies arrive whole: 9002 only from this namespace's pods and the jump server.
    const policy = await cluster.get<V1NetworkPolicy>(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'gadgetron'
    );
    expect(policy?.spec?.ingress?.[0]?._from).toEqual([
      { podSelector: {} },
      {
        namespaceSelector: {},
        podSelector: {
          matchLabels: {
            'app.kubernetes.io/name': 'gadgetron-jumpserver',
            'app.kubernetes.io/component': 'jumpserver'
          }
        }
      }
    ]);
    // The pod as applied: storage wait, exec readiness, environment, memory limit (twice the
    // request by default), and the storage server kept from the autoscaler.
    const podSpec = (await deployment())?.spec?.template.spec;
    expect(podSpec?.initContainers?.[0]).toMatchObject({
      name: 'wait-for-storage',
      image: V1,
      env: [
        { name: 'STORAGE_URL', value: 'http://gadgetron-storage:3333' },
        { name: 'STORAGE_WAIT_SECONDS', value: '600' }
      ]
    });
    const gadgetron = podSpec?.containers[0];
    expect(gadgetron?.readinessProbe?.exec?.command).toEqual([
      '/bin/bash',
      '/opt/gadgetron-actions/ready.sh'
    ]);
    expect(gadgetron?.readinessProbe?.tcpSocket).toBeUndefined();
    expect(gadgetron?.env).toEqual(
      expect.arrayContaining([
        { name: 'OMP_WAIT_POLICY', value: 'PASSIVE' },
        { name: 'DRAIN_SETTLE_SECONDS', value: '60' }
      ])
    );
    expect(gadgetron?.resources?.limits).toEqual({ memory: '8Gi' });
    const storage = await cluster.get<V1Deployment>('apps/v1', 'Deployment', 'gadgetron-storage');
    expect(storage?.spec?.template.metadata?.annotations).toEqual({
      'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false'
    });
    expect(policy?.spec?.ingress?.[0]?.ports).toEqual([{ port: 9002, protocol: 'TCP' }]);
    // Every write was a server-side apply by one field manager, validated strictly.
    const writes = cluster.requests.filter(
      r => !['get', 'list', 'watch', 'discovery'].includes(r.verb)
    );
    expect(writes.length).toBeGreaterThan(0);
    for (const write of writes) {
      expect(write).toMatchObject({
        verb: 'apply',
        query: { fieldManager: 'gadgetron-actions', fieldValidation: 'Strict' }
      });
    }
    // The watch, not polling, followed the rollout.
    expect(cluster.requests.some(r => r.verb === 'watch' && r.resource === 'deployments')).toBe(
      true
    );
    expect(run.summary).toContain('Gadgetron deployed');
    expect(run.summary).toContain(V1);
    const manifests = parseAllDocuments(readFileSync(run.outputs.manifests as string, 'utf8')).map(
      d => d.toJS()
    );
    const server = manifests.find(m => m.kind === 'Deployment' && m.metadata.name === 'gadgetron');
    expect(server.spec.template.spec.containers[0].image).toBe(V1);
  });

  test('a second run with the same inputs changes nothing', async () => {
    expect((await deploy({ image: V1 })).exitCode).toBe(0);
    const before = await storedState(cluster);
    const requestsBefore = cluster.requests.length;
    const run = await deploy({ image: V1 });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.changed).toBe('false');
    expect(run.outputs.revision).toBe('1');
    // Controllers write status (the autoscaler's conditions) whenever they like; the action
    // must leave everything else alone.
    expect(changedKeys(before, await storedState(cluster))).toEqual([]);
    expect(run.summary).toContain('Nothing changed');
    const writes = cluster.requests
      .slice(requestsBefore)
      .filter(r => r.verb === 'delete' || r.verb === 'create');
    expect(writes).toEqual([]);
  });

  test('an image bump never drops ready capacity and never cuts a reconstruction', async () => {
    expect((await deploy({ image: V1, 'min-replicas': '2' })).exitCode).toBe(0);
    await scaleTo(2);
    const isServer = (name: string) =>
      name.startsWith('gadgetron-') && !name.startsWith('gadgetron-storage');
    const oldPods = (await cluster.list('v1', 'Pod'))
      .filter(p => p.metadata?.labels?.['app.kubernetes.io/component'] === 'server')
      .map(p => p.metadata?.name as string);
    expect(oldPods).toHaveLength(2);
    const busy = oldPods[0] as string;
    const reconstruction = await cluster.hold(busy);
    const pods = await cluster.watchPods();

    const run = await deploy({ image: V2, 'min-replicas': '2' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ image: V2, revision: '2', changed: 'true' });
    expect(run.summary).toContain('### Still draining');
    expect(run.summary).toContain(`| ${busy} | ${V1} |`);

    // The busy pod is still there, terminating, until its reconstruction ends.
    const pod = await cluster.get('v1', 'Pod', busy);
    expect(pod?.metadata?.deletionTimestamp).toBeDefined();
    const releasedAt = performance.now();
    await reconstruction.release();
    await waitUntil(async () => (await cluster.get('v1', 'Pod', busy)) === undefined);
    pods.stop();
    const deleted = pods.events.find(e => e.type === 'deleted' && e.name === busy);
    expect(deleted?.at).toBeGreaterThanOrEqual(releasedAt);

    // Ready server pods never fell below two during the rollout.
    const ready = new Set(oldPods);
    for (const event of pods.events.filter(e => isServer(e.name))) {
      if (event.type === 'ready') ready.add(event.name);
      else {
        ready.delete(event.name);
        expect(ready.size).toBeGreaterThanOrEqual(2);
      }
    }
  });

  test('an image that cannot be pulled is rolled back by the Deployment controller and the step fails with the pod reason', async () => {
    expect((await deploy({ image: V1 })).exitCode).toBe(0);
    const missing = 'registry.invalid/gadgetron/ubuntu22.04_rt_nocuda:9.9.9';
    const run = await deploy({ image: missing, timeout: '60s' });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['rolled-back']).toBe('true');
    const errors = errorAnnotations(run).join('\n');
    expect(errors).toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(errors).toContain('previous release (revision 1) was restored');
    expect((await deployment())?.spec?.template.spec?.containers[0]?.image).toBe(V1);
    expect(run.summary).toContain('release revision 1 restored');
    // The failing pod's log was asked for; a container that never started has none, and the
    // API server's answer says so (the pod name and the HTTP status, not an invented log).
    const failing = /Pod (gadgetron-\S+) cannot run/.exec(errors)?.[1] as string;
    expect(run.stdout).toMatch(
      new RegExp(`No log of ${failing}: .+, HTTP \\d{3}|Last log lines of ${failing}`)
    );
    expect(run.summary).toContain(failing);
    expect(
      cluster.requests.some(r => r.verb === 'get' && r.path.endsWith(`/pods/${failing}/log`))
    ).toBe(true);
  });

  test('pods waiting for a new node are progress, not failure', async () => {
    // The burst pool is tainted for this test alone, and one 2-CPU pod fills one of its nodes.
    const burstNodes = async () =>
      (await cluster.core.listNode({ labelSelector: 'gadgetron-pool=burst' })).items.length;
    const before = await burstNodes();
    const replicas = before + 1;
    const inputs = {
      'min-replicas': String(replicas),
      'max-replicas': String(replicas),
      'cpu-request': '2',
      'node-selector': 'gadgetron-pool=burst',
      tolerations: 'gadgetron-pool=burst:NoSchedule',
      timeout: '300s'
    };
    expect((await deploy({ image: V1, ...inputs })).exitCode).toBe(0);
    // The real HPA raises the Deployment to its minimum; the pod beyond the pool's nodes waits
    // until the autoscaler stand-in adds one.
    await waitUntil(async () => (await deployment())?.status?.readyReplicas === replicas, 180_000);
    expect(await burstNodes()).toBe(before + 1);

    // An image bump surges one pod more than the nodes hold: the rollout waits for a node.
    const run = await deploy({ image: V2, ...inputs });
    expect(run.stdout).toContain('the cluster autoscaler is adding capacity');
    expect(run.exitCode).toBe(0);
    expect(await burstNodes()).toBe(before + 2);
    const nodes = new Set(
      (await cluster.core.listNode({ labelSelector: 'gadgetron-pool=burst' })).items.map(
        n => n.metadata?.name
      )
    );
    const servers = (await cluster.list<V1Pod>('v1', 'Pod')).filter(
      p => p.metadata?.labels?.['app.kubernetes.io/component'] === 'server'
    );
    expect(servers.every(p => nodes.has(p.spec?.nodeName))).toBe(true);
  });

  test('a missing claim fails before anything is applied, naming the input', async () => {
    const run = await deploy({ image: V1, 'data-claim': 'results' });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run).join('\n')).toContain(
      "'results' (input 'data-claim') does not exist"
    );
    expect(cluster.requests.filter(r => r.verb === 'apply')).toEqual([]);
  });

  test('client dry run contacts no cluster and writes valid manifests', async () => {
    const run = await deploy({ image: V1, 'dry-run': 'client', kubeconfig: '' });
    expect(run.exitCode).toBe(0);
    expect(cluster.requests).toHaveLength(0);
    expect(run.stdout).toContain('all valid');
    expect(readFileSync(run.outputs.manifests as string, 'utf8')).toContain(
      'kind: HorizontalPodAutoscaler'
    );
  });

  test('server dry run stores nothing', async () => {
    const run = await deploy({ image: V1, 'dry-run': 'server' });
    expect(run.exitCode).toBe(0);
    expect(await deployment()).toBeUndefined();
    const applies = cluster.requests.filter(r => r.verb === 'apply');
    expect(applies.length).toBeGreaterThan(0);
    expect(applies.every(r => r.query.dryRun === 'All')).toBe(true);
  });

  test('transient API failures are retried and the deploy still succeeds', async () => {
    cluster.faults.inject({
      type: 'status',
      status: 429,
      retryAfterSeconds: 1,
      times: 2,
      match: { verb: 'apply' }
    });
    cluster.faults.inject({ type: 'status', status: 503, times: 2, match: { verb: 'list' } });
    cluster.faults.inject({ type: 'status', status: 500, times: 1, match: { verb: 'get' } });
    cluster.faults.inject({ type: 'reset', times: 1, match: { verb: 'apply' } });
    cluster.faults.inject({ type: 'watch-close', afterEvents: 1, times: 2 });
    cluster.faults.inject({ type: 'gone', times: 1 });
    const run = await deploy({ image: V1 });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/HTTP 429; retrying in 1\.0s/);
    expect(run.stdout).toMatch(/HTTP 503; retrying/);
    expect((await deployment())?.spec?.template.spec?.containers[0]?.image).toBe(V1);
  });
});

async function scaleTo(replicas: number): Promise<void> {
  await scaleDeployment(cluster.kubeconfigPath, cluster.namespace, 'gadgetron', replicas);
  await waitUntil(async () => (await deployment())?.status?.readyReplicas === replicas);
}

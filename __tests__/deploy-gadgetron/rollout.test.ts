import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { V1Deployment } from '@kubernetes/client-node';
import {
  startKubernetesEmulator,
  type KubernetesEmulator
} from '../../emulators/kubernetes/index.ts';
import { errorAnnotations, runBundledAction } from '../helpers/actions.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { scaleDeployment, waitUntil } from '../../tools/fixtures/scale.ts';

const REPOSITORY = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda';
const V1 = `${REPOSITORY}:4.7.1`;
const V2 = `${REPOSITORY}:4.7.2`;

/**
 * For tests whose outcome must come from the pods, not from the Deployment's progress deadline:
 * the emulator runs Kubernetes time 1000 times faster by default, so the 600 s deadline passes
 * after 0.6 s without progress, which a busy machine exceeds. At 1/50 it is 12 s.
 */
const PATIENT = { podReadyDelayMs: 100, loadBalancerDelayMs: 50, timeScale: 0.02 };

let cluster: KubernetesEmulator;
beforeEach(async () => {
  cluster = await startKubernetesEmulator({ podReadyDelayMs: 100, loadBalancerDelayMs: 50 });
  await createClaims(cluster.kubeconfigPath, 'gadgetron', ['gtdata', 'gtdependencies']);
  cluster.requests.length = 0;
});
afterEach(() => cluster.close());

const deploy = (inputs: Record<string, string>) =>
  runBundledAction('deploy-gadgetron', {
    kubeconfig: cluster.kubeconfigPath,
    timeout: '60s',
    ...inputs
  });

function deployment(): V1Deployment | undefined {
  return cluster.getObject('apps/v1', 'Deployment', 'gadgetron', 'gadgetron') as
    V1Deployment | undefined;
}

function resourceVersions(): Record<string, string> {
  const versions: Record<string, string> = {};
  for (const [apiVersion, kind] of [
    ['v1', 'ConfigMap'],
    ['v1', 'Service'],
    ['v1', 'PersistentVolumeClaim'],
    ['apps/v1', 'Deployment'],
    ['autoscaling/v2', 'HorizontalPodAutoscaler'],
    ['policy/v1', 'PodDisruptionBudget'],
    ['networking.k8s.io/v1', 'NetworkPolicy']
  ] as const) {
    for (const object of cluster.listObjects(apiVersion, kind, 'gadgetron')) {
      versions[`${kind}/${object.metadata.name}`] = object.metadata.resourceVersion;
    }
  }
  return versions;
}

describe('deploy-gadgetron against the Kubernetes emulator', () => {
  test('first deploy applies every object and reports the rollout', async () => {
    const run = await deploy({ image: V1 });
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      image: V1,
      revision: '1',
      changed: 'true',
      'rolled-back': 'false',
      service: 'gadgetron-frontend.gadgetron.svc.cluster.local:9002'
    });
    expect(run.outputs['cluster-ip']).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(deployment()?.spec?.template.spec?.containers[0]?.image).toBe(V1);
    const kinds = Object.keys(resourceVersions()).map(key => key.split('/')[0]);
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
    // The network policies arrive whole: 9002 only from this namespace's pods.
    const policy = cluster.getObject(
      'networking.k8s.io/v1',
      'NetworkPolicy',
      'gadgetron',
      'gadgetron'
    );
    expect(policy?.spec.ingress[0].from).toEqual([{ podSelector: {} }]);
    expect(policy?.spec.ingress[0].ports).toEqual([{ port: 9002, protocol: 'TCP' }]);
    // Every write was a server-side apply by one field manager.
    const writes = cluster.requests.filter(
      r => !['get', 'list', 'watch', 'discovery'].includes(r.verb)
    );
    expect(
      writes.every(r => r.verb === 'apply' && r.query.fieldManager === 'gadgetron-actions')
    ).toBe(true);
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
    const before = resourceVersions();
    const requestsBefore = cluster.requests.length;
    const run = await deploy({ image: V1 });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.changed).toBe('false');
    expect(run.outputs.revision).toBe('1');
    expect(resourceVersions()).toEqual(before);
    expect(run.summary).toContain('Nothing changed');
    const writes = cluster.requests
      .slice(requestsBefore)
      .filter(r => r.verb === 'delete' || r.verb === 'create');
    expect(writes).toEqual([]);
  });

  test('an image bump never drops ready capacity and never cuts a reconstruction', async () => {
    expect((await deploy({ image: V1, 'min-replicas': '2' })).exitCode).toBe(0);
    // The HPA does not scale in the emulator; two replicas come from scaling the Deployment.
    await scaleTo(2);
    const oldPods = cluster
      .listObjects('v1', 'Pod', 'gadgetron')
      .filter(p => p.metadata.labels['app.kubernetes.io/component'] === 'server');
    expect(oldPods).toHaveLength(2);
    const busy = oldPods[0]?.metadata.name as string;
    const reconstruction = cluster.connections.open('gadgetron', busy);
    const startedAt = cluster.timeline.length;

    const run = await deploy({ image: V2, 'min-replicas': '2' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ image: V2, revision: '2', changed: 'true' });

    // The busy pod is still there, terminating, until its connection ends.
    const pod = cluster.getObject('v1', 'Pod', 'gadgetron', busy);
    expect(pod?.metadata.deletionTimestamp).toBeDefined();
    const closedAt = performance.now();
    reconstruction.close();
    await waitUntil(() => cluster.getObject('v1', 'Pod', 'gadgetron', busy) === undefined);
    const events = cluster.timeline.slice(startedAt);
    const deleted = events.find(e => e.type === 'pod-deleted' && e.name === busy);
    expect(deleted?.at).toBeGreaterThanOrEqual(closedAt);
    expect(events.some(e => e.detail === 'connections-cut')).toBe(false);

    // Ready server pods never fell below two during the rollout.
    const ready = new Set(oldPods.map(p => p.metadata.name as string));
    for (const event of events) {
      if (
        event.type === 'pod-ready' &&
        event.name.startsWith('gadgetron-') &&
        !event.name.startsWith('gadgetron-storage')
      )
        ready.add(event.name);
      if (
        event.type === 'pod-not-ready' ||
        event.type === 'pod-terminating' ||
        event.type === 'pod-deleted'
      ) {
        ready.delete(event.name);
        if (!event.name.startsWith('gadgetron-storage'))
          expect(ready.size).toBeGreaterThanOrEqual(2);
      }
    }
  });

  test('an image that cannot be pulled is rolled back and the step fails with the pod reason', async () => {
    await cluster.close();
    cluster = await startKubernetesEmulator(PATIENT);
    await createClaims(cluster.kubeconfigPath, 'gadgetron', ['gtdata', 'gtdependencies']);
    expect((await deploy({ image: V1 })).exitCode).toBe(0);
    const missing = `${REPOSITORY}:9.9.9`;
    cluster.setImageMissing(missing, true);
    const run = await deploy({ image: missing });
    expect(run.exitCode).toBe(1);
    expect(run.outputs['rolled-back']).toBe('true');
    const errors = errorAnnotations(run).join('\n');
    expect(errors).toMatch(/ImagePullBackOff|ErrImagePull/);
    expect(errors).toContain('previous version was restored');
    expect(deployment()?.spec?.template.spec?.containers[0]?.image).toBe(V1);
    expect(run.summary).toContain('previous version restored');
  });

  test('pods waiting for a new node are progress, not failure', async () => {
    await cluster.close();
    // Room for one pod: the second waits until the simulated cluster autoscaler adds a node.
    cluster = await startKubernetesEmulator({
      ...PATIENT,
      nodeCapacityPods: 1,
      nodeScaleUpDelayMs: 1500
    });
    await createClaims(cluster.kubeconfigPath, 'gadgetron', ['gtdata', 'gtdependencies']);
    const run = await deploy({ image: V1 });
    expect(run.stdout).toContain('the cluster autoscaler is adding capacity');
    expect(run.exitCode).toBe(0);
    expect(cluster.timeline.some(e => e.type === 'node-added')).toBe(true);
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
    expect(deployment()).toBeUndefined();
    expect(
      cluster.requests.filter(r => r.verb === 'apply').every(r => r.query.dryRun === 'All')
    ).toBe(true);
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
    cluster.faults.inject({ type: 'reset', times: 1, match: { verb: 'apply' } });
    cluster.faults.inject({ type: 'watch-close', afterEvents: 1, times: 2 });
    const run = await deploy({ image: V1 });
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/HTTP 429; retrying in 1\.0s/);
    expect(run.stdout).toMatch(/HTTP 503; retrying/);
    expect(deployment()?.spec?.template.spec?.containers[0]?.image).toBe(V1);
  });
});

async function scaleTo(replicas: number): Promise<void> {
  await scaleDeployment(cluster.kubeconfigPath, 'gadgetron', 'gadgetron', replicas);
  await waitUntil(() => deployment()?.status?.readyReplicas === replicas);
}

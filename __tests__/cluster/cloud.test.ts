import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import { useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';
import { waitUntil } from '../../tools/fixtures/scale.ts';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await useCluster();
});
afterAll(() => cluster.close());

const pod = (name: string, spec: Partial<k8s.V1PodSpec> = {}): k8s.V1Pod => ({
  metadata: { name, namespace: cluster.namespace },
  spec: {
    containers: [
      { name: 'main', image: 'ghcr.io/example/app:1.0.0', resources: { requests: { cpu: '100m' } } }
    ],
    nodeSelector: { 'gadgetron-pool': 'cpu' },
    ...spec
  }
});

const readPod = (name: string) =>
  cluster.core.readNamespacedPod({ name, namespace: cluster.namespace });

describe('the local cluster: real control plane, kwok nodes and the cloud loops', () => {
  test('nodes are shaped like the template pools: AKS allocatable, labels, taints', async () => {
    const nodes = (await cluster.core.listNode()).items;
    const system = nodes.find(n => n.metadata?.labels?.agentpool === 'system');
    expect(system?.spec?.taints).toEqual([
      { key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' }
    ]);
    expect(system?.status?.allocatable?.cpu).toBe('1900m');
    const gadgetron = nodes.find(n => n.metadata?.labels?.['gadgetron-pool'] === 'cpu');
    expect(gadgetron?.metadata?.labels?.['node.kubernetes.io/instance-type']).toBe(
      'Standard_D8s_v5'
    );
    expect(gadgetron?.status?.allocatable?.cpu).toBe('7820m');
    expect(gadgetron?.status?.conditions?.find(c => c.type === 'Ready')?.status).toBe('True');
  });

  test('a pod whose claim does not exist stays Pending with the scheduler saying why', async () => {
    await cluster.core.createNamespacedPod({
      namespace: cluster.namespace,
      body: pod('no-claim', {
        volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'gtdata' } }]
      })
    });
    await waitUntil(async () => {
      const scheduled = (await readPod('no-claim')).status?.conditions?.find(
        c => c.type === 'PodScheduled'
      );
      return scheduled?.reason === 'Unschedulable';
    });
    const status = (await readPod('no-claim')).status;
    expect(status?.phase).toBe('Pending');
    expect(status?.conditions?.find(c => c.type === 'PodScheduled')?.message).toContain(
      'persistentvolumeclaim "gtdata" not found'
    );
  });

  test('the default class binds a claim once its pod is scheduled, like AKS managed-csi', async () => {
    await cluster.core.createNamespacedPersistentVolumeClaim({
      namespace: cluster.namespace,
      body: {
        metadata: { name: 'db' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }
      }
    });
    const claim = await cluster.core.readNamespacedPersistentVolumeClaim({
      name: 'db',
      namespace: cluster.namespace
    });
    expect(claim.spec?.storageClassName).toBe('default');
    expect(claim.status?.phase).toBe('Pending');
    await cluster.core.createNamespacedPod({
      namespace: cluster.namespace,
      body: pod('with-claim', {
        volumes: [{ name: 'db', persistentVolumeClaim: { claimName: 'db' } }]
      })
    });
    await waitUntil(async () => (await readPod('with-claim')).status?.phase === 'Running');
    const bound = await cluster.core.readNamespacedPersistentVolumeClaim({
      name: 'db',
      namespace: cluster.namespace
    });
    expect(bound.status?.phase).toBe('Bound');
    expect(bound.spec?.volumeName).toBe(`pvc-${bound.metadata?.uid}`);
  });

  test('kwok runs pods by their image: pullable, missing (.invalid registry), crashing', async () => {
    await cluster.core.createNamespacedPod({ namespace: cluster.namespace, body: pod('runs') });
    await cluster.core.createNamespacedPod({
      namespace: cluster.namespace,
      body: pod('missing', { containers: [{ name: 'main', image: 'registry.invalid/app:1.0.0' }] })
    });
    await cluster.core.createNamespacedPod({
      namespace: cluster.namespace,
      body: pod('crashes', {
        containers: [{ name: 'main', image: 'ghcr.io/example/app:1.0.0-crashloop' }]
      })
    });
    await waitUntil(
      async () =>
        (await readPod('runs')).status?.conditions?.some(
          c => c.type === 'Ready' && c.status === 'True'
        ) === true
    );
    await waitUntil(
      async () =>
        (await readPod('missing')).status?.containerStatuses?.[0]?.state?.waiting?.reason ===
        'ImagePullBackOff'
    );
    await waitUntil(
      async () =>
        ((await readPod('crashes')).status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2
    );
    const crashing = (await readPod('crashes')).status?.containerStatuses?.[0];
    expect(crashing?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(crashing?.lastState?.terminated?.exitCode).toBe(1);
  });

  test('a pod holding a reconstruction stays Terminating until released', async () => {
    await cluster.core.createNamespacedPod({
      namespace: cluster.namespace,
      body: { ...pod('busy'), spec: { ...pod('busy').spec!, terminationGracePeriodSeconds: 3600 } }
    });
    await waitUntil(async () => (await readPod('busy')).status?.phase === 'Running');
    const held = await cluster.hold('busy');
    // A pod with nothing to drain goes in well under a second: the same wait shows the held one stays.
    await cluster.core.createNamespacedPod({ namespace: cluster.namespace, body: pod('idle') });
    await waitUntil(async () => (await readPod('idle')).status?.phase === 'Running');
    const started = performance.now();
    await cluster.core.deleteNamespacedPod({ name: 'idle', namespace: cluster.namespace });
    await cluster.core.deleteNamespacedPod({ name: 'busy', namespace: cluster.namespace });
    await waitUntil(async () => (await cluster.get('v1', 'Pod', 'idle')) === undefined);
    const idleGoneAfter = performance.now() - started;
    await new Promise(r => setTimeout(r, Math.max(2000, idleGoneAfter * 3)));
    expect((await readPod('busy')).metadata?.deletionTimestamp).toBeDefined();
    await held.release();
    await waitUntil(async () => (await cluster.get('v1', 'Pod', 'busy')) === undefined);
  });

  test('a LoadBalancer Service gets an emulated public address; a classed one is left alone', async () => {
    // Created first: had the loop taken it, its address would come before the other's.
    await cluster.core.createNamespacedService({
      namespace: cluster.namespace,
      body: {
        metadata: { name: 'classed' },
        spec: {
          type: 'LoadBalancer',
          loadBalancerClass: 'example.com/unserved',
          selector: { app: 'x' },
          ports: [{ port: 22, targetPort: 2222 }]
        }
      }
    });
    await cluster.core.createNamespacedService({
      namespace: cluster.namespace,
      body: {
        metadata: { name: 'lb' },
        spec: {
          type: 'LoadBalancer',
          selector: { app: 'x' },
          ports: [{ port: 22, targetPort: 2222 }]
        }
      }
    });
    await waitUntil(async () => {
      const service = await cluster.core.readNamespacedService({
        name: 'lb',
        namespace: cluster.namespace
      });
      return (service.status?.loadBalancer?.ingress?.length ?? 0) > 0;
    });
    const service = await cluster.core.readNamespacedService({
      name: 'lb',
      namespace: cluster.namespace
    });
    expect(service.status?.loadBalancer?.ingress?.[0]?.ip).toMatch(/^198\.51\.100\.\d+$/);
    const classed = await cluster.core.readNamespacedService({
      name: 'classed',
      namespace: cluster.namespace
    });
    expect(classed.status?.loadBalancer?.ingress).toBeUndefined();
  });
});

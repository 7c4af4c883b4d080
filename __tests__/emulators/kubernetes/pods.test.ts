import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { deployment, isGone, startWithClients, waitFor } from './harness.ts';

const MISSING = 'ghcr.io/example/missing:9.9.9';
const CRASHING = 'ghcr.io/example/crash:1.0.0';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients({
    podReadyDelayMs: 40,
    missingImages: [MISSING],
    crashingImages: [CRASHING]
  });
  await c.core.createNamespace({ body: { metadata: { name: 'pods' } } });
});
afterAll(async () => {
  await c.emulator.close();
});

async function podsOf(app: string): Promise<k8s.V1Pod[]> {
  return (await c.core.listNamespacedPod({ namespace: 'pods', labelSelector: `app=${app}` })).items;
}

describe('pod lifecycle', () => {
  test('an open connection keeps a deleted pod Terminating until it closes', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'pods',
      body: deployment('busy', { namespace: 'pods', terminationGracePeriodSeconds: 3600 })
    });
    const [pod] = await waitFor(async () => {
      const pods = await podsOf('busy');
      return pods.length === 1 && pods[0]?.status?.containerStatuses?.[0]?.ready ? pods : undefined;
    });
    const name = pod?.metadata?.name as string;
    const connection = c.emulator.connections.open('pods', name);
    expect(c.emulator.connections.count('pods', name)).toBe(1);
    const deleted = await c.core.deleteNamespacedPod({ name, namespace: 'pods' });
    expect(deleted.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    await new Promise(r => setTimeout(r, 300));
    const terminating = await c.core.readNamespacedPod({ name, namespace: 'pods' });
    expect(terminating.metadata?.deletionTimestamp).toBeTruthy();
    expect(terminating.status?.conditions?.find(x => x.type === 'Ready')?.status).toBe('False');
    connection.close();
    await waitFor(() => isGone(c.core.readNamespacedPod({ name, namespace: 'pods' })));
    const deletedEvent = c.emulator.timeline.find(e => e.type === 'pod-deleted' && e.name === name);
    expect(deletedEvent?.detail).toBe('graceful');
    expect(c.emulator.timeline.some(e => e.type === 'pod-terminating' && e.name === name)).toBe(
      true
    );
  });

  test('the grace period cuts connections that stay open', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'pods',
      body: deployment('cut', { namespace: 'pods', terminationGracePeriodSeconds: 200 })
    });
    const [pod] = await waitFor(async () => {
      const pods = await podsOf('cut');
      return pods[0]?.status?.containerStatuses?.[0]?.ready ? pods : undefined;
    });
    const name = pod?.metadata?.name as string;
    c.emulator.connections.open('pods', name);
    const started = performance.now();
    await c.core.deleteNamespacedPod({ name, namespace: 'pods' });
    const gone = await waitFor(() =>
      c.emulator.timeline.find(e => e.type === 'pod-deleted' && e.name === name)
    );
    expect(gone.detail).toBe('connections-cut');
    expect(gone.at - started).toBeGreaterThanOrEqual(190);
    expect(c.emulator.connections.count('pods', name)).toBe(0);
  });

  test('a missing image goes ErrImagePull -> ImagePullBackOff and the rollout exceeds its deadline', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'pods',
      body: deployment('missing', {
        namespace: 'pods',
        image: MISSING,
        progressDeadlineSeconds: 300
      })
    });
    const reasons = new Set<string>();
    await waitFor(async () => {
      const pods = await podsOf('missing');
      const reason = pods[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason;
      if (reason) reasons.add(reason);
      return reason === 'ImagePullBackOff' ? pods : undefined;
    });
    expect(reasons).toContain('ImagePullBackOff');
    const pod = (await podsOf('missing'))[0] as k8s.V1Pod;
    expect(pod.status?.containerStatuses?.[0]?.state?.waiting?.message).toBe(
      `Back-off pulling image "${MISSING}"`
    );
    expect(pod.status?.phase).toBe('Pending');
    const d = await waitFor(
      async () => {
        const dep = await c.apps.readNamespacedDeployment({ name: 'missing', namespace: 'pods' });
        const p = dep.status?.conditions?.find(x => x.type === 'Progressing');
        return p?.reason === 'ProgressDeadlineExceeded' ? dep : undefined;
      },
      5000,
      'ProgressDeadlineExceeded'
    );
    const progressing = d.status?.conditions?.find(x => x.type === 'Progressing');
    expect(progressing?.status).toBe('False');
    expect(progressing?.message).toMatch(/^ReplicaSet "missing-\w+" has timed out progressing\.$/);
    const events = (
      await c.core.listNamespacedEvent({
        namespace: 'pods',
        fieldSelector: `involvedObject.name=${pod.metadata?.name}`
      })
    ).items;
    expect(
      events.some(
        e => e.reason === 'Failed' && e.message?.startsWith(`Failed to pull image "${MISSING}"`)
      )
    ).toBe(true);
    expect(
      events.some(
        e => e.reason === 'BackOff' && e.message === `Back-off pulling image "${MISSING}"`
      )
    ).toBe(true);
  });

  test('an image that becomes available lets the pod start', async () => {
    const image = 'ghcr.io/example/late:1.0.0';
    c.emulator.setImageMissing(image, true);
    await c.apps.createNamespacedDeployment({
      namespace: 'pods',
      body: deployment('late', { namespace: 'pods', image })
    });
    await waitFor(
      async () =>
        (await podsOf('late'))[0]?.status?.containerStatuses?.[0]?.state?.waiting?.reason ===
        'ImagePullBackOff'
    );
    c.emulator.setImageMissing(image, false);
    await waitFor(
      async () => (await podsOf('late'))[0]?.status?.containerStatuses?.[0]?.ready === true,
      5000,
      'late pod ready'
    );
  });

  test('a crashing container ends in CrashLoopBackOff with growing restarts', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'pods',
      body: deployment('crash', { namespace: 'pods', image: CRASHING })
    });
    const status = await waitFor(async () => {
      const s = (await podsOf('crash'))[0]?.status?.containerStatuses?.[0];
      return s && (s.restartCount ?? 0) >= 2 ? s : undefined;
    });
    expect(status.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(status.lastState?.terminated?.exitCode).toBe(1);
    expect(status.ready).toBe(false);
    const d = await c.apps.readNamespacedDeployment({ name: 'crash', namespace: 'pods' });
    expect(d.status?.readyReplicas ?? 0).toBe(0);
    expect(d.status?.unavailableReplicas).toBe(1);
  });

  test('pods beyond node capacity wait for a cluster-autoscaler scale-up', async () => {
    const small = await startWithClients({
      podReadyDelayMs: 20,
      nodeCapacityPods: 2,
      nodeScaleUpDelayMs: 200
    });
    try {
      await small.apps.createNamespacedDeployment({
        namespace: 'default',
        body: deployment('many', { replicas: 3 })
      });
      const pending = await waitFor(async () => {
        const pods = (
          await small.core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=many' })
        ).items;
        return pods.find(p =>
          p.status?.conditions?.some(x => x.type === 'PodScheduled' && x.status === 'False')
        );
      });
      expect(pending.status?.conditions?.find(x => x.type === 'PodScheduled')?.reason).toBe(
        'Unschedulable'
      );
      expect(pending.spec?.nodeName).toBeUndefined();
      const events = (await small.core.listNamespacedEvent({ namespace: 'default' })).items;
      expect(
        events.some(
          e => e.reason === 'FailedScheduling' && e.involvedObject.name === pending.metadata?.name
        )
      ).toBe(true);
      const scaleUp = events.find(e => e.reason === 'TriggeredScaleUp');
      expect(scaleUp?.source?.component).toBe('cluster-autoscaler');
      await waitFor(
        async () =>
          (await small.apps.readNamespacedDeployment({ name: 'many', namespace: 'default' })).status
            ?.readyReplicas === 3,
        5000,
        'all ready after scale-up'
      );
      expect((await small.core.listNode()).items).toHaveLength(2);
      expect(small.emulator.timeline.some(e => e.type === 'node-added')).toBe(true);
    } finally {
      await small.emulator.close();
    }
  });
});

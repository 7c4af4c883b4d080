import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { deployment, startWithClients, waitFor } from './harness.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients({ podReadyDelayMs: 60 });
  await c.core.createNamespace({ body: { metadata: { name: 'roll' } } });
});
afterAll(async () => {
  await c.emulator.close();
});

const apply = (d: k8s.V1Deployment) =>
  c.objects.patch(d, undefined, undefined, 'deployer', true, k8s.PatchStrategy.ServerSideApply);

async function complete(name: string, revision: string): Promise<k8s.V1Deployment> {
  return waitFor(
    async () => {
      const d = await c.apps.readNamespacedDeployment({ name, namespace: 'roll' });
      const progressing = d.status?.conditions?.find(x => x.type === 'Progressing');
      const done =
        d.metadata?.annotations?.['deployment.kubernetes.io/revision'] === revision &&
        progressing?.reason === 'NewReplicaSetAvailable' &&
        d.status?.updatedReplicas === d.spec?.replicas &&
        d.status?.replicas === d.spec?.replicas;
      return done ? d : undefined;
    },
    15000,
    `${name} revision ${revision} to complete`
  );
}

/** Ready pods of a deployment over time, from the emulator's timeline. */
function readyCounts(prefix: string, since: number): number[] {
  let ready = 0;
  const counts: number[] = [];
  for (const e of c.emulator.timeline) {
    if (!e.name.startsWith(prefix)) continue;
    if (e.type === 'pod-ready') ready++;
    if (e.type === 'pod-not-ready') ready--;
    if (e.at >= since) counts.push(ready);
  }
  return counts;
}

describe('deployment rollouts', () => {
  test('a new Deployment creates a ReplicaSet and ready pods', async () => {
    await apply(deployment('first', { namespace: 'roll', replicas: 2 }));
    const d = await complete('first', '1');
    expect(d.status).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1
    });
    expect(d.status?.conditions?.find(x => x.type === 'Available')?.status).toBe('True');
    const rs = (
      await c.apps.listNamespacedReplicaSet({ namespace: 'roll', labelSelector: 'app=first' })
    ).items;
    expect(rs).toHaveLength(1);
    const hash = rs[0]?.metadata?.labels?.['pod-template-hash'] as string;
    expect(rs[0]?.metadata?.name).toBe(`first-${hash}`);
    expect(rs[0]?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'first',
      controller: true
    });
    const pods = (
      await c.core.listNamespacedPod({
        namespace: 'roll',
        labelSelector: `pod-template-hash=${hash}`
      })
    ).items;
    expect(pods).toHaveLength(2);
    for (const pod of pods) {
      expect(pod.spec?.nodeName).toBeTruthy();
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
      expect(pod.status?.containerStatuses?.[0]?.ready).toBe(true);
    }
    const events = await c.core.listNamespacedEvent({ namespace: 'roll' });
    const reasons = new Set(events.items.map(e => e.reason));
    for (const r of [
      'ScalingReplicaSet',
      'SuccessfulCreate',
      'Scheduled',
      'Pulling',
      'Pulled',
      'Started'
    ]) {
      expect(reasons).toContain(r);
    }
  });

  test('maxSurge 1 / maxUnavailable 0 never drops below the desired ready count', async () => {
    const strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } };
    await apply(deployment('surge', { namespace: 'roll', replicas: 3, strategy }));
    await complete('surge', '1');
    const start = performance.now();
    await apply(
      deployment('surge', {
        namespace: 'roll',
        replicas: 3,
        strategy,
        image: 'ghcr.io/example/app:2.0.0'
      })
    );
    const d = await complete('surge', '2');
    const counts = readyCounts('surge-', start);
    expect(counts.length).toBeGreaterThanOrEqual(6);
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...counts)).toBeLessThanOrEqual(4);
    const pods = (await c.core.listNamespacedPod({ namespace: 'roll', labelSelector: 'app=surge' }))
      .items;
    expect(pods.every(p => p.spec?.containers[0]?.image === 'ghcr.io/example/app:2.0.0')).toBe(
      true
    );
    expect(d.status?.conditions?.find(x => x.type === 'Progressing')?.message).toContain(
      'has successfully progressed'
    );
    const rsets = (
      await c.apps.listNamespacedReplicaSet({ namespace: 'roll', labelSelector: 'app=surge' })
    ).items;
    expect(rsets.map(r => r.spec?.replicas).sort()).toEqual([0, 3]);
    expect(
      c.emulator.timeline.some(
        e => e.type === 'rollout-complete' && e.name === 'surge' && e.detail === 'revision 2'
      )
    ).toBe(true);
  });

  test('reverting the template reuses the old ReplicaSet with a new revision', async () => {
    await apply(deployment('undo', { namespace: 'roll', image: 'ghcr.io/example/app:1.0.0' }));
    await complete('undo', '1');
    await apply(deployment('undo', { namespace: 'roll', image: 'ghcr.io/example/app:2.0.0' }));
    await complete('undo', '2');
    const before = (
      await c.apps.listNamespacedReplicaSet({ namespace: 'roll', labelSelector: 'app=undo' })
    ).items;
    await apply(deployment('undo', { namespace: 'roll', image: 'ghcr.io/example/app:1.0.0' }));
    await complete('undo', '3');
    const after = (
      await c.apps.listNamespacedReplicaSet({ namespace: 'roll', labelSelector: 'app=undo' })
    ).items;
    expect(after.map(r => r.metadata?.name).sort()).toEqual(
      before.map(r => r.metadata?.name).sort()
    );
    const v1 = after.find(
      r => r.spec?.template?.spec?.containers[0]?.image === 'ghcr.io/example/app:1.0.0'
    );
    expect(v1?.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(v1?.spec?.replicas).toBe(1);
  });

  test('Recreate stops every old pod before starting new ones', async () => {
    const strategy = { type: 'Recreate' };
    await apply(deployment('recreate', { namespace: 'roll', replicas: 2, strategy }));
    await complete('recreate', '1');
    const start = performance.now();
    await apply(
      deployment('recreate', {
        namespace: 'roll',
        replicas: 2,
        strategy,
        image: 'ghcr.io/example/app:2.0.0'
      })
    );
    await complete('recreate', '2');
    const events = c.emulator.timeline.filter(e => e.at >= start && e.name.startsWith('recreate-'));
    const lastOldGone = Math.max(...events.filter(e => e.type === 'pod-deleted').map(e => e.at));
    const firstNew = Math.min(...events.filter(e => e.type === 'pod-created').map(e => e.at));
    expect(events.filter(e => e.type === 'pod-deleted')).toHaveLength(2);
    expect(firstNew).toBeGreaterThanOrEqual(lastOldGone);
  });

  test('scaling through the scale subresource changes the pod count', async () => {
    await apply(deployment('scale', { namespace: 'roll', replicas: 1 }));
    await complete('scale', '1');
    await c.apps.replaceNamespacedDeploymentScale({
      name: 'scale',
      namespace: 'roll',
      body: { metadata: { name: 'scale', namespace: 'roll' }, spec: { replicas: 3 } }
    });
    await waitFor(
      async () =>
        (await c.apps.readNamespacedDeployment({ name: 'scale', namespace: 'roll' })).status
          ?.readyReplicas === 3
    );
    await c.apps.replaceNamespacedDeploymentScale({
      name: 'scale',
      namespace: 'roll',
      body: { metadata: { name: 'scale', namespace: 'roll' }, spec: { replicas: 1 } }
    });
    await waitFor(
      async () =>
        (await c.core.listNamespacedPod({ namespace: 'roll', labelSelector: 'app=scale' })).items
          .length === 1
    );
  });
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { deployment, startWithClients, waitFor } from './harness.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients({ podReadyDelayMs: 20, loadBalancerDelayMs: 100 });
});
afterAll(async () => {
  await c.emulator.close();
});

describe('services, volumes and autoscalers', () => {
  test('a LoadBalancer Service gets an ingress IP after the delay', async () => {
    const created = await c.core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'lb' },
        spec: { type: 'LoadBalancer', selector: { app: 'lb' }, ports: [{ port: 9002 }] }
      }
    });
    expect(created.spec?.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(created.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(created.status?.loadBalancer?.ingress ?? []).toEqual([]);
    const svc = await waitFor(async () => {
      const s = await c.core.readNamespacedService({ name: 'lb', namespace: 'default' });
      return s.status?.loadBalancer?.ingress?.[0]?.ip ? s : undefined;
    });
    const event = c.emulator.timeline.find(e => e.type === 'lb-assigned' && e.name === 'lb');
    expect(event?.detail).toBe(svc.status?.loadBalancer?.ingress?.[0]?.ip);
  });

  test('headless services get no cluster IP', async () => {
    const svc = await c.core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'headless' },
        spec: { clusterIP: 'None', selector: { app: 'x' }, ports: [{ port: 9002 }] }
      }
    });
    expect(svc.spec?.clusterIP).toBe('None');
  });

  test('Endpoints list ready pods and drop terminating ones', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('ep', { replicas: 2 })
    });
    await c.core.createNamespacedService({
      namespace: 'default',
      body: {
        metadata: { name: 'ep' },
        spec: { selector: { app: 'ep' }, ports: [{ port: 9002, targetPort: 9002 }] }
      }
    });
    const ep = await waitFor(async () => {
      const e = await c.core
        .readNamespacedEndpoints({ name: 'ep', namespace: 'default' })
        .catch(() => undefined);
      return e?.subsets?.[0]?.addresses?.length === 2 ? e : undefined;
    });
    const victim = ep.subsets?.[0]?.addresses?.[0]?.targetRef?.name as string;
    await c.core.deleteNamespacedPod({ name: victim, namespace: 'default' });
    await waitFor(async () => {
      const e = await c.core.readNamespacedEndpoints({ name: 'ep', namespace: 'default' });
      return !(e.subsets?.[0]?.addresses ?? []).some(a => a.targetRef?.name === victim);
    });
  });

  test('a PVC without a class gets the default one and is bound', async () => {
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: {
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }
      }
    });
    const pvc = await waitFor(async () => {
      const p = await c.core.readNamespacedPersistentVolumeClaim({
        name: 'data',
        namespace: 'default'
      });
      return p.status?.phase === 'Bound' ? p : undefined;
    });
    expect(pvc.spec?.storageClassName).toBe('default');
    const pv = await c.core.readPersistentVolume({ name: pvc.spec?.volumeName as string });
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.spec?.claimRef?.name).toBe('data');
  });

  test('a PVC naming a static PV binds to it', async () => {
    await c.core.createPersistentVolume({
      body: {
        metadata: { name: 'share' },
        spec: {
          capacity: { storage: '100Gi' },
          accessModes: ['ReadWriteMany'],
          storageClassName: '',
          csi: {
            driver: 'file.csi.azure.com',
            volumeHandle: 'rg-account-share',
            volumeAttributes: { shareName: 'share' },
            nodeStageSecretRef: { name: 'azure-secret', namespace: 'default' }
          }
        }
      }
    });
    await c.core.createNamespacedPersistentVolumeClaim({
      namespace: 'default',
      body: {
        metadata: { name: 'shared' },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: '',
          volumeName: 'share',
          resources: { requests: { storage: '100Gi' } }
        }
      }
    });
    await waitFor(
      async () =>
        (await c.core.readNamespacedPersistentVolumeClaim({ name: 'shared', namespace: 'default' }))
          .status?.phase === 'Bound'
    );
    const pv = await c.core.readPersistentVolume({ name: 'share' });
    expect(pv.status?.phase).toBe('Bound');
    expect(pv.spec?.claimRef).toMatchObject({ namespace: 'default', name: 'shared' });
  });

  test('an HPA reports the target replicas and enforces minReplicas', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('scaled', { replicas: 1 })
    });
    const hpa: k8s.V2HorizontalPodAutoscaler = {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name: 'scaled', namespace: 'default' },
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'scaled' },
        minReplicas: 2,
        maxReplicas: 5,
        metrics: [
          {
            type: 'Resource',
            resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } }
          }
        ]
      }
    };
    await c.objects.create(hpa);
    const status = await waitFor(async () => {
      const h = (await c.objects.read({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'scaled', namespace: 'default' }
      })) as k8s.V2HorizontalPodAutoscaler;
      return h.status?.desiredReplicas === 2 && h.status.currentReplicas === 2
        ? h.status
        : undefined;
    });
    expect(status.conditions?.find(x => x.type === 'AbleToScale')?.status).toBe('True');
    const d = await c.apps.readNamespacedDeployment({ name: 'scaled', namespace: 'default' });
    expect(d.spec?.replicas).toBe(2);
  });

  test('a PDB reports allowed disruptions', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('guarded', { replicas: 3 })
    });
    await c.objects.create({
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'guarded', namespace: 'default' },
      spec: { minAvailable: 2, selector: { matchLabels: { app: 'guarded' } } }
    } as k8s.V1PodDisruptionBudget);
    await waitFor(async () => {
      const pdb = (await c.objects.read({
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'guarded', namespace: 'default' }
      })) as k8s.V1PodDisruptionBudget;
      return pdb.status?.currentHealthy === 3 && pdb.status.disruptionsAllowed === 1;
    });
  });
});

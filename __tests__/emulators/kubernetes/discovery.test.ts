import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { raw, startWithClients } from './harness.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients();
});
afterAll(async () => {
  await c.emulator.close();
});

describe('discovery', () => {
  test('core and group versions are listed', async () => {
    const versions = await c.kc.makeApiClient(k8s.CoreApi).getAPIVersions();
    expect(versions.versions).toEqual(['v1']);
    const groups = await c.kc.makeApiClient(k8s.ApisApi).getAPIVersions();
    const names = (groups.groups ?? []).map(g => g.name);
    expect(names).toEqual(
      expect.arrayContaining([
        'apps',
        'autoscaling',
        'policy',
        'networking.k8s.io',
        'storage.k8s.io'
      ])
    );
    const autoscaling = (groups.groups ?? []).find(g => g.name === 'autoscaling');
    expect(autoscaling?.preferredVersion?.groupVersion).toBe('autoscaling/v2');
  });

  test('resource lists describe kinds, scope, verbs and subresources', async () => {
    const apps = await c.kc.makeApiClient(k8s.AppsV1Api).getAPIResources();
    const deployments = apps.resources.find(r => r.name === 'deployments');
    expect(deployments).toMatchObject({ kind: 'Deployment', namespaced: true });
    expect(deployments?.verbs).toEqual(
      expect.arrayContaining(['create', 'get', 'list', 'watch', 'patch', 'delete'])
    );
    expect(apps.resources.map(r => r.name)).toEqual(
      expect.arrayContaining(['deployments/status', 'deployments/scale', 'replicasets'])
    );
    const core = await c.core.getAPIResources();
    const pv = core.resources.find(r => r.name === 'persistentvolumes');
    expect(pv?.namespaced).toBe(false);
    expect(core.resources.map(r => r.name)).toEqual(
      expect.arrayContaining([
        'namespaces',
        'pods',
        'services',
        'configmaps',
        'secrets',
        'persistentvolumeclaims',
        'events',
        'serviceaccounts'
      ])
    );
  });

  test('KubernetesObjectApi resolves kinds through discovery', async () => {
    for (const [apiVersion, kind] of [
      ['autoscaling/v2', 'HorizontalPodAutoscaler'],
      ['policy/v1', 'PodDisruptionBudget'],
      ['networking.k8s.io/v1', 'NetworkPolicy'],
      ['storage.k8s.io/v1', 'StorageClass']
    ] as const) {
      const list = await c.objects.list(apiVersion, kind, 'default');
      expect(Array.isArray(list.items)).toBe(true);
      expect((list as { kind?: string }).kind).toBe(`${kind}List`);
    }
    await expect(c.objects.list('apps/v1', 'NoSuchKind', 'default')).rejects.toThrow(
      'Unrecognized API version and kind'
    );
  });

  test('version and health endpoints', async () => {
    const version = await c.kc.makeApiClient(k8s.VersionApi).getCode();
    expect(version.major).toBe('1');
    expect(version.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    const health = await fetch(`${c.emulator.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.text()).toBe('ok');
  });

  test('requests without the kubeconfig token are unauthorized', async () => {
    const res = await fetch(`${c.emulator.url}/api/v1/namespaces`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as k8s.V1Status).reason).toBe('Unauthorized');
  });

  test('unknown paths answer 404 Status', async () => {
    const res = await raw(c, 'GET', '/apis/nope.example.com/v1');
    expect(res.status).toBe(404);
    expect((res.json as k8s.V1Status).kind).toBe('Status');
  });

  test('the default storage class exists and requests are recorded', async () => {
    const storage = c.kc.makeApiClient(k8s.StorageV1Api);
    const classes = await storage.listStorageClass();
    const def = classes.items.find(s => s.metadata?.name === 'default');
    expect(def?.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class']).toBe(
      'true'
    );
    const last = c.emulator.requests.at(-1);
    expect(last).toMatchObject({
      method: 'GET',
      verb: 'list',
      resource: 'storageclasses',
      status: 200
    });
    expect(c.emulator.requests.some(r => r.verb === 'discovery')).toBe(true);
  });
});

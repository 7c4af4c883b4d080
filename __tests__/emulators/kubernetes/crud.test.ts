import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { deployment, failure, isGone, raw, startWithClients, waitFor } from './harness.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients();
  await c.core.createNamespace({ body: { metadata: { name: 'crud' } } });
});
afterAll(async () => {
  await c.emulator.close();
});

const cm = (
  name: string,
  labels: Record<string, string> = {},
  data: Record<string, string> = {}
) => ({
  metadata: { name, labels },
  data
});

describe('CRUD and status errors', () => {
  test('create, read, list and delete a ConfigMap', async () => {
    const created = await c.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: cm('a', {}, { k: 'v' })
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    const read = await c.core.readNamespacedConfigMap({ name: 'a', namespace: 'crud' });
    expect(read.data).toEqual({ k: 'v' });
    const list = await c.core.listNamespacedConfigMap({ namespace: 'crud' });
    expect(list.items.map(i => i.metadata?.name)).toContain('a');
    expect(Number(list.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
      Number(created.metadata?.resourceVersion)
    );
    await c.core.deleteNamespacedConfigMap({ name: 'a', namespace: 'crud' });
    const gone = await failure(c.core.readNamespacedConfigMap({ name: 'a', namespace: 'crud' }));
    expect(gone.code).toBe(404);
    expect(gone.body).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      code: 404
    });
    expect(gone.body.message).toBe('configmaps "a" not found');
  });

  test('create twice answers 409 AlreadyExists', async () => {
    await c.core.createNamespacedConfigMap({ namespace: 'crud', body: cm('dup') });
    const err = await failure(
      c.core.createNamespacedConfigMap({ namespace: 'crud', body: cm('dup') })
    );
    expect(err.code).toBe(409);
    expect(err.body.reason).toBe('AlreadyExists');
  });

  test('creating in a missing namespace answers 404 NotFound for the namespace', async () => {
    const err = await failure(
      c.core.createNamespacedConfigMap({ namespace: 'nowhere', body: cm('x') })
    );
    expect(err.code).toBe(404);
    expect(err.body.message).toBe('namespaces "nowhere" not found');
  });

  test('replace with a stale resourceVersion answers 409 Conflict', async () => {
    const first = await c.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: cm('rv', {}, { n: '1' })
    });
    const updated = await c.core.replaceNamespacedConfigMap({
      name: 'rv',
      namespace: 'crud',
      body: { ...first, data: { n: '2' } }
    });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(first.metadata?.resourceVersion)
    );
    const err = await failure(
      c.core.replaceNamespacedConfigMap({
        name: 'rv',
        namespace: 'crud',
        body: { ...first, data: { n: '3' } }
      })
    );
    expect(err.code).toBe(409);
    expect(err.body.reason).toBe('Conflict');
    expect(err.body.message).toContain('the object has been modified');
  });

  test('label selectors: =, !=, in, notin, exists, !exists', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: cm('l1', { tier: 'web', env: 'prod' })
    });
    await c.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: cm('l2', { tier: 'db', env: 'dev' })
    });
    await c.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: cm('l3', { tier: 'cache' })
    });
    const names = async (labelSelector: string) =>
      (await c.core.listNamespacedConfigMap({ namespace: 'crud', labelSelector })).items
        .map(i => i.metadata?.name)
        .sort();
    expect(await names('tier=web')).toEqual(['l1']);
    expect(await names('tier==web')).toEqual(['l1']);
    expect(await names('tier!=web,tier')).toEqual(['l2', 'l3']);
    expect(await names('tier in (web, db)')).toEqual(['l1', 'l2']);
    expect(await names('tier notin (web),env')).toEqual(['l2']);
    expect(await names('tier,!env')).toEqual(['l3']);
    expect(await names('env=prod,tier=web')).toEqual(['l1']);
  });

  test('field selectors on metadata.name and across namespaces', async () => {
    await c.core.createNamespacedConfigMap({ namespace: 'default', body: cm('shared-name') });
    await c.core.createNamespacedConfigMap({ namespace: 'crud', body: cm('shared-name') });
    const all = await c.core.listConfigMapForAllNamespaces({
      fieldSelector: 'metadata.name=shared-name'
    });
    expect(all.items.map(i => i.metadata?.namespace).sort()).toEqual(['crud', 'default']);
    const one = await c.core.listConfigMapForAllNamespaces({
      fieldSelector: 'metadata.name=shared-name,metadata.namespace=crud'
    });
    expect(one.items).toHaveLength(1);
  });

  test('merge, strategic and JSON patches', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: cm('p', { a: '1' }, { x: '1', y: '2' })
    });
    const merge = await c.objects.patch(
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'p', namespace: 'crud' },
        data: { x: '9' }
      },
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch
    );
    expect((merge as k8s.V1ConfigMap).data).toEqual({ x: '9', y: '2' });
    const res = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/crud/configmaps/p',
      JSON.stringify([
        { op: 'remove', path: '/data/y' },
        { op: 'add', path: '/metadata/labels/b', value: '2' }
      ]),
      'application/json-patch+json'
    );
    expect(res.status).toBe(200);
    const after = await c.core.readNamespacedConfigMap({ name: 'p', namespace: 'crud' });
    expect(after.data).toEqual({ x: '9' });
    expect(after.metadata?.labels).toEqual({ a: '1', b: '2' });
    const bad = await raw(c, 'PATCH', '/api/v1/namespaces/crud/configmaps/p', '{}', 'text/plain');
    expect(bad.status).toBe(415);
  });

  test('dryRun=All validates but does not store', async () => {
    const res = await c.core.createNamespacedConfigMap({
      namespace: 'crud',
      body: cm('dry'),
      dryRun: 'All'
    });
    expect(res.metadata?.name).toBe('dry');
    expect(
      (await failure(c.core.readNamespacedConfigMap({ name: 'dry', namespace: 'crud' }))).code
    ).toBe(404);
  });

  test('generation changes on spec changes only; status subresource is separate', async () => {
    const d = await c.apps.createNamespacedDeployment({
      namespace: 'crud',
      body: deployment('gen', { namespace: 'crud' })
    });
    expect(d.metadata?.generation).toBe(1);
    const labelled = await c.objects.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'gen', namespace: 'crud', labels: { x: 'y' } }
      } as k8s.V1Deployment,
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch
    );
    expect(labelled.metadata?.generation).toBe(1);
    const scaled = await c.objects.patch(
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'gen', namespace: 'crud' },
        spec: { replicas: 2 }
      } as k8s.V1Deployment,
      undefined,
      undefined,
      undefined,
      undefined,
      k8s.PatchStrategy.MergePatch
    );
    expect(scaled.metadata?.generation).toBe(2);
    const status = await c.apps.readNamespacedDeploymentStatus({ name: 'gen', namespace: 'crud' });
    expect(status.spec?.replicas).toBe(2);
    const res = await raw(
      c,
      'PATCH',
      '/apis/apps/v1/namespaces/crud/deployments/gen/status',
      JSON.stringify({
        status: { conditions: [{ type: 'Custom', status: 'True' }] },
        spec: { replicas: 7 }
      }),
      'application/merge-patch+json'
    );
    expect(res.status).toBe(200);
    const body = res.json as k8s.V1Deployment;
    expect(body.spec?.replicas).toBe(2);
    expect(body.metadata?.generation).toBe(2);
    const scale = await c.apps.readNamespacedDeploymentScale({ name: 'gen', namespace: 'crud' });
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.selector).toBe('app=gen');
  });

  test('deleting a Deployment deletes its ReplicaSets and pods', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'crud',
      body: deployment('cascade', { namespace: 'crud', replicas: 2 })
    });
    await waitFor(
      async () =>
        (await c.core.listNamespacedPod({ namespace: 'crud', labelSelector: 'app=cascade' })).items
          .length === 2
    );
    await c.apps.deleteNamespacedDeployment({ name: 'cascade', namespace: 'crud' });
    await waitFor(
      async () => {
        const rs = await c.apps.listNamespacedReplicaSet({
          namespace: 'crud',
          labelSelector: 'app=cascade'
        });
        const pods = await c.core.listNamespacedPod({
          namespace: 'crud',
          labelSelector: 'app=cascade'
        });
        return rs.items.length === 0 && pods.items.length === 0;
      },
      5000,
      'dependents to be collected'
    );
  });

  test('deleting a namespace deletes its contents', async () => {
    await c.core.createNamespace({ body: { metadata: { name: 'doomed' } } });
    await c.core.createNamespacedConfigMap({ namespace: 'doomed', body: cm('inside') });
    await c.apps.createNamespacedDeployment({
      namespace: 'doomed',
      body: deployment('d', { namespace: 'doomed' })
    });
    // The API answers with the Namespace, although client-node types the result as a Status.
    const ns = (await c.core.deleteNamespace({ name: 'doomed' })) as unknown as k8s.V1Namespace;
    expect(ns.status?.phase).toBe('Terminating');
    await waitFor(
      () => isGone(c.core.readNamespace({ name: 'doomed' })),
      5000,
      'namespace removal'
    );
    expect(c.emulator.listObjects('v1', 'ConfigMap', 'doomed')).toEqual([]);
    expect(c.emulator.listObjects('v1', 'Pod', 'doomed')).toEqual([]);
  });

  test('new namespaces are Active and get a default ServiceAccount', async () => {
    const ns = await c.core.readNamespace({ name: 'crud' });
    expect(ns.status?.phase).toBe('Active');
    await waitFor(() => c.emulator.getObject('v1', 'ServiceAccount', 'crud', 'default'));
  });

  test('lists support limit and continue', async () => {
    for (const n of ['pg-1', 'pg-2', 'pg-3']) {
      await c.core.createNamespacedConfigMap({ namespace: 'crud', body: cm(n, { page: 'yes' }) });
    }
    const first = await c.core.listNamespacedConfigMap({
      namespace: 'crud',
      labelSelector: 'page',
      limit: 2
    });
    expect(first.items).toHaveLength(2);
    expect(first.metadata?._continue).toBeTruthy();
    const second = await c.core.listNamespacedConfigMap({
      namespace: 'crud',
      labelSelector: 'page',
      limit: 2,
      _continue: first.metadata?._continue
    });
    expect(second.items.map(i => i.metadata?.name)).toEqual(['pg-3']);
  });
});

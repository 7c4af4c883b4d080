import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { deployment, failure, raw, startWithClients, waitFor } from './harness.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients({ podReadyDelayMs: 20 });
  await c.core.createNamespace({ body: { metadata: { name: 'ssa' } } });
});
afterAll(async () => {
  await c.emulator.close();
});

const apply = <T extends k8s.KubernetesObject>(obj: T, manager = 'deployer', force?: boolean) =>
  c.objects.patch(obj, undefined, undefined, manager, force, k8s.PatchStrategy.ServerSideApply);

function configMap(
  name: string,
  data: Record<string, string>,
  labels?: Record<string, string>
): k8s.V1ConfigMap {
  const metadata: k8s.V1ObjectMeta = { name, namespace: 'ssa' };
  if (labels) metadata.labels = labels;
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata, data };
}

describe('server-side apply', () => {
  test('creates the object and records the manager in managedFields', async () => {
    const created = await apply(configMap('create', { a: '1' }));
    expect(created.metadata?.uid).toBeTruthy();
    const managed = created.metadata?.managedFields ?? [];
    expect(managed).toHaveLength(1);
    expect(managed[0]).toMatchObject({
      manager: 'deployer',
      operation: 'Apply',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1'
    });
    expect(managed[0]?.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } });
    const last = c.emulator.requests.at(-1);
    expect(last).toMatchObject({
      verb: 'apply',
      contentType: 'application/apply-patch+yaml',
      status: 201,
      name: 'create'
    });
  });

  test('an unchanged apply keeps resourceVersion and generation', async () => {
    await apply(deployment('noop', { namespace: 'ssa', replicas: 2 }));
    // Let the controllers finish writing status so that only the apply could change it.
    await waitFor(async () => {
      const d = await c.apps.readNamespacedDeployment({ name: 'noop', namespace: 'ssa' });
      return d.status?.conditions?.some(x => x.reason === 'NewReplicaSetAvailable');
    });
    await new Promise(r => setTimeout(r, 50));
    const first = await c.apps.readNamespacedDeployment({ name: 'noop', namespace: 'ssa' });
    const again = await apply(deployment('noop', { namespace: 'ssa', replicas: 2 }));
    expect(again.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    expect(
      c.emulator.getObject('apps/v1', 'Deployment', 'ssa', 'noop')?.metadata.resourceVersion
    ).toBe(first.metadata?.resourceVersion);
    expect(again.metadata?.generation).toBe(1);
    const changed = await apply(deployment('noop', { namespace: 'ssa', replicas: 3 }));
    expect(Number(changed.metadata?.resourceVersion)).toBeGreaterThan(
      Number(first.metadata?.resourceVersion)
    );
    expect(changed.metadata?.generation).toBe(2);
  });

  test('fields the manager no longer applies are removed', async () => {
    await apply(configMap('remove', { a: '1', b: '2' }, { keep: 'yes', drop: 'yes' }));
    const after = await apply(configMap('remove', { a: '1' }, { keep: 'yes' }));
    expect(after.data).toEqual({ a: '1' });
    expect(after.metadata?.labels).toEqual({ keep: 'yes' });
  });

  test('removing an env var from a container keeps the container', async () => {
    const d = deployment('env', { namespace: 'ssa' });
    const container = d.spec?.template.spec?.containers[0] as k8s.V1Container;
    container.env = [
      { name: 'A', value: '1' },
      { name: 'B', value: '2' }
    ];
    await apply(d);
    container.env = [{ name: 'A', value: '1' }];
    const after = (await apply(d)) as k8s.V1Deployment;
    expect(after.spec?.template.spec?.containers.map(x => x.name)).toEqual(['main']);
    expect(after.spec?.template.spec?.containers[0]?.env).toEqual([{ name: 'A', value: '1' }]);
  });

  test('a field owned by another manager with a different value conflicts', async () => {
    await apply(configMap('conflict', { shared: 'one' }), 'alpha');
    const err = await failure(apply(configMap('conflict', { shared: 'two' }), 'beta'));
    expect(err.code).toBe(409);
    expect(err.body.reason).toBe('Conflict');
    expect(err.body.message).toContain('conflict with "alpha"');
    expect(err.body.message).toContain('.data.shared');
    // Same value: shared ownership, no conflict.
    const shared = await apply(configMap('conflict', { shared: 'one' }), 'beta');
    expect((shared.metadata?.managedFields ?? []).map(m => m.manager).sort()).toEqual([
      'alpha',
      'beta'
    ]);
  });

  test('force takes ownership from the other manager', async () => {
    await apply(configMap('force', { owned: 'one', other: 'x' }), 'alpha');
    const forced = await apply(configMap('force', { owned: 'two' }), 'beta', true);
    expect(forced.data).toEqual({ owned: 'two', other: 'x' });
    const alpha = forced.metadata?.managedFields?.find(m => m.manager === 'alpha');
    expect(alpha?.fieldsV1).toEqual({ 'f:data': { 'f:other': {} } });
    // alpha dropping the field it lost does not remove beta's value.
    const after = await apply(configMap('force', { other: 'x' }), 'alpha');
    expect(after.data).toEqual({ owned: 'two', other: 'x' });
  });

  test('an update by another client conflicts with a later apply of the same field', async () => {
    await apply(deployment('scaled', { namespace: 'ssa', replicas: 1 }));
    await c.apps.patchNamespacedDeploymentScale(
      {
        name: 'scaled',
        namespace: 'ssa',
        body: { spec: { replicas: 4 } },
        fieldManager: 'autoscaler'
      },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
    );
    const err = await failure(apply(deployment('scaled', { namespace: 'ssa', replicas: 1 })));
    expect(err.code).toBe(409);
    expect(err.body.message).toContain('"autoscaler"');
    expect(err.body.message).toContain('.spec.replicas');
  });

  test('fieldManager is required and YAML bodies are accepted', async () => {
    const noManager = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/ssa/configmaps/yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml\ndata:\n  k: v\n',
      'application/apply-patch+yaml'
    );
    expect(noManager.status).toBe(400);
    expect((noManager.json as k8s.V1Status).message).toContain('fieldManager');
    const ok = await raw(
      c,
      'PATCH',
      '/api/v1/namespaces/ssa/configmaps/yaml?fieldManager=yaml-client',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: yaml\ndata:\n  k: v\n',
      'application/apply-patch+yaml'
    );
    expect(ok.status).toBe(201);
    expect((ok.json as k8s.V1ConfigMap).data).toEqual({ k: 'v' });
  });

  test('dry-run apply does not store', async () => {
    const result = await c.objects.patch(
      configMap('dry', { a: '1' }),
      undefined,
      'All',
      'deployer',
      undefined,
      k8s.PatchStrategy.ServerSideApply
    );
    expect(result.metadata?.name).toBe('dry');
    expect(c.emulator.getObject('v1', 'ConfigMap', 'ssa', 'dry')).toBeUndefined();
  });

  test('applying a Service keeps its allocated clusterIP', async () => {
    const svc: k8s.V1Service = {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'svc', namespace: 'ssa' },
      spec: { selector: { app: 'x' }, ports: [{ port: 9002 }] }
    };
    const first = (await apply(svc)) as k8s.V1Service;
    expect(first.spec?.clusterIP).toMatch(/^10\.96\./);
    const second = (await apply(svc)) as k8s.V1Service;
    expect(second.spec?.clusterIP).toBe(first.spec?.clusterIP);
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
  });
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { deployment, failure, startWithClients } from './harness.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients();
});
afterAll(async () => {
  await c.emulator.close();
});

const causes = (status: k8s.V1Status) => (status.details?.causes ?? []).map(x => x.field);

describe('validation', () => {
  test('a container without an image is Invalid', async () => {
    const d = deployment('noimage');
    delete (d.spec?.template.spec?.containers[0] as Partial<k8s.V1Container>).image;
    const err = await failure(c.apps.createNamespacedDeployment({ namespace: 'default', body: d }));
    expect(err.code).toBe(422);
    expect(err.body.reason).toBe('Invalid');
    expect(err.body.message).toBe(
      'Deployment.apps "noimage" is invalid: spec.template.spec.containers[0].image: Required value'
    );
    expect(causes(err.body)).toEqual(['spec.template.spec.containers[0].image']);
    expect(err.body.details?.kind).toBe('Deployment');
  });

  test('a selector that does not match the template labels is Invalid', async () => {
    const d = deployment('mismatch');
    (d.spec as k8s.V1DeploymentSpec).selector = { matchLabels: { app: 'other' } };
    const err = await failure(c.apps.createNamespacedDeployment({ namespace: 'default', body: d }));
    expect(err.code).toBe(422);
    expect(err.body.message).toContain('spec.template.metadata.labels');
    expect(err.body.message).toContain('`selector` does not match template `labels`');
  });

  test('schema violations are reported with field paths', async () => {
    const d = deployment('schema') as unknown as { spec: { replicas: unknown; strategy: unknown } };
    d.spec.replicas = 'three';
    d.spec.strategy = { type: 'Sometimes' };
    const err = await failure(c.objects.create(d as unknown as k8s.KubernetesObject));
    expect(err.code).toBe(422);
    expect(causes(err.body)).toEqual(
      expect.arrayContaining(['spec.replicas', 'spec.strategy.type'])
    );
  });

  test('names must be DNS-1123', async () => {
    const err = await failure(
      c.core.createNamespacedConfigMap({
        namespace: 'default',
        body: { metadata: { name: 'Bad_Name' } }
      })
    );
    expect(err.code).toBe(422);
    expect(causes(err.body)).toEqual(['metadata.name']);
    expect(err.body.message).toContain('RFC 1123');
  });

  test('the selector of a Deployment is immutable', async () => {
    await c.apps.createNamespacedDeployment({
      namespace: 'default',
      body: deployment('immutable')
    });
    const current = await c.apps.readNamespacedDeployment({
      name: 'immutable',
      namespace: 'default'
    });
    const spec = current.spec as k8s.V1DeploymentSpec;
    spec.selector = { matchLabels: { app: 'immutable', extra: 'x' } };
    (spec.template.metadata as k8s.V1ObjectMeta).labels = { app: 'immutable', extra: 'x' };
    // Unconditional: the controller may have written status since the read (a 409 otherwise).
    (current.metadata as k8s.V1ObjectMeta).resourceVersion = undefined;
    const err = await failure(
      c.apps.replaceNamespacedDeployment({ name: 'immutable', namespace: 'default', body: current })
    );
    expect(err.code).toBe(422);
    expect(err.body.message).toContain('spec.selector');
    expect(err.body.message).toContain('field is immutable');
  });

  test('invalid objects are rejected by apply and dry runs too', async () => {
    const d = deployment('apply-invalid');
    (d.spec?.template.spec?.containers[0] as k8s.V1Container).image = '';
    const err = await failure(
      c.objects.patch(d, undefined, 'All', 'deployer', undefined, k8s.PatchStrategy.ServerSideApply)
    );
    expect(err.code).toBe(422);
  });

  test('volume mounts must refer to volumes and PVCs need a size', async () => {
    const d = deployment('mounts');
    (d.spec?.template.spec?.containers[0] as k8s.V1Container).volumeMounts = [
      { name: 'data', mountPath: '/data' }
    ];
    const err = await failure(c.apps.createNamespacedDeployment({ namespace: 'default', body: d }));
    expect(causes(err.body)).toEqual(['spec.template.spec.containers[0].volumeMounts[0].name']);
    const pvc = await failure(
      c.core.createNamespacedPersistentVolumeClaim({
        namespace: 'default',
        body: { metadata: { name: 'nosize' }, spec: { accessModes: ['ReadWriteOnce'] } }
      })
    );
    expect(pvc.code).toBe(422);
    expect(causes(pvc.body)).toEqual(['spec.resources[storage]']);
  });
});

import { describe, expect, test } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import { renderGadgetron } from '../../src/render/gadgetron.ts';
import { validateObjects } from '../../src/render/validate.ts';
import { defaultSpec, named } from './fixtures.ts';

function broken(edit: (objects: KubernetesObject[]) => void): string[] {
  const objects = renderGadgetron(defaultSpec());
  edit(objects);
  return validateObjects(objects);
}

describe('validateObjects', () => {
  test('names the object and the field of a wrong type', () => {
    const problems = broken(objects => {
      const deployment = named(objects, 'Deployment', 'gadgetron') as unknown as {
        spec: { template: { spec: { containers: { ports: { containerPort: unknown }[] }[] } } };
      };
      const port = deployment.spec.template.spec.containers[0]?.ports[0];
      if (port) port.containerPort = 'nine thousand';
    });
    expect(problems).toEqual([
      'Deployment/gadgetron: spec.template.spec.containers[0].ports[0].containerPort must be integer'
    ]);
  });

  test('reports missing required fields and the allowed values of enums', () => {
    const problems = broken(objects => {
      const hpa = named(objects, 'HorizontalPodAutoscaler', 'gadgetron') as unknown as {
        spec: { maxReplicas?: number };
      };
      delete hpa.spec.maxReplicas;
      const pdb = named(objects, 'PodDisruptionBudget', 'gadgetron') as unknown as {
        spec: { unhealthyPodEvictionPolicy: string };
      };
      pdb.spec.unhealthyPodEvictionPolicy = 'Sometimes';
    });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^HorizontalPodAutoscaler\/gadgetron: spec .*maxReplicas/);
    expect(problems[1]).toMatch(
      /^PodDisruptionBudget\/gadgetron: spec\.unhealthyPodEvictionPolicy .*"AlwaysAllow"/
    );
  });

  test('rejects kinds it has no schema for and objects without a name', () => {
    expect(
      validateObjects([
        { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } },
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: {} }
      ])
    ).toEqual([
      'Widget/w: no schema for apiVersion example.com/v1 kind Widget',
      'ConfigMap/#1: metadata.name is missing'
    ]);
  });

  test('accepts the supporting kinds a deployment may add', () => {
    expect(
      validateObjects([
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'gadgetron' } },
        {
          apiVersion: 'v1',
          kind: 'Secret',
          metadata: { name: 'share' },
          type: 'Opaque',
          stringData: { azurestorageaccountname: 'a' }
        } as KubernetesObject
      ])
    ).toEqual([]);
  });
});

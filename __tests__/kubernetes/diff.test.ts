import { describe, expect, test } from '@jest/globals';
import type { KubernetesObject } from '@kubernetes/client-node';
import { comparable, diffObject, formatChange, formatValue } from '../../src/kubernetes/diff.ts';

/** A Deployment as the API server returns it, with its bookkeeping and status. */
function deployment(change: Record<string, unknown> = {}): KubernetesObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'gadgetron',
      namespace: 'gt',
      uid: 'u-1',
      resourceVersion: '17',
      labels: { app: 'gadgetron' },
      annotations: { 'deployment.kubernetes.io/revision': '3', note: 'kept' }
    },
    spec: {
      replicas: 2,
      template: {
        spec: {
          containers: [
            { name: 'gadgetron', image: 'gadgetron:4.7.2', args: ['-p', '9002'] },
            { name: 'sidecar', image: 'busybox:1' }
          ]
        }
      }
    },
    status: { readyReplicas: 2 },
    ...change
  } as KubernetesObject;
}

/** A custom resource: every field is kept as given. */
function widget(spec: unknown): KubernetesObject {
  return {
    apiVersion: 'example.com/v1',
    kind: 'Widget',
    metadata: { name: 'w' },
    spec
  } as KubernetesObject;
}

describe('comparable', () => {
  test('keeps what an object says: labels, annotations but the revision, and its spec', () => {
    expect(comparable(deployment())).toEqual({
      metadata: { labels: { app: 'gadgetron' }, annotations: { note: 'kept' } },
      spec: (deployment() as { spec?: unknown }).spec
    } as unknown as Record<string, unknown>);
  });

  test('an object without labels or annotations has empty ones', () => {
    expect(comparable({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } })).toEqual({
      metadata: { labels: {}, annotations: {} }
    });
    expect(comparable({ apiVersion: 'v1', kind: 'ConfigMap' })).toEqual({
      metadata: { labels: {}, annotations: {} }
    });
  });
});

describe('diffObject', () => {
  test('the same object, bookkeeping and status aside, has no differences', () => {
    const later = deployment({ status: { readyReplicas: 0 } });
    later.metadata = {
      ...later.metadata,
      resourceVersion: '18',
      annotations: { 'deployment.kubernetes.io/revision': '4', note: 'kept' }
    };
    expect(diffObject(deployment(), later)).toEqual([]);
  });

  test('containers are compared by name, whatever their order', () => {
    const before = deployment();
    const after = deployment({
      spec: {
        replicas: 3,
        template: {
          spec: {
            containers: [
              { name: 'sidecar', image: 'busybox:1' },
              { name: 'gadgetron', image: 'gadgetron:4.8.0', args: ['-p', '9002'] }
            ]
          }
        }
      }
    });
    expect(diffObject(before, after)).toEqual([
      { path: 'spec.replicas', before: 2, after: 3 },
      {
        path: 'spec.template.spec.containers[gadgetron].image',
        before: 'gadgetron:4.7.2',
        after: 'gadgetron:4.8.0'
      }
    ]);
  });

  test('fields added and removed, label keys quoted, fields in name order', () => {
    const before = deployment();
    const after = deployment({
      spec: { ...(deployment() as { spec: object }).spec, paused: true, minReadySeconds: 5 }
    });
    after.metadata = { ...after.metadata, labels: { 'app.kubernetes.io/name': 'gt' } };
    expect(diffObject(before, after)).toEqual([
      { path: 'metadata.labels.app', before: 'gadgetron', after: undefined },
      { path: 'metadata.labels["app.kubernetes.io/name"]', before: undefined, after: 'gt' },
      { path: 'spec.minReadySeconds', before: undefined, after: 5 },
      { path: 'spec.paused', before: undefined, after: true }
    ]);
    expect(diffObject(after, before)[0]).toEqual({
      path: 'metadata.labels.app',
      before: undefined,
      after: 'gadgetron'
    });
  });

  test('a named item added or removed is one change', () => {
    const one = deployment({
      spec: { template: { spec: { containers: [{ name: 'a', image: 'x' }] } } }
    });
    const two = deployment({
      spec: {
        template: {
          spec: {
            containers: [
              { name: 'a', image: 'x' },
              { name: 'b', image: 'y' }
            ]
          }
        }
      }
    });
    expect(diffObject(one, two)).toEqual([
      {
        path: 'spec.template.spec.containers[b]',
        before: undefined,
        after: { name: 'b', image: 'y' }
      }
    ]);
    expect(diffObject(two, one)).toEqual([
      {
        path: 'spec.template.spec.containers[b]',
        before: { name: 'b', image: 'y' },
        after: undefined
      }
    ]);
  });

  test('lists without distinct names: item by item when as long, else the whole list', () => {
    const args = (list: unknown[]): KubernetesObject =>
      deployment({ spec: { template: { spec: { containers: [{ name: 'g', args: list }] } } } });
    expect(diffObject(args(['-p', '9002']), args(['-p', '9003']))).toEqual([
      { path: 'spec.template.spec.containers[g].args[1]', before: '9002', after: '9003' }
    ]);
    expect(diffObject(args(['-p', '9002']), args(['-p', '9002', '-v']))).toEqual([
      {
        path: 'spec.template.spec.containers[g].args',
        before: ['-p', '9002'],
        after: ['-p', '9002', '-v']
      }
    ]);
    // Two items with one name are not told apart by name.
    const env = (list: unknown[]): KubernetesObject => widget({ env: list });
    expect(
      diffObject(
        env([
          { name: 'A', value: '1' },
          { name: 'A', value: '2' }
        ]),
        env([
          { name: 'A', value: '1' },
          { name: 'A', value: '3' }
        ])
      )
    ).toEqual([{ path: 'spec.env[1].value', before: '2', after: '3' }]);
    // A list that gains a second item of the same name is one change.
    expect(
      diffObject(env([{ name: 'A', value: '1' }]), env([{ name: 'A' }, { name: 'A' }]))
    ).toEqual([
      {
        path: 'spec.env',
        before: [{ name: 'A', value: '1' }],
        after: [{ name: 'A' }, { name: 'A' }]
      }
    ]);
    expect(
      diffObject(env([{ name: 'A' }, { name: 'A' }]), env([{ name: 'A', value: '1' }]))
    ).toEqual([
      {
        path: 'spec.env',
        before: [{ name: 'A' }, { name: 'A' }],
        after: [{ name: 'A', value: '1' }]
      }
    ]);
    // Items that are not objects, or whose name is not text, neither.
    expect(diffObject(env(['a', 'b']), env(['a', 'c']))).toEqual([
      { path: 'spec.env[1]', before: 'b', after: 'c' }
    ]);
    expect(
      diffObject(
        env([
          { name: 1, v: 'x' },
          { name: 2, v: 'y' }
        ]),
        env([
          { name: 1, v: 'x' },
          { name: 2, v: 'z' }
        ])
      )
    ).toEqual([{ path: 'spec.env[1].v', before: 'y', after: 'z' }]);
    expect(diffObject(env([null, 'b']), env([null, 'c']))).toEqual([
      { path: 'spec.env[1]', before: 'b', after: 'c' }
    ]);
  });

  test('a value that changes shape is one change', () => {
    const a = widget({ x: { y: 1 } });
    const b = widget({ x: [1] });
    expect(diffObject(a, b)).toEqual([{ path: 'spec.x', before: { y: 1 }, after: [1] }]);
    const c = widget({ x: null });
    expect(diffObject(a, c)).toEqual([{ path: 'spec.x', before: { y: 1 }, after: null }]);
    expect(diffObject(c, a)).toEqual([{ path: 'spec.x', before: null, after: { y: 1 } }]);
  });

  test('keys that are not plain names are quoted', () => {
    const a = widget({ '1x': 1, _ok9: 1, 'a-b': 1 });
    const b = widget({ '1x': 2, _ok9: 2, 'a-b': 2 });
    expect(diffObject(a, b).map(c => c.path)).toEqual(['spec["1x"]', 'spec._ok9', 'spec["a-b"]']);
  });
});

describe('formatChange', () => {
  test('before -> after, absent values as (none), text unquoted, others as JSON', () => {
    expect(formatChange({ path: 'spec.replicas', before: 2, after: 3 })).toBe(
      'spec.replicas: 2 -> 3'
    );
    expect(formatChange({ path: 'a', before: undefined, after: 'x' })).toBe('a: (none) -> x');
    expect(formatChange({ path: 'a', before: { b: [1] }, after: undefined })).toBe(
      'a: {"b":[1]} -> (none)'
    );
  });

  test('long values are cut to the limit with an ellipsis', () => {
    expect(formatValue('x'.repeat(120))).toBe('x'.repeat(120));
    expect(formatValue('x'.repeat(121))).toBe(`${'x'.repeat(119)}…`);
    expect(formatValue('abcdef', 4)).toBe('abc…');
    expect(formatValue('abcd', 4)).toBe('abcd');
    expect(formatChange({ path: 'p', before: 'abcdef', after: 'ab' }, 4)).toBe('p: abc… -> ab');
    expect(formatChange({ path: 'p', before: 'x'.repeat(121), after: 1 })).toBe(
      `p: ${'x'.repeat(119)}… -> 1`
    );
  });
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';

let cluster: TestCluster;
let core: k8s.CoreV1Api;
beforeAll(async () => {
  cluster = await useCluster();
  // A client of the namespace's own kubeconfig: through the proxy.
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  core = kc.makeApiClient(k8s.CoreV1Api);
});
afterAll(() => cluster.close());

const configMap = (name: string): k8s.V1ConfigMap => ({
  metadata: { name, namespace: cluster.namespace },
  data: { a: '1' }
});

async function failureOf(
  promise: Promise<unknown>
): Promise<{ code?: number; body?: string; headers?: Record<string, string> }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: number; body?: string; headers?: Record<string, string> };
  }
  throw new Error('expected the request to fail');
}

describe('the fault proxy in front of the real API server', () => {
  test('records each request by verb, resource, namespace and name', async () => {
    cluster.requests.length = 0;
    await core.createNamespacedConfigMap({ namespace: cluster.namespace, body: configMap('one') });
    await core.readNamespacedConfigMap({ namespace: cluster.namespace, name: 'one' });
    await core.listNamespacedConfigMap({ namespace: cluster.namespace });
    await core.deleteNamespacedConfigMap({ namespace: cluster.namespace, name: 'one' });
    expect(cluster.requests.map(r => [r.verb, r.resource, r.namespace, r.name, r.status])).toEqual([
      ['create', 'configmaps', cluster.namespace, undefined, 201],
      ['get', 'configmaps', cluster.namespace, 'one', 200],
      ['list', 'configmaps', cluster.namespace, undefined, 200],
      ['delete', 'configmaps', cluster.namespace, 'one', 200]
    ]);
  });

  test('injects 429 with Retry-After, then lets the request through', async () => {
    cluster.faults.inject({
      type: 'status',
      status: 429,
      retryAfterSeconds: 3,
      times: 1,
      match: { verb: 'list' }
    });
    const failure = await failureOf(core.listNamespacedConfigMap({ namespace: cluster.namespace }));
    expect(failure.code).toBe(429);
    expect(failure.headers?.['retry-after']).toBe('3');
    expect(JSON.parse(failure.body ?? '{}')).toMatchObject({
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 3 }
    });
    await expect(
      core.listNamespacedConfigMap({ namespace: cluster.namespace })
    ).resolves.toBeDefined();
  });

  test('injects 500 and 503 only where they match', async () => {
    cluster.faults.inject({
      type: 'status',
      status: 503,
      times: 1,
      match: { verb: 'get', resource: 'configmaps' }
    });
    cluster.faults.inject({ type: 'status', status: 500, times: 1, match: { verb: 'create' } });
    await expect(
      core.listNamespacedConfigMap({ namespace: cluster.namespace })
    ).resolves.toBeDefined();
    expect(
      (
        await failureOf(
          core.createNamespacedConfigMap({ namespace: cluster.namespace, body: configMap('two') })
        )
      ).code
    ).toBe(500);
    await core.createNamespacedConfigMap({ namespace: cluster.namespace, body: configMap('two') });
    expect(
      (await failureOf(core.readNamespacedConfigMap({ namespace: cluster.namespace, name: 'two' })))
        .code
    ).toBe(503);
    await expect(
      core.readNamespacedConfigMap({ namespace: cluster.namespace, name: 'two' })
    ).resolves.toBeDefined();
  });

  test('resets a connection', async () => {
    cluster.faults.inject({ type: 'reset', times: 1, match: { verb: 'list' } });
    const failure = await failureOf(core.listNamespacedConfigMap({ namespace: cluster.namespace }));
    expect(failure.code).toBeUndefined();
    expect(String(failure)).toMatch(/socket hang up|ECONNRESET|other side closed|fetch failed/);
  });

  test('closes a watch after the events it lets through, and answers a resume with 410 Gone', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(cluster.kubeconfigPath);
    const watch = new k8s.Watch(kc);
    const path = `/api/v1/namespaces/${cluster.namespace}/configmaps`;
    cluster.faults.inject({ type: 'watch-close', afterEvents: 1, times: 1 });
    const seen: string[] = [];
    const ended = new Promise<void>(resolve => {
      void watch.watch(
        path,
        {},
        (type, object: k8s.V1ConfigMap) => seen.push(`${type} ${object.metadata?.name}`),
        () => resolve()
      );
    });
    await ended;
    // The namespace holds kube-root-ca.crt and "two": the first ADDED passed, then the stream ended.
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatch(/^ADDED /);

    const list = await core.listNamespacedConfigMap({ namespace: cluster.namespace });
    cluster.faults.inject({ type: 'gone', times: 1 });
    const errors: unknown[] = [];
    await new Promise<void>(resolve => {
      void watch.watch(
        path,
        { resourceVersion: list.metadata?.resourceVersion },
        (type, object: { code?: number }) => {
          if (type === 'ERROR') errors.push(object.code);
        },
        () => resolve()
      );
    });
    expect(errors).toEqual([410]);
  });

  test('lets in only the holder of the namespace kubeconfig token', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: cluster.url, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'not-the-token' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x'
    });
    const stranger = kc.makeApiClient(k8s.CoreV1Api);
    expect(
      (await failureOf(stranger.listNamespacedConfigMap({ namespace: cluster.namespace }))).code
    ).toBe(401);
  });

  test('the API server refuses an unknown field under strict validation', async () => {
    // Raw JSON: the client's typed models would drop the unknown field before sending.
    const response = await fetch(
      `${cluster.url}/api/v1/namespaces/${cluster.namespace}/configmaps?fieldValidation=Strict`,
      {
        method: 'POST',
        headers: { Authorization: `Bearer ${cluster.token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: 'three' },
          spec: { foo: 1 }
        })
      }
    );
    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toContain(
      'strict decoding error: unknown field "spec"'
    );
  });
});

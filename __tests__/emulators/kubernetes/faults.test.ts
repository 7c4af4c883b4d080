import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { failure, startWithClients, waitFor } from './harness.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients();
});
afterAll(async () => {
  await c.emulator.close();
});

async function watchConfigMaps(query: Record<string, string> = {}) {
  const seen: {
    type: string;
    object: k8s.KubernetesObject & { code?: number; reason?: string };
  }[] = [];
  let ended: unknown = 'open';
  await new k8s.Watch(c.kc).watch(
    '/api/v1/namespaces/default/configmaps',
    query,
    (type, object) => seen.push({ type, object }),
    err => {
      ended = err ?? null;
    }
  );
  return { seen, ended: () => ended };
}

describe('fault injection', () => {
  test('429 with Retry-After, then normal service', async () => {
    c.emulator.faults.inject({
      type: 'status',
      status: 429,
      retryAfterSeconds: 2,
      times: 1,
      match: { resource: 'configmaps', verb: 'list' }
    });
    const err = await failure(c.core.listNamespacedConfigMap({ namespace: 'default' }));
    expect(err.code).toBe(429);
    expect(err.body).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', code: 429 });
    const res = await fetch(`${c.emulator.url}/api/v1/namespaces/default/configmaps`, {
      headers: { Authorization: 'Bearer emulator-token' }
    });
    expect(res.status).toBe(200);
    c.emulator.faults.inject({ type: 'status', status: 429, retryAfterSeconds: 3, times: 1 });
    const again = await fetch(`${c.emulator.url}/api/v1/namespaces`, {
      headers: { Authorization: 'Bearer emulator-token' }
    });
    expect(again.status).toBe(429);
    expect(again.headers.get('retry-after')).toBe('3');
    expect(c.emulator.requests.filter(r => r.status === 429)).toHaveLength(2);
  });

  test('500 and 503 answer Status objects only for matching requests', async () => {
    c.emulator.faults.inject({
      type: 'status',
      status: 503,
      times: 2,
      match: { method: 'POST', resource: 'configmaps' }
    });
    c.emulator.faults.inject({
      type: 'status',
      status: 500,
      times: 1,
      match: { pathIncludes: '/secrets' }
    });
    expect((await c.core.listNamespacedConfigMap({ namespace: 'default' })).items).toBeDefined();
    const first = await failure(
      c.core.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'f' } } })
    );
    expect(first.code).toBe(503);
    expect(first.body.reason).toBe('ServiceUnavailable');
    expect(
      (
        await failure(
          c.core.createNamespacedConfigMap({
            namespace: 'default',
            body: { metadata: { name: 'f' } }
          })
        )
      ).code
    ).toBe(503);
    await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'f' } }
    });
    const secret = await failure(c.core.listNamespacedSecret({ namespace: 'default' }));
    expect(secret.code).toBe(500);
    expect(secret.body.reason).toBe('InternalError');
  });

  test('reset destroys the connection without a response', async () => {
    c.emulator.faults.inject({
      type: 'reset',
      times: 1,
      match: { verb: 'get', resource: 'namespaces' }
    });
    await expect(c.core.readNamespace({ name: 'default' })).rejects.toThrow();
    expect((await c.core.readNamespace({ name: 'default' })).metadata?.name).toBe('default');
  });

  test('watch-close ends a watch after the given number of events', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'wc-1' } }
    });
    await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'wc-2' } }
    });
    c.emulator.faults.inject({
      type: 'watch-close',
      afterEvents: 1,
      times: 1,
      match: { resource: 'configmaps' }
    });
    const w = await watchConfigMaps();
    await waitFor(() => w.ended() !== 'open', 3000, 'watch end');
    expect(w.seen).toHaveLength(1);
    expect(w.ended()).toBeNull();
    const next = await watchConfigMaps();
    await waitFor(() => next.seen.length >= 3);
    expect(next.ended()).toBe('open');
  });

  test('gone answers a watch resume with 410 Expired', async () => {
    const rv = (await c.core.listNamespacedConfigMap({ namespace: 'default' })).metadata
      ?.resourceVersion as string;
    c.emulator.faults.inject({ type: 'gone', times: 1 });
    const w = await watchConfigMaps({ resourceVersion: rv });
    await waitFor(() => w.seen.length >= 1);
    expect(w.seen[0]?.type).toBe('ERROR');
    expect(w.seen[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    const ok = await watchConfigMaps({ resourceVersion: rv });
    await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'after-gone' } }
    });
    await waitFor(() =>
      ok.seen.some(s => s.type === 'ADDED' && s.object.metadata?.name === 'after-gone')
    );
  });

  test('clear removes pending faults', async () => {
    c.emulator.faults.inject({ type: 'status', status: 500, times: 5 });
    c.emulator.faults.clear();
    expect((await c.core.readNamespace({ name: 'default' })).metadata?.name).toBe('default');
  });
});

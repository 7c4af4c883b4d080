import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import type { Clients } from './harness.ts';
import { startWithClients, waitFor } from './harness.ts';

let c: Clients;
beforeAll(async () => {
  c = await startWithClients({ watchHistorySize: 50 });
});
afterAll(async () => {
  await c.emulator.close();
});

interface Seen {
  type: string;
  name: string | undefined;
  object: k8s.KubernetesObject & { code?: number; reason?: string };
}

async function watch(path: string, query: Record<string, string>) {
  const seen: Seen[] = [];
  let ended: unknown = 'open';
  const controller = await new k8s.Watch(c.kc).watch(
    path,
    query,
    (type, object: Seen['object']) => seen.push({ type, name: object.metadata?.name, object }),
    err => {
      ended = err ?? null;
    }
  );
  return { seen, controller, ended: () => ended };
}

const cm = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels } });

describe('watch', () => {
  test('streams ADDED, MODIFIED and DELETED for matching objects', async () => {
    const w = await watch('/api/v1/namespaces/default/configmaps', { labelSelector: 'team=a' });
    await c.core.createNamespacedConfigMap({ namespace: 'default', body: cm('w1', { team: 'a' }) });
    await c.core.createNamespacedConfigMap({ namespace: 'default', body: cm('w2', { team: 'b' }) });
    await c.core.patchNamespacedConfigMap(
      { name: 'w1', namespace: 'default', body: { data: { x: '1' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch)
    );
    await c.core.deleteNamespacedConfigMap({ name: 'w1', namespace: 'default' });
    await waitFor(() => w.seen.length >= 3);
    expect(w.seen.map(s => `${s.type} ${s.name}`)).toEqual([
      'ADDED w1',
      'MODIFIED w1',
      'DELETED w1'
    ]);
    w.controller.abort();
  });

  test('without a resourceVersion the current objects arrive as ADDED first', async () => {
    await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('existing', { initial: 'yes' })
    });
    const w = await watch('/api/v1/namespaces/default/configmaps', { labelSelector: 'initial' });
    await waitFor(() => w.seen.length >= 1);
    expect(w.seen[0]).toMatchObject({ type: 'ADDED', name: 'existing' });
    expect(w.seen[0]?.object.kind).toBe('ConfigMap');
    w.controller.abort();
  });

  test('a fieldSelector on metadata.name watches one object', async () => {
    const w = await watch('/api/v1/namespaces/default/configmaps', {
      fieldSelector: 'metadata.name=only-me'
    });
    await c.core.createNamespacedConfigMap({ namespace: 'default', body: cm('not-me') });
    await c.core.createNamespacedConfigMap({ namespace: 'default', body: cm('only-me') });
    await waitFor(() => w.seen.length >= 1);
    await new Promise(r => setTimeout(r, 30));
    expect(w.seen.map(s => s.name)).toEqual(['only-me']);
    w.controller.abort();
  });

  test('resuming from a resourceVersion replays later events', async () => {
    const list = await c.core.listNamespacedConfigMap({ namespace: 'default' });
    const rv = list.metadata?.resourceVersion as string;
    await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('after-1', { resume: 'x' })
    });
    await c.core.createNamespacedConfigMap({
      namespace: 'default',
      body: cm('after-2', { resume: 'x' })
    });
    const w = await watch('/api/v1/namespaces/default/configmaps', {
      resourceVersion: rv,
      labelSelector: 'resume'
    });
    await waitFor(() => w.seen.length >= 2);
    expect(w.seen.map(s => `${s.type} ${s.name}`)).toEqual(['ADDED after-1', 'ADDED after-2']);
    expect(Number(w.seen[0]?.object.metadata?.resourceVersion)).toBeGreaterThan(Number(rv));
    w.controller.abort();
  });

  test('a compacted resourceVersion answers an ERROR event with 410 Expired', async () => {
    const oldRv = (await c.core.listNamespacedConfigMap({ namespace: 'default' })).metadata
      ?.resourceVersion as string;
    for (let i = 0; i < 60; i++) {
      await c.core.createNamespacedConfigMap({ namespace: 'default', body: cm(`churn-${i}`) });
    }
    const w = await watch('/api/v1/namespaces/default/configmaps', { resourceVersion: oldRv });
    await waitFor(() => w.seen.length >= 1);
    expect(w.seen[0]?.type).toBe('ERROR');
    expect(w.seen[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    await waitFor(() => w.ended() !== 'open', 2000, 'stream end');
  });

  test('bookmarks carry the current resourceVersion', async () => {
    const w = await watch('/apis/apps/v1/namespaces/default/deployments', {
      allowWatchBookmarks: 'true'
    });
    await waitFor(() => w.seen.some(s => s.type === 'BOOKMARK'), 3000, 'bookmark');
    const bookmark = w.seen.find(s => s.type === 'BOOKMARK');
    expect(Number(bookmark?.object.metadata?.resourceVersion)).toBeGreaterThan(0);
    w.controller.abort();
  });

  test('timeoutSeconds ends the stream', async () => {
    const w = await watch('/api/v1/namespaces/default/secrets', { timeoutSeconds: '1' });
    await waitFor(() => w.ended() !== 'open', 3000, 'timeout');
    expect(w.ended()).toBeNull();
  });

  test('an informer lists, watches and sees new objects', async () => {
    const informer = k8s.makeInformer(c.kc, '/api/v1/namespaces/default/services', () =>
      c.core.listNamespacedService({ namespace: 'default' })
    );
    const added: string[] = [];
    informer.on('add', obj => added.push(obj.metadata?.name ?? ''));
    await informer.start();
    await c.core.createNamespacedService({
      namespace: 'default',
      body: { metadata: { name: 'informed' }, spec: { ports: [{ port: 80 }] } }
    });
    await waitFor(() => added.includes('informed'));
    await informer.stop();
  });
});

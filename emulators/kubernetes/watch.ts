import type { ServerResponse } from 'node:http';
import { statusObject } from './errors.ts';
import type { ResourceType } from './resources.ts';
import { apiVersionOf, resourceKey } from './resources.ts';
import type { Matcher } from './selectors.ts';
import type { Store, StoreEvent } from './store.ts';
import type { KubeObject } from './types.ts';

export interface WatchRequest {
  resource: ResourceType;
  namespace: string | undefined;
  match: Matcher;
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean;
  timeoutSeconds: number | undefined;
  /** End the stream after this many events (fault injection). */
  closeAfterEvents: number | undefined;
  bookmarkIntervalMs: number;
}

function withType(resource: ResourceType, obj: KubeObject): KubeObject {
  return { apiVersion: apiVersionOf(resource), kind: resource.kind, ...obj };
}

/** Writes the 410 ERROR event real servers send for a compacted resourceVersion. */
export function writeGone(res: ServerResponse, message: string): void {
  res.writeHead(200, { 'Content-Type': 'application/json' });
  const status = statusObject(410, 'Expired', message);
  res.end(JSON.stringify({ type: 'ERROR', object: status }) + '\n');
}

/** Streams watch events as newline-delimited JSON until the client or the server ends it. */
export function serveWatch(
  res: ServerResponse,
  store: Store,
  req: WatchRequest,
  onEnd: (end: () => void) => () => void
): void {
  const { resource } = req;
  let sent = 0;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => {};
  let unregister = (): void => {};

  const end = (): void => {
    if (ended) return;
    ended = true;
    unsubscribe();
    unregister();
    for (const t of timers) clearTimeout(t);
    res.end();
  };

  const write = (type: string, object: KubeObject, counts = true): void => {
    if (ended) return;
    res.write(JSON.stringify({ type, object }) + '\n');
    if (counts) {
      sent++;
      if (req.closeAfterEvents !== undefined && sent >= req.closeAfterEvents) end();
    }
  };

  const bookmark = (initialEnd: boolean): void => {
    const metadata: KubeObject = { resourceVersion: String(store.currentRv) };
    if (initialEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' };
    write('BOOKMARK', { apiVersion: apiVersionOf(resource), kind: resource.kind, metadata }, false);
  };

  const inScope = (obj: KubeObject | undefined): boolean =>
    !!obj &&
    (req.namespace === undefined || obj.metadata?.namespace === req.namespace) &&
    req.match(obj);

  const deliver = (event: StoreEvent): void => {
    if (resourceKey(event.resource) !== resourceKey(resource)) return;
    const now = inScope(event.object);
    if (event.type === 'MODIFIED') {
      const before = inScope(event.previous);
      if (now && !before) write('ADDED', withType(resource, event.object));
      else if (!now && before) write('DELETED', withType(resource, event.object));
      else if (now) write('MODIFIED', withType(resource, event.object));
      return;
    }
    if (now) write(event.type, withType(resource, event.object));
  };

  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  res.on('close', end);
  unregister = onEnd(end);
  if (req.closeAfterEvents === 0) {
    end();
    return;
  }

  const rv = req.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    for (const obj of store.list(resource, req.namespace)) {
      if (req.match(obj)) write('ADDED', withType(resource, obj));
    }
    if (req.sendInitialEvents && req.allowBookmarks) bookmark(true);
  } else {
    const n = Number(rv);
    const events = Number.isFinite(n) ? store.eventsAfter(resource, n) : 'expired';
    if (events === 'expired') {
      const status = statusObject(
        410,
        'Expired',
        `too old resource version: ${rv} (${store.compactedRv + 1})`
      );
      write('ERROR', status);
      end();
      return;
    }
    for (const e of events) deliver(e);
  }
  if (ended) return;
  unsubscribe = store.subscribe(deliver);
  if (req.allowBookmarks) {
    const tick = (): void => {
      bookmark(false);
      timers[0] = setTimeout(tick, req.bookmarkIntervalMs);
    };
    timers[0] = setTimeout(tick, req.bookmarkIntervalMs);
  }
  if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
    timers[1] = setTimeout(end, req.timeoutSeconds * 1000);
  }
}

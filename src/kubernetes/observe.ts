import type { KubernetesListObject, KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from './connect.ts';
import { statusCode } from './errors.ts';
import { DEFAULT_RETRY, retryDelay, settledOrAfter } from './retry.ts';

export interface Selection {
  readonly apiVersion: string;
  readonly kind: string;
  /** The collection's URL path, e.g. /apis/apps/v1/namespaces/ns/deployments. */
  readonly path: string;
  readonly namespace: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
}

export interface Observation {
  /** Stops watching; resolves once the stream is closed. */
  stop(): Promise<void>;
}

/**
 * Keeps an up-to-date view of the selected objects: one list, then a watch from its
 * resourceVersion. A stream that ends is resumed where it stopped; one the server no longer
 * remembers (410 Gone) starts over with a fresh list. `onChange` sees the whole view each time.
 */
export function observe<T extends KubernetesObject>(
  client: KubeClient,
  selection: Selection,
  onChange: (objects: ReadonlyMap<string, T>) => void,
  onTrouble: (message: string) => void = () => {}
): Observation {
  const objects = new Map<string, T>();
  let stopped = false;
  let abort: AbortController | undefined;
  let wake: (() => void) | undefined;

  const list = async (): Promise<string> => {
    const result = (await client.objects.list(
      selection.apiVersion,
      selection.kind,
      selection.namespace,
      undefined,
      undefined,
      undefined,
      selection.fieldSelector,
      selection.labelSelector
    )) as KubernetesListObject<T>;
    objects.clear();
    for (const item of result.items) objects.set(item.metadata?.name ?? '', item);
    onChange(objects);
    return result.metadata?.resourceVersion ?? '';
  };

  const watchOnce = (
    resourceVersion: string
  ): Promise<{ resourceVersion: string; gone: boolean }> =>
    new Promise(resolve => {
      let latest = resourceVersion;
      let gone = false;
      const query: Record<string, string | boolean> = {
        resourceVersion,
        allowWatchBookmarks: true
      };
      if (selection.labelSelector) query.labelSelector = selection.labelSelector;
      if (selection.fieldSelector) query.fieldSelector = selection.fieldSelector;
      client.watcher
        .watch(
          selection.path,
          query,
          (type, object: T & { code?: number }) => {
            if (type === 'ERROR') {
              if (object.code === 410) gone = true;
              return;
            }
            latest = object.metadata?.resourceVersion ?? latest;
            if (type === 'BOOKMARK') return;
            const name = object.metadata?.name ?? '';
            if (type === 'DELETED') objects.delete(name);
            else objects.set(name, object);
            onChange(objects);
          },
          error => {
            if (error && statusCode(error) === 410) gone = true;
            resolve({ resourceVersion: latest, gone });
          }
        )
        .then(
          controller => {
            abort = controller;
            if (stopped) controller.abort();
          },
          error => resolve({ resourceVersion: latest, gone: statusCode(error) === 410 })
        );
    });

  const loop = async (): Promise<void> => {
    let resourceVersion = '';
    let failures = 0;
    while (!stopped) {
      try {
        if (!resourceVersion) resourceVersion = await list();
        failures = 0;
        const result = await watchOnce(resourceVersion);
        if (stopped) break;
        if (result.gone) {
          onTrouble(`watch of ${selection.kind} expired; listing again`);
          resourceVersion = '';
        } else {
          resourceVersion = result.resourceVersion;
        }
      } catch (error) {
        failures++;
        const delay =
          retryDelay(error, failures, DEFAULT_RETRY) ?? Math.min(10_000, 500 * failures);
        onTrouble(
          `listing ${selection.kind} failed (${error instanceof Error ? error.message : error}); retrying`
        );
        await settledOrAfter(
          new Promise<void>(resolve => {
            wake = resolve;
          }),
          delay
        );
      }
    }
  };

  const running = loop();
  return {
    async stop() {
      stopped = true;
      abort?.abort();
      wake?.();
      await running;
    }
  };
}

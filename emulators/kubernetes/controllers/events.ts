import { randomBytes, randomUUID } from 'node:crypto';
import { mustFind } from '../resources.ts';
import type { Store } from '../store.ts';
import type { KubeObject } from '../types.ts';

function now(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Writes core/v1 Events, folding repeats into `count` like the real event recorder. */
export class EventRecorder {
  readonly #store: Store;
  readonly #events = mustFind('v1', 'Event');
  readonly #namespaces = mustFind('v1', 'Namespace');

  constructor(store: Store) {
    this.#store = store;
  }

  record(
    involved: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    component: string,
    fieldPath?: string
  ): void {
    const namespace = String(involved.metadata?.namespace ?? 'default');
    const ns = this.#store.get(this.#namespaces, undefined, namespace);
    if (!ns || ns.metadata.deletionTimestamp) return;
    const uid = String(involved.metadata?.uid ?? '');
    const existing = this.#store
      .list(this.#events, namespace)
      .find(
        e =>
          e.involvedObject?.uid === uid &&
          e.reason === reason &&
          e.message === message &&
          e.source?.component === component
      );
    if (existing) {
      existing.count = Number(existing.count ?? 1) + 1;
      existing.lastTimestamp = now();
      this.#store.update(this.#events, existing);
      return;
    }
    const involvedObject: KubeObject = {
      kind: involved.kind,
      namespace: involved.metadata?.namespace,
      name: involved.metadata?.name,
      uid,
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata?.resourceVersion
    };
    if (fieldPath) involvedObject.fieldPath = fieldPath;
    this.#store.create(this.#events, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: {
        name: `${String(involved.metadata?.name)}.${randomBytes(8).toString('hex')}`,
        namespace,
        uid: randomUUID(),
        creationTimestamp: now()
      },
      involvedObject,
      reason,
      message,
      source: { component },
      firstTimestamp: now(),
      lastTimestamp: now(),
      count: 1,
      type,
      eventTime: null,
      reportingComponent: component,
      reportingInstance: ''
    });
  }
}

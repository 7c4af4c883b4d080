import type { ResourceType } from './resources.ts';
import { resourceKey } from './resources.ts';
import type { KubeObject } from './types.ts';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  resource: ResourceType;
  object: KubeObject;
  /** The object before a MODIFIED event, so watches with selectors can tell enter/leave. */
  previous?: KubeObject;
  rv: number;
}

type Listener = (event: StoreEvent) => void;

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

/**
 * Objects by resource type with one global resourceVersion counter and a bounded
 * event history for watch resumption. Everything in and out is a copy.
 */
export class Store {
  readonly #data = new Map<string, Map<string, KubeObject>>();
  readonly #history: StoreEvent[] = [];
  readonly #historySize: number;
  readonly #listeners = new Set<Listener>();
  #rv = 1000;
  /** Events with a resourceVersion above this are still in the history. */
  #compactedRv = 1000;

  constructor(historySize: number) {
    this.#historySize = historySize;
  }

  get currentRv(): number {
    return this.#rv;
  }

  #bucket(resource: ResourceType): Map<string, KubeObject> {
    const key = resourceKey(resource);
    let bucket = this.#data.get(key);
    if (!bucket) {
      bucket = new Map();
      this.#data.set(key, bucket);
    }
    return bucket;
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject | undefined {
    const obj = this.#bucket(resource).get(
      objectKey(resource.namespaced ? namespace : undefined, name)
    );
    return obj ? structuredClone(obj) : undefined;
  }

  list(resource: ResourceType, namespace?: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const obj of this.#bucket(resource).values()) {
      if (namespace === undefined || obj.metadata.namespace === namespace) {
        out.push(structuredClone(obj));
      }
    }
    return out.sort((a, b) =>
      objectKey(a.metadata.namespace, a.metadata.name).localeCompare(
        objectKey(b.metadata.namespace, b.metadata.name)
      )
    );
  }

  /** Stores a new object; the caller has checked that it does not exist. */
  create(resource: ResourceType, obj: KubeObject): KubeObject {
    return this.#write(resource, obj, 'ADDED', undefined);
  }

  update(resource: ResourceType, obj: KubeObject): KubeObject {
    const previous = this.#bucket(resource).get(
      objectKey(obj.metadata.namespace, obj.metadata.name)
    );
    return this.#write(resource, obj, 'MODIFIED', previous);
  }

  remove(
    resource: ResourceType,
    namespace: string | undefined,
    name: string
  ): KubeObject | undefined {
    const bucket = this.#bucket(resource);
    const key = objectKey(resource.namespaced ? namespace : undefined, name);
    const existing = bucket.get(key);
    if (!existing) return undefined;
    bucket.delete(key);
    const rv = ++this.#rv;
    const object = structuredClone(existing);
    object.metadata.resourceVersion = String(rv);
    this.#emit({ type: 'DELETED', resource, object, rv });
    return structuredClone(object);
  }

  #write(
    resource: ResourceType,
    obj: KubeObject,
    type: WatchEventType,
    previous: KubeObject | undefined
  ): KubeObject {
    const rv = ++this.#rv;
    const stored = structuredClone(obj);
    stored.metadata.resourceVersion = String(rv);
    this.#bucket(resource).set(objectKey(stored.metadata.namespace, stored.metadata.name), stored);
    const event: StoreEvent = { type, resource, object: structuredClone(stored), rv };
    if (previous) event.previous = structuredClone(previous);
    this.#emit(event);
    return structuredClone(stored);
  }

  #emit(event: StoreEvent): void {
    this.#history.push(event);
    while (this.#history.length > this.#historySize) {
      const dropped = this.#history.shift();
      if (dropped) this.#compactedRv = dropped.rv;
    }
    for (const listener of [...this.#listeners]) listener(event);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Events of one resource type after `rv`, or 'expired' when they were compacted away. */
  eventsAfter(resource: ResourceType, rv: number): StoreEvent[] | 'expired' {
    if (rv < this.#compactedRv) return 'expired';
    const key = resourceKey(resource);
    return this.#history.filter(e => e.rv > rv && resourceKey(e.resource) === key);
  }

  get compactedRv(): number {
    return this.#compactedRv;
  }
}

import type { Connections } from '../connections.ts';
import { ApiError } from '../errors.ts';
import type { Images } from '../images.ts';
import type { Addresses } from '../ipam.ts';
import type { Operations } from '../operations.ts';
import type { Store } from '../store.ts';
import type { Settings, TimelineType } from '../types.ts';
import type { EventRecorder } from './events.ts';

/** setTimeout with bookkeeping so that closing the emulator stops every pending timer. */
export class Timers {
  readonly #pending = new Set<NodeJS.Timeout>();
  #closed = false;

  after(ms: number, fn: () => void): () => void {
    if (this.#closed) return () => {};
    const timer = setTimeout(
      () => {
        this.#pending.delete(timer);
        fn();
      },
      Math.max(0, ms)
    );
    this.#pending.add(timer);
    return () => {
      clearTimeout(timer);
      this.#pending.delete(timer);
    };
  }

  get closed(): boolean {
    return this.#closed;
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#pending) clearTimeout(t);
    this.#pending.clear();
  }
}

/**
 * Coalescing work queue: keys added while a key is pending run once, on a later turn
 * of the event loop. Optimistic-concurrency conflicts are retried shortly after.
 */
export class WorkQueue {
  readonly #pending = new Set<string>();
  readonly #handler: (key: string) => void;
  readonly #timers: Timers;
  #scheduled = false;

  constructor(timers: Timers, handler: (key: string) => void) {
    this.#timers = timers;
    this.#handler = handler;
  }

  add(key: string): void {
    this.#pending.add(key);
    if (this.#scheduled) return;
    this.#scheduled = true;
    this.#timers.after(0, () => this.#drain());
  }

  addAfter(ms: number, key: string): void {
    this.#timers.after(ms, () => this.add(key));
  }

  #drain(): void {
    this.#scheduled = false;
    const keys = [...this.#pending];
    this.#pending.clear();
    for (const key of keys) {
      if (this.#timers.closed) return;
      try {
        this.#handler(key);
      } catch (e) {
        if (e instanceof ApiError && (e.code === 409 || e.code === 404)) {
          this.addAfter(5, key);
        } else if (e instanceof ApiError && e.code === 403) {
          // The namespace is terminating; its contents are being removed anyway.
        } else {
          console.error(`kubernetes emulator: controller failed for ${key}`, e);
        }
      }
    }
  }
}

export interface ControllerContext {
  store: Store;
  ops: Operations;
  settings: Settings;
  timers: Timers;
  events: EventRecorder;
  addresses: Addresses;
  connections: Connections;
  images: Images;
  timeline: (type: TimelineType, namespace: string, name: string, detail?: string) => void;
}

export const CONTROLLER_MANAGER = 'kube-controller-manager';

export function nowIso(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** "namespace/name" work queue keys. */
export function keyOf(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return [key.slice(0, i), key.slice(i + 1)];
}

/** Whether `obj` is controlled by the object with `uid`. */
export function controlledBy(
  obj: { metadata?: { ownerReferences?: { uid: string; controller?: boolean }[] } },
  uid: string
): boolean {
  return (obj.metadata?.ownerReferences ?? []).some(
    ref => ref.uid === uid && ref.controller === true
  );
}

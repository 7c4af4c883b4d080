import { RESOURCES } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerContext } from './runtime.ts';
import { WorkQueue } from './runtime.ts';

/** Deletes objects whose owners (by ownerReferences uid) are all gone. */
export class GarbageCollector {
  readonly #ctx: ControllerContext;
  readonly #queue: WorkQueue;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.timers, () => this.#collect());
  }

  start(): void {
    this.#ctx.store.subscribe(event => {
      if (event.type === 'DELETED') this.#queue.add('collect');
    });
  }

  #collect(): void {
    const live = new Set<string>();
    const all: { resource: (typeof RESOURCES)[number]; obj: KubeObject }[] = [];
    for (const resource of RESOURCES) {
      for (const obj of this.#ctx.store.list(resource)) {
        live.add(String(obj.metadata.uid));
        all.push({ resource, obj });
      }
    }
    for (const { resource, obj } of all) {
      const refs = (obj.metadata.ownerReferences ?? []) as KubeObject[];
      if (refs.length === 0 || obj.metadata.deletionTimestamp) continue;
      if (refs.some(ref => live.has(String(ref.uid)))) continue;
      this.#ctx.ops.delete(resource, obj.metadata.namespace, obj.metadata.name, {});
    }
  }
}

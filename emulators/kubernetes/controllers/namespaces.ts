import { RESOURCES, mustFind } from '../resources.ts';
import type { ControllerContext } from './runtime.ts';
import { CONTROLLER_MANAGER, WorkQueue } from './runtime.ts';

/** Gives new namespaces a default ServiceAccount and empties terminating ones before removal. */
export class NamespaceController {
  readonly #ctx: ControllerContext;
  readonly #namespaces = mustFind('v1', 'Namespace');
  readonly #serviceAccounts = mustFind('v1', 'ServiceAccount');
  readonly #queue: WorkQueue;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.timers, name => this.#reconcile(name));
  }

  start(): void {
    this.#ctx.store.subscribe(event => {
      if (event.resource === this.#namespaces) {
        if (event.type !== 'DELETED') this.#queue.add(event.object.metadata.name);
      } else if (event.type === 'DELETED' && event.resource.namespaced) {
        const ns = this.#ctx.store.get(
          this.#namespaces,
          undefined,
          event.object.metadata.namespace
        );
        if (ns?.metadata.deletionTimestamp) this.#queue.add(ns.metadata.name);
      }
    });
  }

  #reconcile(name: string): void {
    const ns = this.#ctx.store.get(this.#namespaces, undefined, name);
    if (!ns) return;
    if (!ns.metadata.deletionTimestamp) {
      if (!ns.status?.phase) {
        ns.status = { phase: 'Active' };
        this.#ctx.store.update(this.#namespaces, ns);
      }
      if (!this.#ctx.store.get(this.#serviceAccounts, name, 'default')) {
        this.#ctx.ops.create(
          this.#serviceAccounts,
          name,
          { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } },
          { manager: CONTROLLER_MANAGER }
        );
      }
      return;
    }
    let remaining = 0;
    for (const resource of RESOURCES.filter(r => r.namespaced)) {
      for (const obj of this.#ctx.store.list(resource, name)) {
        remaining++;
        if (!obj.metadata.deletionTimestamp) {
          this.#ctx.ops.delete(resource, name, obj.metadata.name, {});
        }
      }
    }
    if (remaining === 0) this.#ctx.store.remove(this.#namespaces, undefined, name);
    else this.#queue.addAfter(20, name);
  }
}

import { deepEqual } from '../fieldpaths.ts';
import { mustFind } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { compareRanks, deletionRank, isActivePod, isPodReady } from './pod-status.ts';
import type { ControllerContext } from './runtime.ts';
import { CONTROLLER_MANAGER, WorkQueue, controlledBy, keyOf, splitKey } from './runtime.ts';

/** Keeps the number of pods of each ReplicaSet at spec.replicas and reports status. */
export class ReplicaSetController {
  readonly #ctx: ControllerContext;
  readonly #replicaSets = mustFind('apps/v1', 'ReplicaSet');
  readonly #pods = mustFind('v1', 'Pod');
  readonly #queue: WorkQueue;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.timers, key => this.#reconcile(key));
  }

  start(): void {
    this.#ctx.store.subscribe(event => {
      const md = event.object.metadata;
      if (event.resource === this.#replicaSets && event.type !== 'DELETED') {
        this.#queue.add(keyOf(md.namespace, md.name));
      } else if (event.resource === this.#pods) {
        for (const ref of (md.ownerReferences ?? []) as KubeObject[]) {
          if (ref.kind === 'ReplicaSet' && ref.controller)
            this.#queue.add(keyOf(md.namespace, ref.name));
        }
      }
    });
  }

  podsOf(rs: KubeObject): KubeObject[] {
    return this.#ctx.store
      .list(this.#pods, rs.metadata.namespace)
      .filter(p => controlledBy(p, rs.metadata.uid));
  }

  #reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const rs = this.#ctx.store.get(this.#replicaSets, namespace, name);
    if (!rs || rs.metadata.deletionTimestamp) return;
    const active = this.podsOf(rs).filter(isActivePod);
    const desired = Number(rs.spec.replicas ?? 1);
    if (active.length < desired) {
      for (let i = active.length; i < desired; i++) this.#createPod(rs);
    } else if (active.length > desired) {
      const victims = [...active].sort((a, b) => compareRanks(deletionRank(a), deletionRank(b)));
      for (const pod of victims.slice(0, active.length - desired)) {
        this.#ctx.ops.delete(this.#pods, namespace, pod.metadata.name, {});
        this.#ctx.events.record(
          rs,
          'Normal',
          'SuccessfulDelete',
          `Deleted pod: ${String(pod.metadata.name)}`,
          'replicaset-controller'
        );
      }
    }
    this.#updateStatus(namespace, name);
  }

  #createPod(rs: KubeObject): void {
    const template = structuredClone(rs.spec.template ?? {});
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        ...(template.metadata ?? {}),
        generateName: `${String(rs.metadata.name)}-`,
        namespace: rs.metadata.namespace,
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name,
            uid: rs.metadata.uid,
            controller: true,
            blockOwnerDeletion: true
          }
        ]
      },
      spec: template.spec
    };
    delete pod.metadata.name;
    const created = this.#ctx.ops.create(this.#pods, rs.metadata.namespace, pod, {
      manager: CONTROLLER_MANAGER
    });
    this.#ctx.events.record(
      rs,
      'Normal',
      'SuccessfulCreate',
      `Created pod: ${String(created.metadata.name)}`,
      'replicaset-controller'
    );
  }

  #updateStatus(namespace: string, name: string): void {
    const rs = this.#ctx.store.get(this.#replicaSets, namespace, name);
    if (!rs) return;
    const active = this.podsOf(rs).filter(isActivePod);
    const ready = active.filter(isPodReady).length;
    const status: KubeObject = {
      replicas: active.length,
      fullyLabeledReplicas: active.length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation
    };
    if (deepEqual(status, rs.status)) return;
    rs.status = status;
    this.#ctx.store.update(this.#replicaSets, rs);
  }
}

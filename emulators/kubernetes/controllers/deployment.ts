import { deepEqual } from '../fieldpaths.ts';
import { mustFind } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { scaledMs } from '../types.ts';
import { isActivePod, isPodReady } from './pod-status.ts';
import {
  REVISION,
  revisionOf,
  surgeAndUnavailable,
  templateHash,
  templateWithoutHash
} from './rollout.ts';
import type { ControllerContext } from './runtime.ts';
import { CONTROLLER_MANAGER, WorkQueue, controlledBy, keyOf, nowIso, splitKey } from './runtime.ts';

interface Observed {
  deployment: KubeObject;
  newRS: KubeObject;
  oldRSs: KubeObject[];
  pods: Map<string, KubeObject[]>;
}

const COMPONENT = 'deployment-controller';

/**
 * Rolls Deployments out through ReplicaSets (RollingUpdate with maxSurge/maxUnavailable,
 * or Recreate), keeps revisions, and reports status and the Available/Progressing
 * conditions including ProgressDeadlineExceeded.
 */
export class DeploymentController {
  readonly #ctx: ControllerContext;
  readonly #deployments = mustFind('apps/v1', 'Deployment');
  readonly #replicaSets = mustFind('apps/v1', 'ReplicaSet');
  readonly #pods = mustFind('v1', 'Pod');
  readonly #queue: WorkQueue;
  /** When each deployment (by uid) last made rollout progress, in performance.now() ms. */
  readonly #progressAt = new Map<string, number>();
  readonly #deadlineTimers = new Map<string, () => void>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.timers, key => this.#reconcile(key));
  }

  start(): void {
    this.#ctx.store.subscribe(event => {
      const md = event.object.metadata;
      if (event.resource === this.#deployments) {
        if (event.type === 'DELETED') {
          this.#progressAt.delete(md.uid);
          this.#deadlineTimers.get(md.uid)?.();
          this.#deadlineTimers.delete(md.uid);
        } else {
          this.#queue.add(keyOf(md.namespace, md.name));
        }
      } else if (event.resource === this.#replicaSets) {
        this.#enqueueOwner(md.namespace, md.ownerReferences);
      } else if (event.resource === this.#pods) {
        for (const ref of (md.ownerReferences ?? []) as KubeObject[]) {
          if (ref.kind !== 'ReplicaSet') continue;
          const rs = this.#ctx.store.get(this.#replicaSets, md.namespace, ref.name);
          if (rs) this.#enqueueOwner(md.namespace, rs.metadata.ownerReferences);
        }
      }
    });
  }

  #enqueueOwner(namespace: string, refs: KubeObject[] | undefined): void {
    for (const ref of refs ?? []) {
      if (ref.kind === 'Deployment' && ref.controller) this.#queue.add(keyOf(namespace, ref.name));
    }
  }

  #reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const d = this.#ctx.store.get(this.#deployments, namespace, name);
    if (!d || d.metadata.deletionTimestamp) return;
    const replicaSets = this.#ctx.store
      .list(this.#replicaSets, namespace)
      .filter(rs => controlledBy(rs, d.metadata.uid));
    const allPods = this.#ctx.store.list(this.#pods, namespace);
    const pods = new Map<string, KubeObject[]>(
      replicaSets.map(rs => [
        rs.metadata.uid,
        allPods.filter(p => controlledBy(p, rs.metadata.uid))
      ])
    );
    const template = d.spec.template;
    let newRS = replicaSets.find(rs => deepEqual(templateWithoutHash(rs.spec.template), template));
    const maxRevision = Math.max(0, ...replicaSets.map(revisionOf));
    let progressEvent: { reason: string; message: string } | undefined;
    if (!newRS) {
      newRS = this.#createReplicaSet(d, replicaSets, pods, maxRevision + 1);
      pods.set(newRS.metadata.uid, []);
      progressEvent = {
        reason: 'NewReplicaSetCreated',
        message: `Created new replica set "${String(newRS.metadata.name)}"`
      };
    } else if (revisionOf(newRS) < maxRevision || revisionOf(newRS) === 0) {
      newRS.metadata.annotations = {
        ...newRS.metadata.annotations,
        [REVISION]: String(maxRevision + 1)
      };
      newRS = this.#ctx.ops.replace(this.#replicaSets, namespace, newRS.metadata.name, newRS, {
        manager: CONTROLLER_MANAGER
      });
      progressEvent = {
        reason: 'FoundNewReplicaSet',
        message: `Found new replica set "${String(newRS.metadata.name)}"`
      };
    }
    if (progressEvent) this.#progressAt.set(d.metadata.uid, performance.now());
    const rsNew = newRS as KubeObject;
    this.#syncRevisionAnnotation(d, revisionOf(rsNew));
    const observed: Observed = {
      deployment: d,
      newRS: rsNew,
      oldRSs: replicaSets.filter(rs => rs.metadata.uid !== rsNew.metadata.uid),
      pods
    };
    if (d.spec.strategy?.type === 'Recreate') this.#recreate(observed);
    else this.#rollingUpdate(observed);
    this.#cleanupHistory(observed);
    this.#updateStatus(observed, progressEvent);
  }

  #createReplicaSet(
    d: KubeObject,
    replicaSets: KubeObject[],
    pods: Map<string, KubeObject[]>,
    revision: number
  ): KubeObject {
    const replicas = Number(d.spec.replicas ?? 1);
    const oldActive = replicaSets.some(
      rs => Number(rs.spec.replicas ?? 0) > 0 || (pods.get(rs.metadata.uid) ?? []).length > 0
    );
    let initial = replicas;
    if (oldActive) {
      if (d.spec.strategy?.type === 'Recreate') initial = 0;
      else {
        const { maxSurge } = surgeAndUnavailable(d);
        const total = replicaSets.reduce((n, rs) => n + Number(rs.spec.replicas ?? 0), 0);
        initial = Math.min(replicas, Math.max(0, replicas + maxSurge - total));
      }
    }
    let hash = templateHash(d.spec.template);
    for (
      let c = 1;
      this.#ctx.store.get(
        this.#replicaSets,
        d.metadata.namespace,
        `${String(d.metadata.name)}-${hash}`
      );
      c++
    ) {
      hash = templateHash(d.spec.template, c);
    }
    const template = structuredClone(d.spec.template);
    template.metadata ??= {};
    template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...selector.matchLabels, 'pod-template-hash': hash };
    const { maxSurge } = surgeAndUnavailable(d);
    const rs: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${String(d.metadata.name)}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        annotations: {
          'deployment.kubernetes.io/desired-replicas': String(replicas),
          'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
          [REVISION]: String(revision)
        },
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'Deployment',
            name: d.metadata.name,
            uid: d.metadata.uid,
            controller: true,
            blockOwnerDeletion: true
          }
        ]
      },
      spec: { replicas: initial, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template }
    };
    const created = this.#ctx.ops.create(this.#replicaSets, d.metadata.namespace, rs, {
      manager: CONTROLLER_MANAGER
    });
    if (initial > 0) {
      this.#ctx.events.record(
        d,
        'Normal',
        'ScalingReplicaSet',
        `Scaled up replica set ${String(created.metadata.name)} from 0 to ${initial}`,
        COMPONENT
      );
    }
    return created;
  }

  #syncRevisionAnnotation(d: KubeObject, revision: number): void {
    if (d.metadata.annotations?.[REVISION] === String(revision)) return;
    d.metadata.annotations = { ...d.metadata.annotations, [REVISION]: String(revision) };
    const stored = this.#ctx.store.update(this.#deployments, d);
    d.metadata.resourceVersion = stored.metadata.resourceVersion;
  }

  #scale(o: Observed, rs: KubeObject, replicas: number): void {
    const from = Number(rs.spec.replicas ?? 0);
    if (from === replicas) return;
    const d = o.deployment;
    const { maxSurge } = surgeAndUnavailable(d);
    rs.spec.replicas = replicas;
    rs.metadata.annotations = {
      ...rs.metadata.annotations,
      'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas),
      'deployment.kubernetes.io/max-replicas': String(Number(d.spec.replicas) + maxSurge)
    };
    const updated = this.#ctx.ops.replace(
      this.#replicaSets,
      rs.metadata.namespace,
      rs.metadata.name,
      rs,
      { manager: CONTROLLER_MANAGER }
    );
    rs.metadata.resourceVersion = updated.metadata.resourceVersion;
    const direction = replicas > from ? 'up' : 'down';
    this.#ctx.events.record(
      d,
      'Normal',
      'ScalingReplicaSet',
      `Scaled ${direction} replica set ${String(rs.metadata.name)} from ${from} to ${replicas}`,
      COMPONENT
    );
  }

  /** Ready pods of a ReplicaSet, capped at its desired count (pods about to go do not count). */
  #available(o: Observed, rs: KubeObject): number {
    const ready = (o.pods.get(rs.metadata.uid) ?? []).filter(
      p => isActivePod(p) && isPodReady(p)
    ).length;
    return Math.min(ready, Number(rs.spec.replicas ?? 0));
  }

  #rollingUpdate(o: Observed): void {
    const replicas = Number(o.deployment.spec.replicas ?? 1);
    const { maxSurge, maxUnavailable } = surgeAndUnavailable(o.deployment);
    const all = [o.newRS, ...o.oldRSs];
    const total = (): number => all.reduce((n, rs) => n + Number(rs.spec.replicas ?? 0), 0);
    const newCount = Number(o.newRS.spec.replicas ?? 0);
    if (newCount > replicas) this.#scale(o, o.newRS, replicas);
    else if (newCount < replicas && total() < replicas + maxSurge) {
      this.#scale(o, o.newRS, Math.min(replicas, newCount + replicas + maxSurge - total()));
    }
    const minAvailable = replicas - maxUnavailable;
    const newUnavailable = Number(o.newRS.spec.replicas ?? 0) - this.#available(o, o.newRS);
    let maxScaledDown = total() - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return;
    const oldest = [...o.oldRSs].sort((a, b) =>
      String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp))
    );
    for (const rs of oldest) {
      if (maxScaledDown <= 0) break;
      const count = Number(rs.spec.replicas ?? 0);
      const unhealthy = count - this.#available(o, rs);
      if (count === 0 || unhealthy <= 0) continue;
      const down = Math.min(maxScaledDown, unhealthy);
      this.#scale(o, rs, count - down);
      maxScaledDown -= down;
    }
    let toScaleDown = all.reduce((n, rs) => n + this.#available(o, rs), 0) - minAvailable;
    for (const rs of oldest) {
      if (toScaleDown <= 0) break;
      const count = Number(rs.spec.replicas ?? 0);
      if (count === 0) continue;
      const down = Math.min(count, toScaleDown);
      this.#scale(o, rs, count - down);
      toScaleDown -= down;
    }
  }

  #recreate(o: Observed): void {
    for (const rs of o.oldRSs) this.#scale(o, rs, 0);
    const oldPodsLeft = o.oldRSs.some(rs => (o.pods.get(rs.metadata.uid) ?? []).length > 0);
    if (oldPodsLeft) return;
    this.#scale(o, o.newRS, Number(o.deployment.spec.replicas ?? 1));
  }

  #cleanupHistory(o: Observed): void {
    const limit = Number(o.deployment.spec.revisionHistoryLimit ?? 10);
    const idle = o.oldRSs
      .filter(
        rs =>
          Number(rs.spec.replicas ?? 0) === 0 && (o.pods.get(rs.metadata.uid) ?? []).length === 0
      )
      .sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      this.#ctx.ops.delete(this.#replicaSets, rs.metadata.namespace, rs.metadata.name, {});
    }
  }

  #updateStatus(o: Observed, progressEvent: { reason: string; message: string } | undefined): void {
    const d = this.#ctx.store.get(
      this.#deployments,
      o.deployment.metadata.namespace,
      o.deployment.metadata.name
    );
    if (!d) return;
    const replicas = Number(d.spec.replicas ?? 1);
    const all = [o.newRS, ...o.oldRSs];
    const active = (rs: KubeObject) => (o.pods.get(rs.metadata.uid) ?? []).filter(isActivePod);
    const current = this.#ctx.store.list(this.#pods, d.metadata.namespace);
    for (const rs of all)
      o.pods.set(
        rs.metadata.uid,
        current.filter(p => controlledBy(p, rs.metadata.uid))
      );
    const total = all.reduce((n, rs) => n + active(rs).length, 0);
    const updated = active(o.newRS).length;
    const ready = all.reduce((n, rs) => n + active(rs).filter(isPodReady).length, 0);
    const specTotal = all.reduce((n, rs) => n + Number(rs.spec.replicas ?? 0), 0);
    const old: KubeObject = d.status ?? {};
    const status: KubeObject = { observedGeneration: d.metadata.generation };
    if (total) status.replicas = total;
    if (updated) status.updatedReplicas = updated;
    if (ready) status.readyReplicas = ready;
    if (ready) status.availableReplicas = ready;
    if (Math.max(0, specTotal - ready)) status.unavailableReplicas = Math.max(0, specTotal - ready);

    const oldOnes = (n: KubeObject) => Number(n.replicas ?? 0) - Number(n.updatedReplicas ?? 0);
    const progressed =
      Number(status.updatedReplicas ?? 0) > Number(old.updatedReplicas ?? 0) ||
      oldOnes(status) < oldOnes(old) ||
      Number(status.readyReplicas ?? 0) > Number(old.readyReplicas ?? 0) ||
      Number(status.availableReplicas ?? 0) > Number(old.availableReplicas ?? 0);
    const complete = updated === replicas && total === replicas && ready >= replicas;
    const uid = d.metadata.uid as string;
    const now = performance.now();
    if (progressed || !this.#progressAt.has(uid)) this.#progressAt.set(uid, now);
    const { maxUnavailable } = surgeAndUnavailable(d);
    const conditions = (old.conditions ?? []) as KubeObject[];
    const available = ready >= replicas - maxUnavailable;
    const next: KubeObject[] = [
      this.#condition(
        conditions,
        'Available',
        available,
        available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
        available
          ? 'Deployment has minimum availability.'
          : 'Deployment does not have minimum availability.',
        false
      )
    ];
    const rsName = String(o.newRS.metadata.name);
    const previous = conditions.find(c => c.type === 'Progressing');
    const deadlineMs = scaledMs(this.#ctx.settings, Number(d.spec.progressDeadlineSeconds ?? 600));
    let progressing: KubeObject;
    if (complete) {
      progressing = this.#condition(
        conditions,
        'Progressing',
        true,
        'NewReplicaSetAvailable',
        `ReplicaSet "${rsName}" has successfully progressed.`,
        progressed
      );
    } else if (progressEvent) {
      progressing = this.#condition(
        conditions,
        'Progressing',
        true,
        progressEvent.reason,
        progressEvent.message,
        true
      );
    } else if (progressed) {
      progressing = this.#condition(
        conditions,
        'Progressing',
        true,
        'ReplicaSetUpdated',
        `ReplicaSet "${rsName}" is progressing.`,
        true
      );
    } else if (now - (this.#progressAt.get(uid) ?? now) >= deadlineMs) {
      progressing = this.#condition(
        conditions,
        'Progressing',
        false,
        'ProgressDeadlineExceeded',
        `ReplicaSet "${rsName}" has timed out progressing.`,
        false
      );
    } else {
      progressing =
        previous ??
        this.#condition(
          conditions,
          'Progressing',
          true,
          'ReplicaSetUpdated',
          `ReplicaSet "${rsName}" is progressing.`,
          true
        );
    }
    next.push(progressing);
    status.conditions = next;
    if (!complete && progressing.reason !== 'ProgressDeadlineExceeded') {
      this.#deadlineTimers.get(uid)?.();
      const wait = (this.#progressAt.get(uid) ?? now) + deadlineMs - now + 1;
      this.#deadlineTimers.set(
        uid,
        this.#ctx.timers.after(wait, () =>
          this.#queue.add(keyOf(d.metadata.namespace, d.metadata.name))
        )
      );
    }
    if (deepEqual(status, d.status)) return;
    d.status = status;
    this.#ctx.store.update(this.#deployments, d);
    if (complete && previous?.reason !== 'NewReplicaSetAvailable') {
      this.#ctx.timeline(
        'rollout-complete',
        d.metadata.namespace,
        d.metadata.name,
        `revision ${revisionOf(o.newRS)}`
      );
    }
    if (
      progressing.reason === 'ProgressDeadlineExceeded' &&
      previous?.reason !== 'ProgressDeadlineExceeded'
    ) {
      this.#ctx.events.record(
        d,
        'Warning',
        'ProgressDeadlineExceeded',
        progressing.message,
        COMPONENT
      );
    }
  }

  /** A condition that keeps its timestamps unless its status or reason changed. */
  #condition(
    existing: KubeObject[],
    type: string,
    status: boolean,
    reason: string,
    message: string,
    touched: boolean
  ): KubeObject {
    const value = status ? 'True' : 'False';
    const prev = existing.find(c => c.type === type);
    const now = nowIso();
    const same =
      prev && prev.status === value && prev.reason === reason && prev.message === message;
    return {
      type,
      status: value,
      lastUpdateTime: same && !touched ? prev.lastUpdateTime : now,
      lastTransitionTime: prev && prev.status === value ? prev.lastTransitionTime : now,
      reason,
      message
    };
  }
}

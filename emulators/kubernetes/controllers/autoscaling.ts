import { deepEqual } from '../fieldpaths.ts';
import { findByKind, mustFind } from '../resources.ts';
import { labelSelectorMatches } from '../selectors.ts';
import type { KubeObject } from '../types.ts';
import { resolveIntOrPercent } from './rollout.ts';
import { isActivePod, isPodReady } from './pod-status.ts';
import type { ControllerContext } from './runtime.ts';
import { WorkQueue, nowIso } from './runtime.ts';

/**
 * Status for HorizontalPodAutoscalers (replica bounds are enforced, metrics are not
 * evaluated) and PodDisruptionBudgets.
 */
export class AutoscalingController {
  readonly #ctx: ControllerContext;
  readonly #hpas = mustFind('autoscaling/v2', 'HorizontalPodAutoscaler');
  readonly #pdbs = mustFind('policy/v1', 'PodDisruptionBudget');
  readonly #pods = mustFind('v1', 'Pod');
  readonly #queue: WorkQueue;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.timers, ns => this.#reconcile(ns));
  }

  start(): void {
    this.#ctx.store.subscribe(event => {
      const kind = event.resource.kind;
      if (
        [
          'HorizontalPodAutoscaler',
          'PodDisruptionBudget',
          'Deployment',
          'ReplicaSet',
          'Pod'
        ].includes(kind)
      ) {
        if (event.object.metadata.namespace) this.#queue.add(event.object.metadata.namespace);
      }
    });
  }

  #reconcile(namespace: string): void {
    for (const hpa of this.#ctx.store.list(this.#hpas, namespace)) this.#hpa(hpa);
    for (const pdb of this.#ctx.store.list(this.#pdbs, namespace)) this.#pdb(pdb);
  }

  #hpa(hpa: KubeObject): void {
    const ref = hpa.spec.scaleTargetRef ?? {};
    const resource = findByKind(String(ref.apiVersion ?? 'apps/v1'), String(ref.kind));
    const target = resource
      ? this.#ctx.store.get(resource, hpa.metadata.namespace, ref.name)
      : undefined;
    const min = Number(hpa.spec.minReplicas ?? 1);
    const max = Number(hpa.spec.maxReplicas ?? min);
    const now = nowIso();
    const cond = (type: string, ok: boolean, reason: string, message: string) => {
      const prev = ((hpa.status?.conditions ?? []) as KubeObject[]).find(c => c.type === type);
      const status = ok ? 'True' : 'False';
      return {
        type,
        status,
        lastTransitionTime: prev?.status === status ? prev.lastTransitionTime : now,
        reason,
        message
      };
    };
    let status: KubeObject;
    if (!target || !resource) {
      status = {
        currentReplicas: 0,
        desiredReplicas: 0,
        conditions: [
          cond(
            'AbleToScale',
            false,
            'FailedGetScale',
            `the HPA controller was unable to get the target's current scale: ${String(ref.kind).toLowerCase()}s "${String(ref.name)}" not found`
          )
        ]
      };
    } else {
      const current = Number(target.spec?.replicas ?? 0);
      const desired = current === 0 ? 0 : Math.min(max, Math.max(min, current));
      if (desired !== current) {
        this.#ctx.ops.patch(
          resource,
          hpa.metadata.namespace,
          ref.name,
          JSON.stringify({ spec: { replicas: desired } }),
          'application/merge-patch+json',
          { manager: 'horizontal-pod-autoscaler' }
        );
      }
      status = {
        currentReplicas: Number(target.status?.replicas ?? current),
        desiredReplicas: desired,
        currentMetrics: [],
        conditions: [
          cond('AbleToScale', true, 'ReadyForNewScale', 'recommended size matches current size'),
          cond(
            'ScalingActive',
            true,
            'ValidMetricFound',
            'the HPA was able to successfully calculate a replica count'
          ),
          cond(
            'ScalingLimited',
            desired !== current,
            desired !== current ? 'TooFewReplicas' : 'DesiredWithinRange',
            desired !== current
              ? 'the desired replica count is less than the minimum replica count'
              : 'the desired count is within the acceptable range'
          )
        ]
      };
    }
    status.observedGeneration = hpa.metadata.generation;
    if (deepEqual(status, hpa.status)) return;
    hpa.status = status;
    this.#ctx.store.update(this.#hpas, hpa);
  }

  #pdb(pdb: KubeObject): void {
    const pods = this.#ctx.store
      .list(this.#pods, pdb.metadata.namespace)
      .filter(
        p => isActivePod(p) && labelSelectorMatches(pdb.spec.selector ?? {}, p.metadata.labels)
      );
    const expected = pods.length;
    const healthy = pods.filter(isPodReady).length;
    let desired: number;
    if (pdb.spec.maxUnavailable !== undefined) {
      desired = Math.max(
        0,
        expected - resolveIntOrPercent(pdb.spec.maxUnavailable, expected, false)
      );
    } else {
      desired = resolveIntOrPercent(pdb.spec.minAvailable ?? 1, expected, true);
    }
    const allowed = Math.max(0, healthy - desired);
    const prev = ((pdb.status?.conditions ?? []) as KubeObject[]).find(
      c => c.type === 'DisruptionAllowed'
    );
    const condStatus = allowed > 0 ? 'True' : 'False';
    const status: KubeObject = {
      observedGeneration: pdb.metadata.generation,
      disruptionsAllowed: allowed,
      currentHealthy: healthy,
      desiredHealthy: desired,
      expectedPods: expected,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: condStatus,
          reason: allowed > 0 ? 'SufficientPods' : 'InsufficientPods',
          message: '',
          observedGeneration: pdb.metadata.generation,
          lastTransitionTime: prev?.status === condStatus ? prev.lastTransitionTime : nowIso()
        }
      ]
    };
    if (deepEqual(status, pdb.status)) return;
    pdb.status = status;
    this.#ctx.store.update(this.#pdbs, pdb);
  }
}

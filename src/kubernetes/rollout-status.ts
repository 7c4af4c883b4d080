import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';

/** Container states from which a pod will not become ready without someone changing something. */
const STUCK_REASONS = new Set([
  'ImagePullBackOff',
  'InvalidImageName',
  'ErrImageNeverPull',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError'
]);

/**
 * A few restarts can happen while a dependency comes and goes; this many mean the container
 * itself is broken. (Dependencies are waited for by init containers, see below.)
 */
const CRASH_RESTARTS = 3;

/**
 * Why a pod of the new version is not ready. `broken`: the version cannot run (an image that
 * cannot be pulled, a main container that keeps crashing), so the rollout fails at once.
 * `waiting`: an init container has not finished, which is how a pod waits for a dependency
 * (Gadgetron's storage server); even when it fails and is restarted, the image is fine and the
 * rollout waits on, until its timeout.
 */
export interface PodProblem {
  readonly pod: string;
  readonly kind: 'broken' | 'waiting';
  readonly reason: string;
  readonly message: string;
}

export type RolloutState =
  | {
      readonly state: 'progressing';
      readonly summary: string;
      readonly pendingForNodes: number;
      /** Pods whose init containers have not finished. */
      readonly waiting: readonly PodProblem[];
    }
  | { readonly state: 'complete'; readonly summary: string }
  | {
      readonly state: 'failed';
      readonly summary: string;
      readonly problems: readonly PodProblem[];
    };

/**
 * Where a rollout stands, from the Deployment's status and its pods. Mirrors what
 * `kubectl rollout status` decides, and also fails fast on pods of the new version that are stuck
 * (image cannot be pulled, container keeps crashing) instead of waiting for the deadline.
 */
export function assessRollout(
  deployment: V1Deployment,
  pods: readonly V1Pod[],
  waitedForNodes = false
): RolloutState {
  const desired = deployment.spec?.replicas ?? 1;
  const status = deployment.status ?? {};
  const updated = status.updatedReplicas ?? 0;
  const ready = status.readyReplicas ?? 0;
  const available = status.availableReplicas ?? 0;
  const total = status.replicas ?? 0;
  const summary = `${updated}/${desired} updated, ${ready}/${desired} ready`;

  const deadline = status.conditions?.find(c => c.type === 'Progressing' && c.status === 'False');
  const all = podProblems(deployment, pods);
  const problems = all.filter(p => p.kind === 'broken');
  const waiting = all.filter(p => p.kind === 'waiting');
  if (problems.length > 0) {
    return {
      state: 'failed',
      summary: `${summary}: ${problems.length} new pod(s) cannot start`,
      problems
    };
  }
  const pending = pods.filter(
    pod =>
      !pod.metadata?.deletionTimestamp &&
      pod.status?.conditions?.some(
        c => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable'
      )
  ).length;
  // A node the cluster autoscaler adds can take longer than the progress deadline; the
  // controller clears the condition once those pods run, so then only the action's timeout counts.
  if (deadline?.reason === 'ProgressDeadlineExceeded' && pending === 0 && !waitedForNodes) {
    return {
      state: 'failed',
      summary: `${summary}: ${deadline.message ?? 'progress deadline exceeded'}`,
      problems
    };
  }
  const generation = deployment.metadata?.generation ?? 0;
  if ((status.observedGeneration ?? 0) < generation) {
    return {
      state: 'progressing',
      summary: 'waiting for the new specification to be observed',
      pendingForNodes: 0,
      waiting: []
    };
  }
  if (updated >= desired && total <= updated && available >= updated) {
    return { state: 'complete', summary };
  }
  const dependency =
    waiting.length > 0 ? `; ${waiting.length} pod(s) wait in an init container` : '';
  return { state: 'progressing', summary: summary + dependency, pendingForNodes: pending, waiting };
}

/**
 * The scheduler's word for a pod whose claim does not exist:
 * `0/5 nodes are available: persistentvolumeclaim "gtdata" not found. ...`. No node the
 * autoscaler adds changes that, so the pod is stuck, not waiting.
 */
function missingClaim(pod: V1Pod): string | undefined {
  const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
  if (scheduled?.status !== 'False' || scheduled.reason !== 'Unschedulable') return undefined;
  return /persistentvolumeclaim "([^"]+)" not found/.exec(scheduled.message ?? '')?.[1];
}

function podProblems(deployment: V1Deployment, pods: readonly V1Pod[]): PodProblem[] {
  const images = (deployment.spec?.template.spec?.containers ?? []).map(c => c.image).join(',');
  const problems: PodProblem[] = [];
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    // Only pods of the version being rolled out: an old pod's troubles are not this rollout's.
    if ((pod.spec?.containers ?? []).map(c => c.image).join(',') !== images) continue;
    const name = pod.metadata?.name ?? '?';
    const claim = missingClaim(pod);
    if (claim) {
      problems.push({
        pod: name,
        kind: 'broken',
        reason: 'PersistentVolumeClaimNotFound',
        message: `the PersistentVolumeClaim "${claim}" does not exist in namespace ${pod.metadata?.namespace}`
      });
      continue;
    }
    for (const container of pod.status?.initContainerStatuses ?? []) {
      const problem = initProblem(container);
      if (problem) problems.push({ pod: name, ...problem });
    }
    for (const container of pod.status?.containerStatuses ?? []) {
      const waiting = container.state?.waiting;
      const crashing =
        waiting?.reason === 'CrashLoopBackOff' && container.restartCount >= CRASH_RESTARTS;
      if (waiting?.reason && (STUCK_REASONS.has(waiting.reason) || crashing)) {
        problems.push({
          pod: name,
          kind: 'broken',
          reason: waiting.reason,
          // The crash's own words: its termination message, or the end of its log.
          message: waiting.message || lastWords(container)
        });
      }
    }
  }
  return problems;
}

/** An unfinished init container: broken if its image cannot run, else waiting. */
function initProblem(container: V1ContainerStatus): Omit<PodProblem, 'pod'> | undefined {
  const state = container.state;
  if (state?.terminated?.exitCode === 0) return undefined;
  const reason = state?.waiting?.reason;
  if (reason && STUCK_REASONS.has(reason)) {
    return { kind: 'broken', reason: `Init:${reason}`, message: state?.waiting?.message ?? '' };
  }
  const restarts = container.restartCount > 0 ? `, ${container.restartCount} restart(s)` : '';
  return {
    kind: 'waiting',
    reason: `Init:${reason ?? (state?.running ? 'Running' : (state?.terminated?.reason ?? 'Waiting'))}`,
    message:
      `init container ${container.name} has not finished${restarts}` +
      (lastWords(container) ? `: ${lastWords(container)}` : '')
  };
}

/** The termination message of the container's current or last run. */
function lastWords(container: V1ContainerStatus): string {
  const terminated = container.state?.terminated ?? container.lastState?.terminated;
  return terminated?.message?.trim() ?? '';
}

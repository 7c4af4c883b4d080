import type { V1Deployment, V1Pod } from '@kubernetes/client-node';

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
 * A few restarts are normal while a dependency comes up (Gadgetron exits when the storage
 * server does not answer within seconds); this many mean the container itself is broken.
 */
const CRASH_RESTARTS = 3;

export interface PodProblem {
  readonly pod: string;
  readonly reason: string;
  readonly message: string;
}

export type RolloutState =
  | { readonly state: 'progressing'; readonly summary: string; readonly pendingForNodes: number }
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
  const problems = stuckPods(deployment, pods);
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
      pendingForNodes: 0
    };
  }
  if (updated >= desired && total <= updated && available >= updated) {
    return { state: 'complete', summary };
  }
  return { state: 'progressing', summary, pendingForNodes: pending };
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

function stuckPods(deployment: V1Deployment, pods: readonly V1Pod[]): PodProblem[] {
  const images = (deployment.spec?.template.spec?.containers ?? []).map(c => c.image).join(',');
  const problems: PodProblem[] = [];
  for (const pod of pods) {
    if (pod.metadata?.deletionTimestamp) continue;
    // Only pods of the version being rolled out: an old pod's troubles are not this rollout's.
    if ((pod.spec?.containers ?? []).map(c => c.image).join(',') !== images) continue;
    const claim = missingClaim(pod);
    if (claim) {
      problems.push({
        pod: pod.metadata?.name ?? '?',
        reason: 'PersistentVolumeClaimNotFound',
        message: `the PersistentVolumeClaim "${claim}" does not exist in namespace ${pod.metadata?.namespace}`
      });
      continue;
    }
    for (const container of pod.status?.containerStatuses ?? []) {
      const waiting = container.state?.waiting;
      const crashing =
        waiting?.reason === 'CrashLoopBackOff' && container.restartCount >= CRASH_RESTARTS;
      if (waiting?.reason && (STUCK_REASONS.has(waiting.reason) || crashing)) {
        problems.push({
          pod: pod.metadata?.name ?? '?',
          reason: waiting.reason,
          message: waiting.message ?? ''
        });
      }
    }
  }
  return problems;
}

import type { V1Pod } from '@kubernetes/client-node';

/** Where a Gadgetron pod stands, in the words a person on call wants. */
export type PodState =
  | { readonly kind: 'ready' }
  /**
   * Terminating: an old pod finishing its reconstructions, at the latest until its deletion
   * timestamp (the deletion request plus the grace period), when it is killed.
   */
  | { readonly kind: 'draining'; readonly until: string }
  /** Waiting for a node (the autoscaler's business) or for a volume. */
  | { readonly kind: 'unschedulable'; readonly detail: string }
  /** Init containers or container creation: the normal way in. */
  | { readonly kind: 'starting'; readonly detail: string }
  /** A container that cannot start or keeps crashing. */
  | { readonly kind: 'failing'; readonly reason: string; readonly detail: string }
  /** Running, but its readiness probe does not pass. */
  | { readonly kind: 'not ready' };

export function podState(pod: V1Pod): PodState {
  const deleted = pod.metadata?.deletionTimestamp;
  if (deleted) return { kind: 'draining', until: new Date(deleted).toISOString() };
  const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
  if (scheduled?.status === 'False') {
    return { kind: 'unschedulable', detail: scheduled.message ?? scheduled.reason ?? '' };
  }
  const containers = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? [])
  ];
  for (const container of containers) {
    const waiting = container.state?.waiting;
    const reason = waiting?.reason ?? '';
    if (waiting && !['ContainerCreating', 'PodInitializing'].includes(reason)) {
      return {
        kind: 'failing',
        reason: reason || 'Waiting',
        detail: `${container.name}: ${waiting.message ?? reason}`
      };
    }
    const terminated = container.state?.terminated;
    if (terminated && terminated.exitCode !== 0) {
      return {
        kind: 'failing',
        reason: terminated.reason ?? 'Error',
        detail: `${container.name} exited with ${terminated.exitCode}`
      };
    }
  }
  const initializing = (pod.status?.initContainerStatuses ?? []).find(c => !c.ready);
  if (initializing) return { kind: 'starting', detail: `init container ${initializing.name}` };
  const ready = pod.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True');
  if (ready) return { kind: 'ready' };
  if (pod.status?.phase === 'Pending') return { kind: 'starting', detail: 'creating containers' };
  return { kind: 'not ready' };
}

/** One line for tables and logs. */
export function describePodState(state: PodState): string {
  switch (state.kind) {
    case 'ready':
      return 'ready';
    case 'draining':
      return `draining, at most until ${state.until}`;
    case 'unschedulable':
      return `waiting for a node: ${state.detail}`;
    case 'starting':
      return `starting (${state.detail})`;
    case 'failing':
      return `${state.reason}: ${state.detail}`;
    case 'not ready':
      return 'running, not ready';
  }
}

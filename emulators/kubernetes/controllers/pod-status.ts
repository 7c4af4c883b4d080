import type { KubeObject } from '../types.ts';

export function isPodReady(pod: KubeObject): boolean {
  return (pod.status?.conditions ?? []).some(
    (c: KubeObject) => c.type === 'Ready' && c.status === 'True'
  );
}

/** Pods that count towards a controller's replicas: not terminating and not finished. */
export function isActivePod(pod: KubeObject): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status?.phase !== 'Succeeded' &&
    pod.status?.phase !== 'Failed'
  );
}

/** Deletion preference when scaling down: unscheduled, pending, not ready, then newest first. */
export function deletionRank(pod: KubeObject): number[] {
  const created = Date.parse(String(pod.metadata.creationTimestamp ?? '')) || 0;
  return [
    pod.spec?.nodeName ? 1 : 0,
    pod.status?.phase === 'Pending' ? 0 : 1,
    isPodReady(pod) ? 1 : 0,
    -created
  ];
}

export function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

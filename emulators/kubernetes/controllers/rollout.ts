import type { KubeObject } from '../types.ts';

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A short stable hash of a pod template, used as the pod-template-hash label. */
export function templateHash(template: unknown, collisionCount = 0): string {
  let h = 0x811c9dc5;
  const text = canonical(template) + (collisionCount ? String(collisionCount) : '');
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  let n = h;
  for (let i = 0; i < 10; i++) {
    out += SAFE[n % SAFE.length];
    n = Math.floor(n / SAFE.length) + (i + 1) * 7919;
  }
  return out;
}

/** The template of a ReplicaSet without its pod-template-hash label, for comparison. */
export function templateWithoutHash(template: KubeObject | undefined): KubeObject {
  const copy = structuredClone(template ?? {});
  if (copy.metadata?.labels) {
    delete copy.metadata.labels['pod-template-hash'];
    if (Object.keys(copy.metadata.labels).length === 0) delete copy.metadata.labels;
  }
  return copy;
}

/** Resolves an int-or-percent against a total (surge rounds up, unavailable rounds down). */
export function resolveIntOrPercent(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.endsWith('%')) {
    const exact = (Number(value.slice(0, -1)) * total) / 100;
    return roundUp ? Math.ceil(exact) : Math.floor(exact);
  }
  const n = Number(value);
  return Number.isFinite(n) ? n : 0;
}

export function surgeAndUnavailable(deployment: KubeObject): {
  maxSurge: number;
  maxUnavailable: number;
} {
  const replicas = Number(deployment.spec.replicas ?? 1);
  const ru = deployment.spec.strategy?.rollingUpdate ?? {};
  const maxSurge = resolveIntOrPercent(ru.maxSurge ?? '25%', replicas, true);
  let maxUnavailable = resolveIntOrPercent(ru.maxUnavailable ?? '25%', replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

export const REVISION = 'deployment.kubernetes.io/revision';

export function revisionOf(obj: KubeObject): number {
  return Number(obj.metadata?.annotations?.[REVISION] ?? 0) || 0;
}

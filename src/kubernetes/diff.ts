/**
 * Field-by-field differences between a live object and what an apply leaves (the answer of a
 * server-side apply, dry run or not): both carry the API server's defaults, so only the fields
 * the rendering changes differ.
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import { toWire } from './wire.ts';

export interface FieldChange {
  /** e.g. `spec.template.spec.containers[gadgetron].image`; list items with a name by name. */
  readonly path: string;
  /** undefined: the field is added (before) or removed (after). */
  readonly before: unknown;
  readonly after: unknown;
}

export type ObjectDiff =
  | { readonly change: 'created' | 'pruned'; readonly object: KubernetesObject }
  | {
      readonly change: 'configured' | 'unchanged';
      readonly object: KubernetesObject;
      readonly fields: readonly FieldChange[];
    };

/**
 * Metadata the server or controllers own: bookkeeping, and the Deployment controller's
 * revision, which no apply sets.
 */
const SERVER_ANNOTATIONS = ['deployment.kubernetes.io/revision'];

/** What an object says, without the server's bookkeeping and status. */
export function comparable(object: KubernetesObject): Record<string, unknown> {
  const wire = toWire(object) as KubernetesObject & Record<string, unknown>;
  const { apiVersion: _a, kind: _k, metadata, status: _s, ...rest } = wire;
  const annotations = Object.fromEntries(
    Object.entries(metadata?.annotations ?? {}).filter(([k]) => !SERVER_ANNOTATIONS.includes(k))
  );
  return {
    metadata: {
      labels: metadata?.labels ?? {},
      annotations
    },
    ...rest
  };
}

export function diffObject(before: KubernetesObject, after: KubernetesObject): FieldChange[] {
  const changes: FieldChange[] = [];
  walk(comparable(before), comparable(after), '', changes);
  return changes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Lists whose items all have a distinct `name` are compared item by item, by name. */
function byName(list: unknown[]): Map<string, unknown> | undefined {
  const map = new Map<string, unknown>();
  for (const item of list) {
    if (!isRecord(item) || typeof item.name !== 'string' || map.has(item.name)) return undefined;
    map.set(item.name, item);
  }
  return map;
}

function join(path: string, key: string): string {
  if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) return path ? `${path}.${key}` : key;
  // Label and annotation keys contain dots and slashes.
  return `${path}[${JSON.stringify(key)}]`;
}

function walk(before: unknown, after: unknown, path: string, out: FieldChange[]): void {
  if (JSON.stringify(before) === JSON.stringify(after)) return;
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(before[key], after[key], join(path, key), out);
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const a = byName(before);
    const b = byName(after);
    if (a && b) {
      for (const name of new Set([...a.keys(), ...b.keys()]))
        walk(a.get(name), b.get(name), `${path}[${name}]`, out);
      return;
    }
    if (before.length === after.length) {
      before.forEach((item, i) => walk(item, after[i], `${path}[${i}]`, out));
      return;
    }
  }
  out.push({ path, before, after });
}

/** `a -> b`, values short enough for a log line. */
export function formatChange(change: FieldChange, limit = 120): string {
  return `${change.path}: ${formatValue(change.before, limit)} -> ${formatValue(change.after, limit)}`;
}

export function formatValue(value: unknown, limit = 120): string {
  if (value === undefined) return '(none)';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
}

import { deepEqual } from './template/functions.ts';
import type { ArmResource } from './types.ts';

type Json = Record<string, unknown>;

export interface PropertyChange {
  path: string;
  propertyChangeType: 'Create' | 'Delete' | 'Modify' | 'Array' | 'NoEffect';
  before?: unknown;
  after?: unknown;
  children?: PropertyChange[];
}

export interface ResourceChange {
  resourceId: string;
  changeType: 'Create' | 'Modify' | 'NoChange' | 'Delete' | 'Ignore';
  before?: unknown;
  after?: unknown;
  delta?: PropertyChange[];
}

function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Differences for the paths the request sets. Properties the service adds (fqdn, provisioningState,
 * ...) are not requested and so never show as changes. Objects flatten to dotted paths; arrays
 * of equal length compare element-wise (an `Array` change with children), others as a whole.
 */
export function diff(before: unknown, after: unknown, path: string): PropertyChange[] {
  if (deepEqual(before, after)) return [];
  if (before === undefined) return [{ path, propertyChangeType: 'Create', after }];
  if (isObject(before) && isObject(after)) {
    return Object.keys(after).flatMap(k => diff(before[k], after[k], path ? `${path}.${k}` : k));
  }
  if (path === 'properties.agentPoolProfiles' && Array.isArray(before) && Array.isArray(after)) {
    // AKS matches pools by name and leaves the ones a PUT omits alone (Azure/AKS#2194).
    const named = after.map(item => {
      const name = String((item as Json).name).toLowerCase();
      return before.find(b => String((b as Json).name).toLowerCase() === name);
    });
    return elementwise(named, after, path);
  }
  if (Array.isArray(before) && Array.isArray(after) && before.length === after.length) {
    return elementwise(before, after, path);
  }
  return [{ path, propertyChangeType: 'Modify', before, after }];
}

function elementwise(before: unknown[], after: unknown[], path: string): PropertyChange[] {
  const children = after.flatMap((item, i) => {
    const inner = diff(before[i], item, '');
    return inner.length === 0
      ? []
      : [{ path: String(i), propertyChangeType: 'Modify' as const, children: inner }];
  });
  return children.length === 0 ? [] : [{ path, propertyChangeType: 'Array', children }];
}

const COMPARED = ['location', 'tags', 'sku', 'kind', 'identity', 'properties'];

/** The what-if entry of one resource the template declares. */
export function changeFor(
  id: string,
  requested: Json,
  existing: ArmResource | undefined
): ResourceChange {
  const after: Json = { id, ...requested };
  delete after.apiVersion;
  if (!existing) return { resourceId: id, changeType: 'Create', after };
  const wanted: Json = {};
  for (const k of COMPARED) if (requested[k] !== undefined) wanted[k] = requested[k];
  if (typeof wanted.location === 'string') {
    wanted.location = (wanted.location as string).replace(/\s+/g, '').toLowerCase();
  }
  const have: Json = { ...(existing as Json) };
  if (typeof have.location === 'string')
    have.location = (have.location as string).replace(/\s+/g, '').toLowerCase();
  const delta = diff(have, wanted, '');
  return {
    resourceId: id,
    changeType: delta.length === 0 ? 'NoChange' : 'Modify',
    before: existing,
    after: { ...existing, ...wanted },
    delta
  };
}

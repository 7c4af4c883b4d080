import { ApiError } from './errors.ts';
import type { FieldSet } from './fieldpaths.ts';
import {
  collectFields,
  deepEqual,
  fromFieldsV1,
  getAt,
  isItemPath,
  ownsAtOrBelow,
  removeAt,
  splitPath,
  toFieldsV1
} from './fieldpaths.ts';
import { mergeValue } from './patch.ts';
import type { KubeObject } from './types.ts';

export interface ManagerEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time: string;
  subresource?: string;
  fields: FieldSet;
}

export function nowSeconds(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

export function readManagedFields(obj: KubeObject | undefined): ManagerEntry[] {
  const entries = (obj?.metadata?.managedFields ?? []) as KubeObject[];
  return entries.map(e => {
    const entry: ManagerEntry = {
      manager: String(e.manager ?? ''),
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: String(e.apiVersion ?? ''),
      time: String(e.time ?? nowSeconds()),
      fields: fromFieldsV1(e.fieldsV1)
    };
    if (e.subresource) entry.subresource = String(e.subresource);
    return entry;
  });
}

export function writeManagedFields(obj: KubeObject, entries: ManagerEntry[]): void {
  const kept = entries.filter(e => e.fields.size > 0);
  if (kept.length === 0) {
    delete obj.metadata.managedFields;
    return;
  }
  obj.metadata.managedFields = kept.map(e => {
    const out: KubeObject = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: e.apiVersion,
      time: e.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(e.fields)
    };
    if (e.subresource) out.subresource = e.subresource;
    return out;
  });
}

/** Renders a field path the way conflict messages do: `.spec.replicas`. */
export function describePath(path: string): string {
  return splitPath(path)
    .map(seg => (seg.startsWith('f:') ? `.${seg.slice(2)}` : `[${seg.slice(2)}]`))
    .join('');
}

function sameEntry(a: ManagerEntry, manager: string, operation: string, subresource?: string) {
  return (
    a.manager === manager &&
    a.operation === operation &&
    (a.subresource ?? '') === (subresource ?? '')
  );
}

export interface ApplyRequest {
  existing: KubeObject | undefined;
  applied: KubeObject;
  manager: string;
  force: boolean;
  apiVersion: string;
  /** Used in the conflict message, e.g. deployments.apps "x". */
  describe: () => { plural: string; group: string; name: string };
}

/**
 * Server-side apply: merges the applied configuration into the live object, removes
 * fields this manager applied before but no longer sets (unless another manager owns
 * them), and refuses to change fields owned by other managers unless forced.
 */
export function serverSideApply(req: ApplyRequest): KubeObject {
  const { existing, applied, manager } = req;
  const entries = readManagedFields(existing);
  const newFields = collectFields(applied);
  const mine = entries.find(e => sameEntry(e, manager, 'Apply'));
  const others = entries.filter(e => e !== mine && !e.subresource);

  const conflicts: { manager: string; path: string }[] = [];
  if (existing) {
    for (const other of others) {
      for (const path of newFields) {
        if (!other.fields.has(path) || isItemPath(path)) continue;
        if (!deepEqual(getAt(existing, path), getAt(applied, path))) {
          conflicts.push({ manager: other.manager, path });
        }
      }
    }
  }
  if (conflicts.length > 0 && !req.force) {
    const { plural, group, name } = req.describe();
    const list = conflicts.map(c => `- ${c.manager}: ${describePath(c.path)}`);
    const message =
      conflicts.length === 1
        ? `Apply failed with 1 conflict: conflict with "${conflicts[0]?.manager}": ${describePath(conflicts[0]?.path ?? '')}`
        : `Apply failed with ${conflicts.length} conflicts: conflicts with ${list.join('\n')}`;
    throw new ApiError(409, 'Conflict', message, {
      name,
      group,
      kind: plural,
      causes: conflicts.map(c => ({
        reason: 'FieldManagerConflict',
        message: `conflict with "${c.manager}"`,
        field: describePath(c.path)
      }))
    });
  }
  for (const c of conflicts) {
    for (const other of others) if (other.manager === c.manager) other.fields.delete(c.path);
  }

  const result: KubeObject = existing ? structuredClone(existing) : {};
  if (mine) {
    const dropped = [...mine.fields].filter(
      p => !newFields.has(p) && !others.some(o => ownsAtOrBelow(o.fields, p))
    );
    // Only remove the outermost dropped path; a removed list item takes its fields with it.
    const outermost = dropped.filter(p => !dropped.some(q => q !== p && p.startsWith(q + '\n')));
    outermost.sort((a, b) => splitPath(b).length - splitPath(a).length);
    for (const p of outermost) removeAt(result, p);
  }
  const merged = mergeValue(result, applied, '', {
    keyedLists: true,
    nullDeletes: false
  }) as KubeObject;

  const time = nowSeconds();
  const next = entries.filter(e => e !== mine);
  const prevTime =
    mine && deepEqual([...mine.fields].sort(), [...newFields].sort()) ? mine.time : time;
  next.push({
    manager,
    operation: 'Apply',
    apiVersion: req.apiVersion,
    time: prevTime,
    fields: newFields
  });
  merged.metadata ??= {};
  writeManagedFields(merged, orderEntries(next, existing));
  return merged;
}

/** Keeps existing managers in their original order; new ones are appended. */
function orderEntries(entries: ManagerEntry[], existing: KubeObject | undefined): ManagerEntry[] {
  const order = readManagedFields(existing).map(
    e => `${e.manager}|${e.operation}|${e.subresource ?? ''}`
  );
  const rank = (e: ManagerEntry) => {
    const i = order.indexOf(`${e.manager}|${e.operation}|${e.subresource ?? ''}`);
    return i < 0 ? order.length : i;
  };
  return [...entries].sort((a, b) => rank(a) - rank(b));
}

/**
 * Ownership after a non-apply write (create, update, patch): the writer takes the fields
 * whose value it changed; fields that disappeared are owned by nobody.
 */
export function recordUpdate(
  before: KubeObject | undefined,
  after: KubeObject,
  manager: string,
  apiVersion: string,
  subresource?: string
): void {
  const entries = readManagedFields(before);
  const oldFields = before ? collectFields(before) : new Set<string>();
  const newFields = collectFields(after);
  const changed = [...newFields].filter(
    p =>
      !oldFields.has(p) || (!isItemPath(p) && !deepEqual(getAt(before ?? {}, p), getAt(after, p)))
  );
  const removed = [...oldFields].filter(p => !newFields.has(p));
  if (changed.length === 0 && removed.length === 0) {
    if (before?.metadata?.managedFields)
      after.metadata.managedFields = before.metadata.managedFields;
    else delete after.metadata.managedFields;
    return;
  }
  for (const e of entries) {
    for (const p of removed) e.fields.delete(p);
    if (subresource === undefined) for (const p of changed) e.fields.delete(p);
  }
  let mine = entries.find(e => sameEntry(e, manager, 'Update', subresource));
  if (!mine) {
    mine = { manager, operation: 'Update', apiVersion, time: nowSeconds(), fields: new Set() };
    if (subresource) mine.subresource = subresource;
    entries.push(mine);
  }
  mine.time = nowSeconds();
  for (const p of changed) mine.fields.add(p);
  writeManagedFields(after, entries);
}

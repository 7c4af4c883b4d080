import type { KubeObject } from './types.ts';

/**
 * Field paths as used by server-side apply. A path is a list of segments joined by "\n":
 * `f:name` for a map key and `k:{"name":"x"}` for an item of a list merged by key.
 * Paths ending in `f:` are leaves (scalars, atomic lists, empty maps); paths ending in
 * `k:` denote the list item itself.
 */
export type FieldSet = Set<string>;

const SEP = '\n';

/** Lists whose items are merged by key rather than replaced as a whole. */
const KEYED_LISTS: Record<string, string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  env: ['name'],
  volumes: ['name'],
  volumeMounts: ['mountPath'],
  volumeDevices: ['devicePath'],
  imagePullSecrets: ['name'],
  ownerReferences: ['uid'],
  hostAliases: ['ip']
};

/** Metadata fields owned by the server, never by a field manager. */
const SERVER_METADATA = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink'
]);

export function isPlainObject(value: unknown): value is KubeObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function itemKey(field: string, item: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(item)) return undefined;
  if (field === 'ports') {
    if (item.containerPort !== undefined) return { containerPort: item.containerPort };
    if (item.port !== undefined) return { port: item.port };
    return undefined;
  }
  const keys = KEYED_LISTS[field];
  if (!keys || !keys.every(k => item[k] !== undefined)) return undefined;
  return Object.fromEntries(keys.map(k => [k, item[k]]));
}

/** Whether a non-empty list under `field` is merged item by item. */
export function isKeyedList(field: string, value: unknown): value is unknown[] {
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every(item => itemKey(field, item) !== undefined)
  );
}

function keySegment(key: Record<string, unknown>): string {
  return `k:${JSON.stringify(key)}`;
}

export function keyedSegmentOf(field: string, item: unknown): string | undefined {
  const key = itemKey(field, item);
  return key ? keySegment(key) : undefined;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a).filter(k => a[k] !== undefined);
    const kb = Object.keys(b).filter(k => b[k] !== undefined);
    return ka.length === kb.length && ka.every(k => deepEqual(a[k], b[k]));
  }
  return false;
}

function walk(value: unknown, prefix: string[], field: string, out: FieldSet): void {
  if (isPlainObject(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value)) {
      if (v === null || v === undefined) continue;
      walk(v, [...prefix, `f:${k}`], k, out);
    }
    return;
  }
  if (isKeyedList(field, value)) {
    for (const item of value) {
      const itemPath = [...prefix, keyedSegmentOf(field, item) ?? ''];
      out.add(itemPath.join(SEP));
      walk(item, itemPath, '', out);
    }
    return;
  }
  out.add(prefix.join(SEP));
}

/** The field paths a configuration (or an object) sets, ignoring server-owned fields. */
export function collectFields(obj: KubeObject): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'status' || v === null || v === undefined) {
      continue;
    }
    if (k === 'metadata' && isPlainObject(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (SERVER_METADATA.has(mk) || mv === null || mv === undefined) continue;
        walk(mv, ['f:metadata', `f:${mk}`], mk, out);
      }
      continue;
    }
    walk(v, [`f:${k}`], k, out);
  }
  return out;
}

export function splitPath(path: string): string[] {
  return path.split(SEP);
}

export function isItemPath(path: string): boolean {
  const segs = splitPath(path);
  return (segs[segs.length - 1] ?? '').startsWith('k:');
}

function findItem(list: unknown[], segment: string, field: string): number {
  return list.findIndex(item => keyedSegmentOf(field, item) === segment);
}

/** Value at a field path, or undefined. */
export function getAt(obj: KubeObject, path: string): unknown {
  let cur: unknown = obj;
  let field = '';
  for (const seg of splitPath(path)) {
    if (seg.startsWith('f:')) {
      if (!isPlainObject(cur)) return undefined;
      field = seg.slice(2);
      cur = cur[field];
    } else {
      if (!Array.isArray(cur)) return undefined;
      const idx = findItem(cur, seg, field);
      if (idx < 0) return undefined;
      cur = cur[idx];
      field = '';
    }
  }
  return cur;
}

function isEmptyContainer(value: unknown): boolean {
  return (
    (Array.isArray(value) && value.length === 0) ||
    (isPlainObject(value) && Object.keys(value).length === 0)
  );
}

/** Removes the field at a path and prunes maps and lists that became empty because of it. */
export function removeAt(obj: KubeObject, path: string): void {
  const segs = splitPath(path);
  const parents: { container: unknown; seg: string; field: string }[] = [];
  let cur: unknown = obj;
  let field = '';
  for (const seg of segs) {
    parents.push({ container: cur, seg, field });
    if (seg.startsWith('f:')) {
      if (!isPlainObject(cur)) return;
      field = seg.slice(2);
      cur = cur[field];
    } else {
      if (!Array.isArray(cur)) return;
      const idx = findItem(cur, seg, field);
      if (idx < 0) return;
      cur = cur[idx];
      field = '';
    }
    if (cur === undefined) return;
  }
  for (let i = parents.length - 1; i >= 0; i--) {
    const { container, seg, field: parentField } = parents[i] ?? { container: undefined, seg: '' };
    if (i < parents.length - 1) {
      const child = seg.startsWith('f:')
        ? (container as KubeObject)[seg.slice(2)]
        : (container as unknown[])[findItem(container as unknown[], seg, parentField ?? '')];
      if (!isEmptyContainer(child)) return;
    }
    if (seg.startsWith('f:')) delete (container as KubeObject)[seg.slice(2)];
    else {
      const list = container as unknown[];
      list.splice(findItem(list, seg, parentField ?? ''), 1);
    }
  }
}

/** Encodes a field set in the nested `fieldsV1` form of metadata.managedFields. */
export function toFieldsV1(set: FieldSet): KubeObject {
  const root: KubeObject = {};
  for (const path of [...set].sort()) {
    let node = root;
    for (const seg of splitPath(path)) {
      node[seg] ??= {};
      node = node[seg] as KubeObject;
    }
    if (isItemPath(path)) node['.'] = {};
  }
  return root;
}

export function fromFieldsV1(fields: KubeObject | undefined): FieldSet {
  const out: FieldSet = new Set();
  const visit = (node: KubeObject, prefix: string[]): void => {
    const keys = Object.keys(node);
    if (keys.length === 0 && prefix.length > 0) out.add(prefix.join(SEP));
    for (const k of keys) {
      if (k === '.') out.add(prefix.join(SEP));
      else visit((node[k] ?? {}) as KubeObject, [...prefix, k]);
    }
  };
  if (fields) visit(fields, []);
  return out;
}

/** Whether any path in `set` equals `path` or lies beneath it. */
export function ownsAtOrBelow(set: FieldSet, path: string): boolean {
  if (set.has(path)) return true;
  const prefix = path + SEP;
  for (const p of set) if (p.startsWith(prefix)) return true;
  return false;
}

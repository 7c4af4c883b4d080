import { badRequest, ApiError } from './errors.ts';
import { isKeyedList, isPlainObject, keyedSegmentOf } from './fieldpaths.ts';
import type { KubeObject } from './types.ts';

export interface MergeOptions {
  /** Merge lists such as containers and env item by item (strategic merge and apply). */
  keyedLists: boolean;
  /** `null` removes a key (merge patches); apply ignores nulls instead. */
  nullDeletes: boolean;
}

function mergeKeyedList(base: unknown[], patch: unknown[], field: string, opts: MergeOptions) {
  const baseBySeg = new Map<string, unknown>();
  for (const item of base) {
    const seg = keyedSegmentOf(field, item);
    if (seg) baseBySeg.set(seg, item);
  }
  const used = new Set<string>();
  const out: unknown[] = [];
  for (const item of patch) {
    const seg = keyedSegmentOf(field, item) ?? '';
    used.add(seg);
    out.push(mergeValue(baseBySeg.get(seg), item, '', opts));
  }
  for (const item of base) {
    const seg = keyedSegmentOf(field, item);
    if (!seg || !used.has(seg)) out.push(structuredClone(item));
  }
  return out;
}

export function mergeValue(
  base: unknown,
  patch: unknown,
  field: string,
  opts: MergeOptions
): unknown {
  if (isPlainObject(patch)) {
    const out: KubeObject = isPlainObject(base) ? structuredClone(base) : {};
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) {
        if (opts.nullDeletes) delete out[k];
        continue;
      }
      if (v === undefined) continue;
      out[k] = mergeValue(out[k], v, k, opts);
    }
    return out;
  }
  if (
    opts.keyedLists &&
    Array.isArray(base) &&
    isKeyedList(field, patch) &&
    base.every(item => keyedSegmentOf(field, item) !== undefined)
  ) {
    return mergeKeyedList(base, patch, field, opts);
  }
  return structuredClone(patch);
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: KubeObject, patch: unknown): KubeObject {
  if (!isPlainObject(patch)) throw badRequest('merge patch must be a JSON object');
  return mergeValue(target, patch, '', { keyedLists: false, nullDeletes: true }) as KubeObject;
}

/** Strategic merge patch, approximated as a merge patch that merges well-known lists by key. */
export function strategicMergePatch(target: KubeObject, patch: unknown): KubeObject {
  if (!isPlainObject(patch)) throw badRequest('strategic merge patch must be a JSON object');
  return mergeValue(target, patch, '', { keyedLists: true, nullDeletes: true }) as KubeObject;
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw badRequest(`invalid JSON pointer "${pointer}"`);
  return pointer
    .slice(1)
    .split('/')
    .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function patchFailed(message: string): ApiError {
  return new ApiError(
    422,
    'Invalid',
    `the server rejected our request due to an error in our request: ${message}`
  );
}

function resolveParent(doc: unknown, tokens: string[]): { parent: unknown; last: string } {
  let cur = doc;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = cur[t];
    else cur = undefined;
    if (cur === undefined) throw patchFailed(`missing path component "${t}"`);
  }
  return { parent: cur, last: tokens[tokens.length - 1] ?? '' };
}

function getPointer(doc: unknown, pointer: string): unknown {
  let cur = doc;
  for (const t of parsePointer(pointer)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isPlainObject(cur)) cur = cur[t];
    else return undefined;
  }
  return cur;
}

function addAt(doc: unknown, pointer: string, value: unknown, replace: boolean): unknown {
  const tokens = parsePointer(pointer);
  if (tokens.length === 0) return structuredClone(value);
  const { parent, last } = resolveParent(doc, tokens);
  if (Array.isArray(parent)) {
    const idx = last === '-' ? parent.length : Number(last);
    if (!Number.isInteger(idx) || idx < 0 || idx > parent.length) {
      throw patchFailed(`index ${last} out of bounds`);
    }
    if (replace) parent[idx] = structuredClone(value);
    else parent.splice(idx, 0, structuredClone(value));
  } else if (isPlainObject(parent)) {
    if (replace && !(last in parent))
      throw patchFailed(`replace operation does not apply: doc is missing key: ${pointer}`);
    parent[last] = structuredClone(value);
  } else {
    throw patchFailed(`cannot add at ${pointer}`);
  }
  return doc;
}

function removeAtPointer(doc: unknown, pointer: string): void {
  const tokens = parsePointer(pointer);
  const { parent, last } = resolveParent(doc, tokens);
  if (Array.isArray(parent) && Number(last) < parent.length) parent.splice(Number(last), 1);
  else if (isPlainObject(parent) && last in parent) delete parent[last];
  else throw patchFailed(`remove operation does not apply: doc is missing path: ${pointer}`);
}

/** RFC 6902 JSON patch. */
export function jsonPatch(target: KubeObject, ops: unknown): KubeObject {
  if (!Array.isArray(ops)) throw badRequest('json patch must be an array of operations');
  let doc: unknown = structuredClone(target);
  for (const op of ops as KubeObject[]) {
    const path = String(op.path ?? '');
    switch (op.op) {
      case 'add':
        doc = addAt(doc, path, op.value, false);
        break;
      case 'replace':
        doc = addAt(doc, path, op.value, true);
        break;
      case 'remove':
        removeAtPointer(doc, path);
        break;
      case 'move':
      case 'copy': {
        const value = getPointer(doc, String(op.from));
        if (value === undefined) throw patchFailed(`${op.op} from missing path ${String(op.from)}`);
        if (op.op === 'move') removeAtPointer(doc, String(op.from));
        doc = addAt(doc, path, value, false);
        break;
      }
      case 'test':
        if (JSON.stringify(getPointer(doc, path)) !== JSON.stringify(op.value)) {
          throw patchFailed(`testing value ${path} failed`);
        }
        break;
      default:
        throw badRequest(`unexpected json patch operation "${String(op.op)}"`);
    }
  }
  if (!isPlainObject(doc)) throw badRequest('json patch result must be an object');
  return doc;
}

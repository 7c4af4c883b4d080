import { randomBytes, randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { recordUpdate, serverSideApply } from './apply.ts';
import type { DefaultingContext } from './defaults.ts';
import { applyDefaults } from './defaults.ts';
import { ApiError, alreadyExists, badRequest, conflict, notFound, statusObject } from './errors.ts';
import { deepEqual, isPlainObject } from './fieldpaths.ts';
import { jsonPatch, mergePatch, strategicMergePatch } from './patch.ts';
import type { ResourceType } from './resources.ts';
import { RESOURCES, apiVersionOf, mustFind } from './resources.ts';
import type { Matcher } from './selectors.ts';
import type { Store } from './store.ts';
import type { KubeObject } from './types.ts';
import { checkTypeMeta, validateObject } from './validation.ts';

export interface WriteOptions {
  dryRun?: boolean;
  /** Field manager for managedFields; apply requires it. */
  manager: string;
  force?: boolean;
  subresource?: string;
}

export interface DeleteOptions {
  dryRun?: boolean;
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  preconditions?: { uid?: string; resourceVersion?: string };
}

export const APPLY_PATCH = 'application/apply-patch+yaml';
const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  APPLY_PATCH,
  'application/apply-patch+cbor'
];

function nowIso(): string {
  return new Date().toISOString().replace(/\.\d+Z$/, 'Z');
}

/** Everything but metadata and status: what bumps metadata.generation. */
function specPart(obj: KubeObject): KubeObject {
  const rest: KubeObject = { ...obj };
  delete rest.metadata;
  delete rest.status;
  delete rest.apiVersion;
  delete rest.kind;
  return rest;
}

function comparable(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  delete copy.metadata.resourceVersion;
  for (const e of (copy.metadata.managedFields ?? []) as KubeObject[]) delete e.time;
  return copy;
}

function randomSuffix(length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(length)].map(b => alphabet[b % alphabet.length]).join('');
}

/**
 * The API server's write path: defaulting, validation, resourceVersion preconditions,
 * generation, managedFields, dry runs and deletion semantics.
 */
export class Operations {
  readonly #store: Store;
  readonly #ctx: DefaultingContext;
  readonly #namespaces: ResourceType;

  constructor(store: Store, ctx: DefaultingContext) {
    this.#store = store;
    this.#ctx = ctx;
    this.#namespaces = mustFind('v1', 'Namespace');
  }

  get(resource: ResourceType, namespace: string | undefined, name: string): KubeObject {
    const obj = this.#store.get(resource, namespace, name);
    if (!obj) throw notFound(resource.plural, resource.group, name);
    return obj;
  }

  list(resource: ResourceType, namespace: string | undefined, match: Matcher): KubeObject[] {
    return this.#store.list(resource, namespace).filter(match);
  }

  #checkNamespace(
    resource: ResourceType,
    namespace: string | undefined,
    creating: boolean,
    name = ''
  ): void {
    if (!resource.namespaced) return;
    if (!namespace)
      throw badRequest('the server could not find the requested resource: namespace is required');
    const ns = this.#store.get(this.#namespaces, undefined, namespace);
    if (!ns) throw notFound('namespaces', '', namespace);
    if (creating && ns.metadata.deletionTimestamp) {
      throw new ApiError(
        403,
        'Forbidden',
        `${resource.plural} "${name}" is forbidden: unable to create new content in namespace ${namespace} because it is being terminated`,
        { name, kind: resource.plural }
      );
    }
  }

  #checkIdentity(
    resource: ResourceType,
    namespace: string | undefined,
    body: KubeObject,
    name?: string
  ) {
    if (!isPlainObject(body)) throw badRequest('the request body must be a JSON object');
    checkTypeMeta(resource, body);
    body.metadata ??= {};
    if (!isPlainObject(body.metadata)) throw badRequest('metadata must be an object');
    if (resource.namespaced) {
      if (body.metadata.namespace !== undefined && body.metadata.namespace !== namespace) {
        throw badRequest(
          'the namespace of the provided object does not match the namespace sent on the request'
        );
      }
      body.metadata.namespace = namespace;
    } else {
      delete body.metadata.namespace;
    }
    if (name !== undefined) {
      if (body.metadata.name !== undefined && body.metadata.name !== name) {
        throw badRequest(
          `the name of the object (${String(body.metadata.name)}) does not match the name on the URL (${name})`
        );
      }
      body.metadata.name = name;
    }
    body.apiVersion = apiVersionOf(resource);
    body.kind = resource.kind;
  }

  /** Shared tail of every write; returns the stored (or, for dry runs, computed) object. */
  #commit(
    resource: ResourceType,
    previous: KubeObject | undefined,
    candidate: KubeObject,
    opts: WriteOptions,
    track: 'update' | 'none'
  ): KubeObject {
    const md = candidate.metadata;
    if (previous) {
      for (const k of [
        'uid',
        'creationTimestamp',
        'deletionTimestamp',
        'deletionGracePeriodSeconds',
        'generation'
      ]) {
        if (previous.metadata[k] === undefined) delete md[k];
        else md[k] = previous.metadata[k];
      }
      md.name = previous.metadata.name;
      if (opts.subresource === 'status') {
        const status = candidate.status;
        const merged = structuredClone(previous);
        merged.status = status;
        Object.assign(candidate, merged);
      } else if (resource.subresources.includes('status')) {
        if (previous.status === undefined) delete candidate.status;
        else candidate.status = previous.status;
      }
    } else {
      md.uid = randomUUID();
      md.creationTimestamp = nowIso();
      delete md.deletionTimestamp;
      delete md.deletionGracePeriodSeconds;
      delete md.resourceVersion;
      if (resource.subresources.includes('status')) delete candidate.status;
    }
    applyDefaults(resource, candidate, previous, this.#ctx);
    validateObject(resource, candidate, previous);
    if (resource.tracksGeneration) {
      const gen = Number(previous?.metadata.generation ?? 0);
      md.generation = !previous
        ? 1
        : deepEqual(specPart(candidate), specPart(previous))
          ? gen
          : gen + 1;
    } else {
      delete md.generation;
    }
    if (track === 'update')
      recordUpdate(previous, candidate, opts.manager, apiVersionOf(resource), opts.subresource);
    if (previous) {
      candidate.metadata.resourceVersion = previous.metadata.resourceVersion;
      if (deepEqual(comparable(candidate), comparable(previous))) return previous;
    }
    if (opts.dryRun) return candidate;
    if (!previous) return this.#store.create(resource, candidate);
    if (md.deletionTimestamp && (md.finalizers ?? []).length === 0 && resource.kind !== 'Pod') {
      return this.#store.remove(resource, md.namespace, md.name) ?? candidate;
    }
    return this.#store.update(resource, candidate);
  }

  create(
    resource: ResourceType,
    namespace: string | undefined,
    body: KubeObject,
    opts: WriteOptions
  ): KubeObject {
    this.#checkIdentity(resource, namespace, body);
    const md = body.metadata;
    if (!md.name && md.generateName) md.name = `${String(md.generateName)}${randomSuffix(5)}`;
    this.#checkNamespace(resource, namespace, true, String(md.name ?? ''));
    if (md.name && this.#store.get(resource, namespace, md.name)) {
      throw alreadyExists(resource.plural, resource.group, md.name);
    }
    delete md.managedFields;
    return this.#commit(resource, undefined, body, opts, 'update');
  }

  replace(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    body: KubeObject,
    opts: WriteOptions
  ): KubeObject {
    this.#checkIdentity(resource, namespace, body, name);
    this.#checkNamespace(resource, namespace, false);
    const previous = this.get(resource, namespace, name);
    const rv = body.metadata.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== previous.metadata.resourceVersion) {
      throw conflict(
        resource.plural,
        resource.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again'
      );
    }
    if (body.metadata.managedFields === undefined)
      body.metadata.managedFields = previous.metadata.managedFields;
    return this.#commit(resource, previous, body, opts, 'update');
  }

  patch(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    rawBody: string,
    contentType: string,
    opts: WriteOptions
  ): KubeObject {
    if (!PATCH_TYPES.includes(contentType)) {
      throw new ApiError(
        415,
        'UnsupportedMediaType',
        `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`
      );
    }
    this.#checkNamespace(resource, namespace, contentType === APPLY_PATCH, name);
    if (contentType === APPLY_PATCH || contentType === 'application/apply-patch+cbor') {
      return this.#apply(resource, namespace, name, rawBody, opts);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawBody);
    } catch (e) {
      throw badRequest(`error decoding patch: ${(e as Error).message}`);
    }
    const previous = this.get(resource, namespace, name);
    let patched: KubeObject;
    if (contentType === 'application/json-patch+json') patched = jsonPatch(previous, parsed);
    else if (contentType === 'application/merge-patch+json') patched = mergePatch(previous, parsed);
    else patched = strategicMergePatch(previous, parsed);
    const rv = patched.metadata?.resourceVersion;
    if (rv !== undefined && rv !== previous.metadata.resourceVersion) {
      throw conflict(
        resource.plural,
        resource.group,
        name,
        'the object has been modified; please apply your changes to the latest version and try again'
      );
    }
    this.#checkIdentity(resource, namespace, patched, name);
    return this.#commit(resource, previous, patched, opts, 'update');
  }

  #apply(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    rawBody: string,
    opts: WriteOptions
  ): KubeObject {
    if (!opts.manager) {
      throw badRequest(
        'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch'
      );
    }
    let applied: unknown;
    try {
      applied = parseYaml(rawBody);
    } catch (e) {
      throw badRequest(`error decoding YAML: ${(e as Error).message}`);
    }
    if (!isPlainObject(applied))
      throw badRequest('error decoding YAML: the applied configuration must be an object');
    if (!applied.apiVersion || !applied.kind) {
      throw badRequest(
        "error decoding YAML: Object 'Kind' is missing or 'apiVersion' is missing in applied configuration"
      );
    }
    this.#checkIdentity(resource, namespace, applied, name);
    const previous = this.#store.get(resource, namespace, name);
    if (opts.subresource === 'status') {
      if (!previous) throw notFound(resource.plural, resource.group, name);
      const base = previous;
      const next = structuredClone(base);
      next.status = { ...(base.status ?? {}), ...(applied.status ?? {}) };
      return this.#commit(resource, base, next, opts, 'none');
    }
    const result = serverSideApply({
      existing: previous,
      applied,
      manager: opts.manager,
      force: opts.force === true,
      apiVersion: apiVersionOf(resource),
      describe: () => ({ plural: resource.plural, group: resource.group, name })
    });
    result.apiVersion = apiVersionOf(resource);
    result.kind = resource.kind;
    result.metadata.name = name;
    if (resource.namespaced) result.metadata.namespace = namespace;
    return this.#commit(resource, previous, result, opts, 'none');
  }

  delete(
    resource: ResourceType,
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions
  ): KubeObject {
    const obj = this.get(resource, namespace, name);
    const pre = opts.preconditions;
    if (pre?.uid && pre.uid !== obj.metadata.uid) {
      throw conflict(
        resource.plural,
        resource.group,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(obj.metadata.uid)}`
      );
    }
    if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
      throw conflict(
        resource.plural,
        resource.group,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${String(obj.metadata.resourceVersion)}`
      );
    }
    if (opts.dryRun) return obj;
    if (resource.kind === 'Pod') return this.#deletePod(resource, obj, opts);
    const finalizers = [
      ...(obj.metadata.finalizers ?? []),
      ...(resource.kind === 'Namespace' ? (obj.spec?.finalizers ?? []) : [])
    ];
    if (finalizers.length > 0) {
      if (obj.metadata.deletionTimestamp) return obj;
      obj.metadata.deletionTimestamp = nowIso();
      obj.metadata.deletionGracePeriodSeconds = 0;
      if (resource.kind === 'Namespace') obj.status = { ...obj.status, phase: 'Terminating' };
      return this.#store.update(resource, obj);
    }
    if (opts.propagationPolicy === 'Orphan') this.#orphanDependents(obj.metadata.uid);
    this.#store.remove(resource, namespace, name);
    return statusObject(200, '', '', {
      name,
      group: resource.group,
      kind: resource.plural,
      uid: obj.metadata.uid
    });
  }

  #deletePod(resource: ResourceType, pod: KubeObject, opts: DeleteOptions): KubeObject {
    const grace = opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    if (grace === 0 || !pod.spec?.nodeName) {
      return this.#store.remove(resource, pod.metadata.namespace, pod.metadata.name) ?? pod;
    }
    if (pod.metadata.deletionTimestamp) {
      if (grace < (pod.metadata.deletionGracePeriodSeconds ?? Infinity)) {
        pod.metadata.deletionGracePeriodSeconds = grace;
        return this.#store.update(resource, pod);
      }
      return pod;
    }
    pod.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000)
      .toISOString()
      .replace(/\.\d+Z$/, 'Z');
    pod.metadata.deletionGracePeriodSeconds = grace;
    return this.#store.update(resource, pod);
  }

  #orphanDependents(uid: string): void {
    for (const r of RESOURCES) {
      for (const obj of this.#store.list(r)) {
        const refs = (obj.metadata.ownerReferences ?? []) as KubeObject[];
        if (!refs.some(ref => ref.uid === uid)) continue;
        obj.metadata.ownerReferences = refs.filter(ref => ref.uid !== uid);
        if (obj.metadata.ownerReferences.length === 0) delete obj.metadata.ownerReferences;
        this.#store.update(r, obj);
      }
    }
  }
}

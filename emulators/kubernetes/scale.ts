import { badRequest } from './errors.ts';
import { isPlainObject } from './fieldpaths.ts';
import { jsonPatch, mergePatch } from './patch.ts';
import { selectorToString } from './selectors.ts';
import type { KubeObject } from './types.ts';

/** The autoscaling/v1 Scale view of a Deployment or ReplicaSet. */
export function toScale(obj: KubeObject): KubeObject {
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: {
      name: obj.metadata.name,
      namespace: obj.metadata.namespace,
      uid: obj.metadata.uid,
      resourceVersion: obj.metadata.resourceVersion,
      creationTimestamp: obj.metadata.creationTimestamp
    },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: {
      replicas: obj.status?.replicas ?? 0,
      selector: selectorToString(obj.spec?.selector)
    }
  };
}

/** Replica count requested by a Scale update or patch. */
export function requestedReplicas(
  current: KubeObject,
  body: string,
  contentType: string | undefined
): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw badRequest('the Scale body is not valid JSON');
  }
  const scale = toScale(current);
  let next: KubeObject;
  if (contentType === undefined || contentType.startsWith('application/json')) {
    next =
      contentType === 'application/json-patch+json'
        ? jsonPatch(scale, parsed)
        : (parsed as KubeObject);
  } else {
    next = mergePatch(scale, parsed);
  }
  const replicas = isPlainObject(next.spec) ? next.spec.replicas : undefined;
  if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) {
    throw badRequest('spec.replicas must be a non-negative integer');
  }
  return replicas;
}

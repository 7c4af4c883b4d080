import type { KubernetesObject } from '@kubernetes/client-node';

/** `Kind namespace/name`, the way people refer to objects in logs. */
export function describeObject(object: KubernetesObject): string {
  const ns = object.metadata?.namespace;
  return `${object.kind} ${ns ? `${ns}/` : ''}${object.metadata?.name}`;
}

/** Identity of an object across versions of its group: kind, namespace and name. */
export function objectKey(object: KubernetesObject): string {
  return `${object.kind}/${object.metadata?.namespace ?? ''}/${object.metadata?.name}`;
}

import type { KubernetesObject } from '@kubernetes/client-node';
import type { TestCluster } from '../../tools/fixtures/cluster.ts';

const MANAGED = [
  ['v1', 'ConfigMap'],
  ['v1', 'Service'],
  ['v1', 'PersistentVolumeClaim'],
  ['apps/v1', 'Deployment'],
  ['autoscaling/v2', 'HorizontalPodAutoscaler'],
  ['policy/v1', 'PodDisruptionBudget'],
  ['networking.k8s.io/v1', 'NetworkPolicy']
] as const;

/** The action's objects in the namespace (not the API server's, not the test's claims). */
export async function managedObjects(cluster: TestCluster): Promise<KubernetesObject[]> {
  const objects: KubernetesObject[] = [];
  for (const [apiVersion, kind] of MANAGED)
    for (const object of await cluster.list<KubernetesObject>(apiVersion, kind))
      if (object.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'gadgetron-actions')
        objects.push({ ...object, kind });
  return objects;
}

/**
 * The stored objects without what controllers change on their own: status, resourceVersion,
 * the Deployment controller's revision, and a Deployment's replica count, which is the
 * autoscaler's to set (it does not scale down again within its stabilisation window).
 */
export async function storedState(cluster: TestCluster): Promise<Record<string, unknown>> {
  const state: Record<string, unknown> = {};
  for (const object of await managedObjects(cluster)) {
    const {
      metadata,
      status: _status,
      ...rest
    } = JSON.parse(JSON.stringify(object)) as {
      metadata: {
        labels?: object;
        annotations?: Record<string, string>;
        name: string;
        resourceVersion?: string;
        managedFields?: unknown;
      };
      status?: unknown;
      spec?: { replicas?: number };
    };
    const annotations = { ...metadata.annotations };
    delete annotations['deployment.kubernetes.io/revision'];
    if (object.kind === 'Deployment' && rest.spec) delete rest.spec.replicas;
    state[`${object.kind}/${metadata.name}`] = { labels: metadata.labels, annotations, ...rest };
  }
  return state;
}

/** The keys whose states differ. */
export function changedKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .filter(key => JSON.stringify(a[key]) !== JSON.stringify(b[key]))
    .sort();
}

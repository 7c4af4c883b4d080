import type { KubernetesObject } from '@kubernetes/client-node';
import type { KubeClient } from './connect.ts';
import { applyObjects } from './apply.ts';
import { objectKey } from './objects.ts';
import type { RetryPolicy } from './retry.ts';

/**
 * Makes sure the namespace exists. Namespaces are shared by the suite's actions and whatever else
 * runs there, so they are labelled but never pruned.
 */
export async function ensureNamespace(
  client: KubeClient,
  name: string,
  options: { dryRun?: boolean; retry: RetryPolicy }
): Promise<void> {
  const namespace: KubernetesObject = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name, labels: { 'app.kubernetes.io/managed-by': 'gadgetron-actions' } }
  };
  await applyObjects(client, [namespace], {
    ...options,
    live: new Map([[objectKey(namespace), namespace]])
  });
}

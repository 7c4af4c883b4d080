/** What a failed or finished rollout leaves to tell: pods' recent logs, pods still draining. */
import type { V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from './connect.ts';
import { describeApiError } from './errors.ts';

export type LogTail =
  | { readonly pod: string; readonly lines: readonly string[] }
  /** The API server's own answer when it has no log to give (a container that never ran). */
  | { readonly pod: string; readonly unavailable: string };

/** The last `lines` log lines of a pod's container, or why there are none. */
export async function logTail(
  client: KubeClient,
  namespace: string,
  pod: string,
  container: string,
  lines = 20
): Promise<LogTail> {
  try {
    const text = await client.core.readNamespacedPodLog({
      name: pod,
      namespace,
      container,
      tailLines: lines
    });
    return {
      pod,
      lines: String(text ?? '')
        .split('\n')
        .filter(Boolean)
    };
  } catch (error) {
    return { pod, unavailable: describeApiError(error) };
  }
}

/** Pods of the selector that are terminating: the previous version, finishing its work. */
export async function drainingPods(
  client: KubeClient,
  namespace: string,
  matchLabels: Readonly<Record<string, string>>
): Promise<V1Pod[]> {
  const labelSelector = Object.entries(matchLabels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = await client.core.listNamespacedPod({ namespace, labelSelector });
  return pods.items.filter(p => p.metadata?.deletionTimestamp);
}

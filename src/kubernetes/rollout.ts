import type { CoreV1Event, V1Deployment, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from './connect.ts';
import { observe } from './observe.ts';
import { assessRollout, type PodProblem, type RolloutState } from './rollout-status.ts';
import { withRetry } from './retry.ts';

export type RolloutOutcome =
  | { readonly result: 'complete'; readonly deployment: V1Deployment; readonly elapsedMs: number }
  | {
      readonly result: 'failed' | 'timeout';
      readonly summary: string;
      readonly problems: readonly PodProblem[];
      readonly events: readonly string[];
      readonly elapsedMs: number;
    };

export interface RolloutWatch {
  readonly namespace: string;
  readonly name: string;
  readonly timeoutMs: number;
  /** Called on every change of the rollout's state; the caller rate-limits what it prints. */
  readonly onProgress: (state: RolloutState) => void;
  readonly onTrouble?: (message: string) => void;
  /** The Deployment's pod selector when the caller knows it (it is immutable); read otherwise. */
  readonly matchLabels?: Readonly<Record<string, string>>;
}

/**
 * Follows a Deployment's rollout through watches on the Deployment and its pods (no polling)
 * until it completes, fails or runs out of time.
 */
export async function waitForRollout(
  client: KubeClient,
  watch: RolloutWatch
): Promise<RolloutOutcome> {
  const startedAt = Date.now();
  let deployment: V1Deployment | undefined;
  let pods: V1Pod[] = [];
  let settle!: (state: RolloutState | 'timeout') => void;
  const settled = new Promise<RolloutState | 'timeout'>(resolve => (settle = resolve));

  let waitedForNodes = false;
  const evaluate = (): void => {
    if (!deployment) return;
    const state = assessRollout(deployment, pods, waitedForNodes);
    if (state.state === 'progressing' && state.pendingForNodes > 0) waitedForNodes = true;
    watch.onProgress(state);
    if (state.state !== 'progressing') settle(state);
  };

  const selector = labelSelector(
    watch.matchLabels ?? (await podLabels(client, watch.namespace, watch.name))
  );
  const deployments = observe<V1Deployment>(
    client,
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      path: `/apis/apps/v1/namespaces/${watch.namespace}/deployments`,
      namespace: watch.namespace,
      fieldSelector: `metadata.name=${watch.name}`
    },
    objects => {
      deployment = objects.get(watch.name);
      evaluate();
    },
    watch.onTrouble
  );
  const podWatch = observe<V1Pod>(
    client,
    {
      apiVersion: 'v1',
      kind: 'Pod',
      path: `/api/v1/namespaces/${watch.namespace}/pods`,
      namespace: watch.namespace,
      labelSelector: selector
    },
    objects => {
      pods = [...objects.values()];
      evaluate();
    },
    watch.onTrouble
  );
  const timer = setTimeout(() => settle('timeout'), watch.timeoutMs);
  const outcome = await settled;
  clearTimeout(timer);
  await Promise.all([deployments.stop(), podWatch.stop()]);

  const elapsedMs = Date.now() - startedAt;
  if (outcome !== 'timeout' && outcome.state === 'complete' && deployment) {
    return { result: 'complete', deployment, elapsedMs };
  }
  const last = deployment ? assessRollout(deployment, pods, waitedForNodes) : undefined;
  // At the deadline, the pods still waiting on a dependency are what held the rollout up.
  const problems =
    outcome !== 'timeout' && outcome.state === 'failed'
      ? outcome.problems
      : last?.state === 'progressing'
        ? last.waiting
        : [];
  const names = new Set([watch.name, ...pods.map(p => p.metadata?.name ?? '')]);
  return {
    result: outcome === 'timeout' ? 'timeout' : 'failed',
    summary:
      outcome === 'timeout'
        ? `timed out: ${last?.summary ?? 'deployment not found'}`
        : outcome.summary,
    problems,
    events: await recentEvents(client, watch.namespace, names),
    elapsedMs
  };
}

async function podLabels(
  client: KubeClient,
  namespace: string,
  name: string
): Promise<Record<string, string>> {
  const deployment = await withRetry('read deployment', () =>
    client.apps.readNamespacedDeployment({ name, namespace })
  );
  return deployment.spec?.selector.matchLabels ?? {};
}

function labelSelector(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
}

/** Warning events about the Deployment, its ReplicaSets and pods, newest last. */
async function recentEvents(
  client: KubeClient,
  namespace: string,
  names: Set<string>
): Promise<string[]> {
  try {
    const list = await withRetry('list events', () =>
      client.core.listNamespacedEvent({ namespace })
    );
    const prefix = [...names][0] ?? '';
    return list.items
      .filter((event: CoreV1Event) => {
        const involved = event.involvedObject.name ?? '';
        return names.has(involved) || involved.startsWith(`${prefix}-`);
      })
      .filter(event => event.type === 'Warning' || event.reason === 'TriggeredScaleUp')
      .sort((a, b) => eventTime(a) - eventTime(b))
      .slice(-12)
      .map(
        event =>
          `${event.involvedObject.kind}/${event.involvedObject.name}: ${event.reason}: ${event.message ?? ''}`
      );
  } catch {
    return [];
  }
}

function eventTime(event: CoreV1Event): number {
  const time = event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
  return time ? new Date(time).getTime() : 0;
}

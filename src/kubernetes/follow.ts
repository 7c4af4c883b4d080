import * as core from '@actions/core';
import type { KubeClient } from './connect.ts';
import { waitForRollout, type RolloutOutcome } from './rollout.ts';
import { ProgressReporter } from '../runtime/progress.ts';

const PROGRESS_INTERVAL_MS = 10_000;

/**
 * Follows a Deployment's rollout and tells the log about it: a progress line at most every
 * 10 s, once that pods wait for the cluster autoscaler (progress, not failure), and any trouble
 * with the watches.
 */
export async function followRollout(
  client: KubeClient,
  namespace: string,
  name: string,
  timeoutMs: number,
  matchLabels?: Readonly<Record<string, string>>
): Promise<RolloutOutcome> {
  const progress = new ProgressReporter(PROGRESS_INTERVAL_MS, line => core.info(line));
  let toldAboutNodes = false;
  return waitForRollout(client, {
    namespace,
    name,
    timeoutMs,
    ...(matchLabels ? { matchLabels } : {}),
    onProgress: state => {
      if (state.state === 'progressing' && state.pendingForNodes > 0 && !toldAboutNodes) {
        toldAboutNodes = true;
        core.info(
          `${state.pendingForNodes} pod(s) wait for a node: the cluster autoscaler is adding capacity, which takes a few minutes.`
        );
      }
      progress.report(`Rollout of ${name}: ${state.summary}`, state.state !== 'progressing');
    },
    onTrouble: message => core.info(`(${message})`)
  });
}

/**
 * The NVIDIA device plugin on the GPU pool, and the wait until the GPU nodes advertise
 * nvidia.com/gpu (what the scheduler needs before a pod asking for a GPU can run).
 */
import { readFileSync } from 'node:fs';
import type { KubernetesObject, V1Node } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { ActionFailure } from '../runtime/failure.ts';
import { ProgressReporter, formatElapsed } from '../runtime/progress.ts';
import { applyObjects, type AppliedObject } from './apply.ts';
import type { KubeClient } from './connect.ts';
import { describeApiError } from './errors.ts';
import { defaultManifestsDir } from '../render/manifests.ts';
import { sleep, type RetryPolicy } from './retry.ts';

export const GPU_RESOURCE = 'nvidia.com/gpu';
/** The label the cluster template puts on the GPU pool's nodes. */
export const GPU_NODE_SELECTOR = 'gadgetron-pool=gpu';

export function devicePluginObject(): KubernetesObject {
  const dir = defaultManifestsDir(new URL(import.meta.url), 'gpu');
  return parse(readFileSync(new URL('nvidia-device-plugin.yaml', dir), 'utf8')) as KubernetesObject;
}

export async function applyDevicePlugin(
  client: KubeClient,
  retry?: RetryPolicy
): Promise<AppliedObject[]> {
  return applyObjects(client, [devicePluginObject()], retry ? { retry } : {});
}

/** GPU nodes that do not advertise a GPU yet. */
function waiting(nodes: readonly V1Node[]): string[] {
  return nodes
    .filter(n => !(Number(n.status?.allocatable?.[GPU_RESOURCE] ?? 0) > 0))
    .map(n => n.metadata?.name ?? '?');
}

/**
 * Waits until every node of the GPU pool advertises nvidia.com/gpu. A pool at zero nodes has
 * nothing to wait for: the autoscaler adds a node when a pod asks for a GPU, and the plugin
 * starts there with it.
 */
export async function waitForGpuNodes(
  client: KubeClient,
  options: { log: (line: string) => void; timeoutMs: number; pollMs?: number }
): Promise<{ nodes: number }> {
  const progress = new ProgressReporter(15_000, options.log);
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    let nodes: V1Node[];
    try {
      nodes = (await client.core.listNode({ labelSelector: GPU_NODE_SELECTOR })).items;
    } catch (error) {
      throw new ActionFailure(`Listing the GPU nodes failed: ${describeApiError(error)}`);
    }
    const pending = waiting(nodes);
    if (nodes.length === 0) {
      options.log(
        `The GPU pool has no nodes now; the autoscaler adds one when a pod asks for ${GPU_RESOURCE}, and the device plugin starts on it.`
      );
      return { nodes: 0 };
    }
    if (pending.length === 0) {
      options.log(
        `${nodes.length} GPU node(s) advertise ${GPU_RESOURCE} after ${formatElapsed(progress.elapsedMs())}.`
      );
      return { nodes: nodes.length };
    }
    if (Date.now() > deadline) {
      throw new ActionFailure(
        `GPU node(s) ${pending.join(', ')} do not advertise ${GPU_RESOURCE} after ${formatElapsed(progress.elapsedMs())}: check the nvidia-device-plugin pods in kube-system (kubectl -n kube-system describe daemonset nvidia-device-plugin) and that the nodes have the NVIDIA driver.`
      );
    }
    progress.report(`Waiting for GPU node(s) ${pending.join(', ')} to advertise ${GPU_RESOURCE}`);
    await sleep(options.pollMs ?? 2_000);
  }
}

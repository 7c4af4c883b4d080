/**
 * What the NVIDIA device plugin does on a GPU node: once its pod runs there, the kubelet
 * advertises the node's GPUs as `nvidia.com/gpu`. Without the plugin, AKS GPU nodes advertise
 * none ("Use GPUs on AKS": the driver comes with the node image, the plugin does not).
 */
import * as k8s from '@kubernetes/client-node';
import { keepInformed, mergePatch } from './informer.ts';
import type { NodePool } from '../node-pools.ts';
import { poolOf } from '../node-pools.ts';

function isDevicePlugin(pod: k8s.V1Pod): boolean {
  return (pod.spec?.containers ?? []).some(c => /nvidia\/k8s-device-plugin/.test(c.image ?? ''));
}

export function runGpuAdvertising(kc: k8s.KubeConfig, pools: readonly NodePool[]): void {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nodes = keepInformed<k8s.V1Node>(
    kc,
    '/api/v1/nodes',
    () => core.listNode(),
    () => {}
  );
  keepInformed<k8s.V1Pod>(
    kc,
    '/api/v1/pods',
    () => core.listPodForAllNamespaces(),
    pod => {
      if (!isDevicePlugin(pod) || pod.status?.phase !== 'Running' || !pod.spec?.nodeName) return;
      const node = nodes.get(pod.spec.nodeName);
      const gpus = node && poolOf(node, pools)?.vmSize.gpus;
      if (!node || !gpus || node.status?.allocatable?.['nvidia.com/gpu']) return;
      const count = String(gpus);
      void core
        .patchNodeStatus(
          {
            name: pod.spec.nodeName,
            body: {
              status: {
                capacity: { 'nvidia.com/gpu': count },
                allocatable: { 'nvidia.com/gpu': count }
              }
            }
          },
          mergePatch
        )
        .catch(error => console.error(String(error)));
    }
  );
}

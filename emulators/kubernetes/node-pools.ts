/**
 * Node pools shaped like the ones manifests/azure/aks-cluster.json creates with its defaults, as
 * kwok nodes: the pool's labels and taints, and the allocatable CPU and memory AKS leaves to pods
 * on that VM size.
 */
import type { V1Node, V1Taint } from '@kubernetes/client-node';

export interface VmSize {
  readonly name: string;
  readonly cpus: number;
  readonly memoryGiB: number;
  readonly gpus: number;
}

/** Azure's published sizes (learn.microsoft.com/azure/virtual-machines/sizes). */
export const VM_SIZES: Readonly<Record<string, VmSize>> = {
  Standard_D2s_v5: { name: 'Standard_D2s_v5', cpus: 2, memoryGiB: 8, gpus: 0 },
  Standard_D4s_v5: { name: 'Standard_D4s_v5', cpus: 4, memoryGiB: 16, gpus: 0 },
  Standard_D8s_v5: { name: 'Standard_D8s_v5', cpus: 8, memoryGiB: 32, gpus: 0 },
  Standard_NC4as_T4_v3: { name: 'Standard_NC4as_T4_v3', cpus: 4, memoryGiB: 28, gpus: 1 }
};

export interface NodePool {
  readonly name: string;
  readonly vmSize: VmSize;
  /** Nodes when the cluster starts. */
  readonly count: number;
  /** The autoscaler adds nodes up to this many. */
  readonly maxCount: number;
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly V1Taint[];
}

/**
 * The template's pools at their defaults, and `burst`: a small tainted pool that only pods
 * tolerating it use, so a test can fill it and watch the autoscaler grow it while other tests
 * share the rest of the cluster.
 */
export const DEFAULT_POOLS: readonly NodePool[] = [
  {
    name: 'system',
    vmSize: VM_SIZES.Standard_D2s_v5 as VmSize,
    count: 2,
    maxCount: 2,
    labels: { 'kubernetes.azure.com/mode': 'system' },
    taints: [{ key: 'CriticalAddonsOnly', value: 'true', effect: 'NoSchedule' }]
  },
  {
    name: 'gadgetron',
    vmSize: VM_SIZES.Standard_D8s_v5 as VmSize,
    count: 2,
    maxCount: 10,
    labels: { 'kubernetes.azure.com/mode': 'user', 'gadgetron-pool': 'cpu' },
    taints: []
  },
  {
    name: 'gpu',
    vmSize: VM_SIZES.Standard_NC4as_T4_v3 as VmSize,
    count: 0,
    maxCount: 2,
    labels: { 'kubernetes.azure.com/mode': 'user', 'gadgetron-pool': 'gpu' },
    taints: [{ key: 'sku', value: 'gpu', effect: 'NoSchedule' }]
  },
  {
    name: 'burst',
    vmSize: VM_SIZES.Standard_D4s_v5 as VmSize,
    count: 1,
    maxCount: 8,
    labels: { 'kubernetes.azure.com/mode': 'user', 'gadgetron-pool': 'burst' },
    taints: [{ key: 'gadgetron-pool', value: 'burst', effect: 'NoSchedule' }]
  }
];

const MAX_PODS = 250;

/**
 * What AKS reserves for the kubelet and the OS (learn.microsoft.com/azure/aks/node-resource-reservations):
 * CPU 60m for the first core, 40m for the second, 20m each for the third and fourth, 10m for each
 * further core; memory the lesser of 20 MB per pod (max pods 250 with Azure CNI overlay) + 50 MB
 * and 25 % of the VM, plus a 100 MiB eviction threshold.
 */
export function allocatable(size: VmSize): { cpu: string; memory: string } {
  const cores = size.cpus;
  const reservedMilli =
    60 +
    (cores > 1 ? 40 : 0) +
    Math.max(0, Math.min(cores, 4) - 2) * 20 +
    Math.max(0, cores - 4) * 10;
  const totalKi = size.memoryGiB * 1024 * 1024;
  const reservedKi = Math.min(((20 * MAX_PODS + 50) * 1e6) / 1024, totalKi * 0.25) + 100 * 1024;
  return {
    cpu: `${cores * 1000 - reservedMilli}m`,
    memory: `${Math.floor(totalKi - reservedKi)}Ki`
  };
}

/** Marks a node as kwok's to simulate. */
export const KWOK_NODE_ANNOTATION = { 'kwok.x-k8s.io/node': 'fake' };

/** The Node object of the `index`th node of a pool, named like AKS names VM scale set nodes. */
export function nodeOf(pool: NodePool, index: number): V1Node {
  const name = `aks-${pool.name}-00000000-vmss${index.toString(36).padStart(6, '0')}`;
  const { cpu, memory } = allocatable(pool.vmSize);
  const capacity: Record<string, string> = {
    cpu: String(pool.vmSize.cpus),
    memory: `${pool.vmSize.memoryGiB}Gi`,
    pods: String(MAX_PODS)
  };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: { ...KWOK_NODE_ANNOTATION },
      labels: {
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': name,
        'kubernetes.azure.com/agentpool': pool.name,
        agentpool: pool.name,
        'node.kubernetes.io/instance-type': pool.vmSize.name,
        type: 'kwok',
        ...pool.labels
      }
    },
    spec: { taints: pool.taints.map(t => ({ ...t })), providerID: `kwok://${name}` },
    status: {
      capacity,
      allocatable: { cpu, memory, pods: String(MAX_PODS) }
    }
  };
}

/** The pool a node belongs to, by its agentpool label. */
export function poolOf(node: V1Node, pools: readonly NodePool[]): NodePool | undefined {
  const name = node.metadata?.labels?.['kubernetes.azure.com/agentpool'];
  return pools.find(p => p.name === name);
}

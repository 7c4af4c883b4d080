/** The cluster the user asked for, and the parameters of manifests/azure/aks-cluster.json that describe it. */

export interface ClusterSpec {
  readonly resourceGroup: string;
  readonly name: string;
  /** Region; undefined means the resource group's. */
  readonly location: string | undefined;
  /** undefined lets AKS choose (and keeps whatever version a cluster already runs). */
  readonly kubernetesVersion: string | undefined;
  readonly systemVmSize: string;
  readonly nodeVmSize: string;
  readonly minNodes: number;
  readonly maxNodes: number;
  readonly gpu: boolean;
  /** The cluster autoscaler's eviction grace in seconds. */
  readonly maxGracefulTerminationSec: number;
  /** The user's tags; the template adds managed-by and gadgetron-cluster. */
  readonly tags: Record<string, string>;
}

export const CLUSTER_TEMPLATE = 'aks-cluster';
export const CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters';

/** One deployment name per cluster, so ARM's history shows one entry each. */
export function clusterDeploymentName(name: string): string {
  return `gadgetron-cluster-${name}`.slice(0, 64);
}

export function clusterParameters(spec: ClusterSpec, location: string): Record<string, unknown> {
  return {
    clusterName: spec.name,
    location,
    kubernetesVersion: spec.kubernetesVersion ?? '',
    systemVmSize: spec.systemVmSize,
    nodeVmSize: spec.nodeVmSize,
    minNodes: spec.minNodes,
    maxNodes: spec.maxNodes,
    gpu: spec.gpu,
    gpuMaxNodes: spec.maxNodes,
    maxGracefulTerminationSec: String(spec.maxGracefulTerminationSec),
    tags: spec.tags
  };
}

/** The agent pools the template declares for a spec: what an up-to-date cluster has. */
export interface PoolSpec {
  readonly name: string;
  readonly mode: 'System' | 'User';
  readonly vmSize?: string;
  readonly enableAutoScaling: boolean;
  readonly minCount?: number;
  readonly maxCount?: number;
  readonly nodeTaints: readonly string[];
}

export function desiredPools(spec: ClusterSpec): PoolSpec[] {
  const pools: PoolSpec[] = [
    {
      name: 'system',
      mode: 'System',
      vmSize: spec.systemVmSize,
      enableAutoScaling: false,
      nodeTaints: ['CriticalAddonsOnly=true:NoSchedule']
    },
    {
      name: 'gadgetron',
      mode: 'User',
      vmSize: spec.nodeVmSize,
      enableAutoScaling: true,
      minCount: spec.minNodes,
      maxCount: spec.maxNodes,
      nodeTaints: []
    }
  ];
  if (spec.gpu) {
    pools.push({
      name: 'gpu',
      mode: 'User',
      enableAutoScaling: true,
      minCount: 0,
      maxCount: spec.maxNodes,
      nodeTaints: ['sku=gpu:NoSchedule']
    });
  }
  return pools;
}

/** The cluster the user asked for, and the parameters of manifests/azure/aks-cluster.json that describe it. */

export type NodeOSUpgradeChannel = 'None' | 'Unmanaged' | 'NodeImage' | 'SecurityPatch';
export type Weekday =
  'Monday' | 'Tuesday' | 'Wednesday' | 'Thursday' | 'Friday' | 'Saturday' | 'Sunday';

/** A weekly window (UTC) in which AKS may upgrade Kubernetes and the nodes' OS image. */
export interface MaintenanceWindow {
  readonly day: Weekday;
  /** `HH:MM`, UTC. */
  readonly startTime: string;
  /** 4 to 24 (AKS's range). */
  readonly durationHours: number;
}

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
  /** The cluster autoscaler's eviction grace in seconds; also what an upgrade's drain must allow. */
  readonly maxGracefulTerminationSec: number;
  readonly nodeOSUpgradeChannel: NodeOSUpgradeChannel;
  readonly maintenance: MaintenanceWindow;
  /** CIDRs that may reach the API server; empty for any. */
  readonly authorizedIpRanges: readonly string[];
  readonly tier: 'Free' | 'Standard';
  /** Entra ID sign-in only (AKS-managed Entra ID with Azure RBAC). */
  readonly disableLocalAccounts: boolean;
  /** The user's tags; the template adds managed-by and gadgetron-cluster. */
  readonly tags: Record<string, string>;
}

export const CLUSTER_TEMPLATE = 'aks-cluster';
export const CLUSTER_TYPE = 'Microsoft.ContainerService/managedClusters';
export const POOL_TYPE = 'Microsoft.ContainerService/managedClusters/agentPools';
export const MAINTENANCE_TYPE =
  'Microsoft.ContainerService/managedClusters/maintenanceConfigurations';
/** The two windows AKS reads: Kubernetes upgrades, and node OS image upgrades (AKS "Planned maintenance"). */
export const MAINTENANCE_CONFIGURATIONS = [
  'aksManagedAutoUpgradeSchedule',
  'aksManagedNodeOSUpgradeSchedule'
] as const;

/** Pools this suite creates as their own resources, and the one it adds and removes with `gpu`. */
export const GADGETRON_POOL = 'gadgetron';
export const GPU_POOL = 'gpu';

/**
 * Minutes an upgrade waits for a node to drain (AKS: 30 by default, "if this time is exceeded,
 * the upgrade fails", schema 2026-05-01): the pods' grace period plus ten minutes for the
 * eviction itself and the next pod's start, at most AKS's 1440.
 */
export function drainTimeoutMinutes(graceSeconds: number): number {
  return Math.min(1440, Math.ceil(graceSeconds / 60) + 10);
}

/** One deployment name per cluster, so ARM's history shows one entry each. */
export function clusterDeploymentName(name: string): string {
  return `gadgetron-cluster-${name}`.slice(0, 64);
}

/** Live node counts of the pools that exist; a new pool starts at its minimum. */
export interface PoolCounts {
  readonly gadgetron: number | undefined;
  readonly gpu: number | undefined;
}

export function clusterParameters(
  spec: ClusterSpec,
  location: string,
  live: PoolCounts
): Record<string, unknown> {
  return {
    clusterName: spec.name,
    location,
    kubernetesVersion: spec.kubernetesVersion ?? '',
    systemVmSize: spec.systemVmSize,
    nodeVmSize: spec.nodeVmSize,
    minNodes: spec.minNodes,
    maxNodes: spec.maxNodes,
    nodeCount: clamp(live.gadgetron ?? spec.minNodes, spec.minNodes, spec.maxNodes),
    gpu: spec.gpu,
    gpuMaxNodes: spec.maxNodes,
    gpuCount: clamp(live.gpu ?? 0, 0, spec.maxNodes),
    maxGracefulTerminationSec: String(spec.maxGracefulTerminationSec),
    drainTimeoutInMinutes: drainTimeoutMinutes(spec.maxGracefulTerminationSec),
    nodeOSUpgradeChannel: spec.nodeOSUpgradeChannel,
    maintenanceDay: spec.maintenance.day,
    maintenanceStartTime: spec.maintenance.startTime,
    maintenanceDurationHours: spec.maintenance.durationHours,
    maintenanceUtcOffset: '+00:00',
    authorizedIpRanges: [...spec.authorizedIpRanges],
    tier: spec.tier,
    disableLocalAccounts: spec.disableLocalAccounts,
    tags: spec.tags
  };
}

/**
 * A PUT sets a pool to its `count` even with autoscaling on (Azure/AKS#1627,
 * terraform-azurerm-aks#91): sending the live count, within the new bounds, keeps the size the
 * autoscaler chose.
 */
function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The agent pools the template declares for a spec: what an up-to-date cluster has. */
export interface PoolSpec {
  readonly name: string;
  readonly mode: 'System' | 'User';
  readonly vmSize: string;
  readonly enableAutoScaling: boolean;
  readonly minCount?: number;
  readonly maxCount?: number;
  readonly nodeTaints: readonly string[];
  /** Only on the pools Gadgetron runs on. */
  readonly drainTimeoutInMinutes?: number;
}

export const GPU_VM_SIZE = 'Standard_NC4as_T4_v3';

export function desiredPools(spec: ClusterSpec): PoolSpec[] {
  const drain = drainTimeoutMinutes(spec.maxGracefulTerminationSec);
  const pools: PoolSpec[] = [
    {
      name: 'system',
      mode: 'System',
      vmSize: spec.systemVmSize,
      enableAutoScaling: false,
      nodeTaints: ['CriticalAddonsOnly=true:NoSchedule']
    },
    {
      name: GADGETRON_POOL,
      mode: 'User',
      vmSize: spec.nodeVmSize,
      enableAutoScaling: true,
      minCount: spec.minNodes,
      maxCount: spec.maxNodes,
      nodeTaints: [],
      drainTimeoutInMinutes: drain
    }
  ];
  if (spec.gpu) {
    pools.push({
      name: GPU_POOL,
      mode: 'User',
      vmSize: GPU_VM_SIZE,
      enableAutoScaling: true,
      minCount: 0,
      maxCount: spec.maxNodes,
      nodeTaints: ['sku=gpu:NoSchedule'],
      drainTimeoutInMinutes: drain
    });
  }
  return pools;
}

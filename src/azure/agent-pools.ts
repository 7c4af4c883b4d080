/** The cluster's agent pools as they are: sizes to keep, changes AKS refuses, pools to remove. */
import type { GenericResource } from '@azure/arm-resources';
import { ActionFailure } from '../runtime/failure.ts';
import type { ArmClients } from './clients.ts';
import { isNotFound } from './errors.ts';
import {
  GADGETRON_POOL,
  GPU_POOL,
  desiredPools,
  type ClusterSpec,
  type PoolCounts
} from './cluster-spec.ts';

type Json = Record<string, unknown>;

export function livePools(cluster: GenericResource | undefined): Json[] {
  const list = (cluster?.properties as Json | undefined)?.agentPoolProfiles;
  return Array.isArray(list) ? (list as Json[]) : [];
}

export function livePool(cluster: GenericResource | undefined, name: string): Json | undefined {
  return livePools(cluster).find(p => String(p.name).toLowerCase() === name.toLowerCase());
}

/** How many nodes each of the suite's autoscaled pools has now (undefined: no such pool). */
export function liveCounts(cluster: GenericResource | undefined): PoolCounts {
  const count = (name: string): number | undefined => {
    const value = livePool(cluster, name)?.count;
    return typeof value === 'number' ? value : undefined;
  };
  return { gadgetron: count(GADGETRON_POOL), gpu: count(GPU_POOL) };
}

/**
 * AKS refuses a pool's new vmSize (PropertyChangeNotAllowed) after the deployment has started;
 * this says so before any write, with the way that works: a new pool.
 */
export function refuseVmSizeChanges(spec: ClusterSpec, cluster: GenericResource): void {
  const problems: string[] = [];
  for (const want of desiredPools(spec)) {
    const have = livePool(cluster, want.name);
    if (!have || String(have.vmSize).toLowerCase() === want.vmSize.toLowerCase()) continue;
    const input = { system: 'system-vm-size', [GADGETRON_POOL]: 'node-vm-size' }[want.name];
    const keep = input
      ? `Keep ${input}: ${String(have.vmSize)}, or add`
      : `Delete the pool (gpu: false) and run again with gpu: true, or add`;
    problems.push(
      `Agent pool ${want.name} of cluster ${spec.name} runs ${String(have.vmSize)}; AKS cannot change a pool's VM size (PropertyChangeNotAllowed). ${keep} a pool of ${want.vmSize} (az aks nodepool add), move the workload and delete the old pool.`
    );
  }
  if (problems.length > 0) throw new ActionFailure(problems.join('\n'));
}

/** The GPU pool when gpu was turned off: a deployment never removes a pool, so it is deleted. */
export function poolsToRemove(spec: ClusterSpec, cluster: GenericResource | undefined): string[] {
  return !spec.gpu && livePool(cluster, GPU_POOL) ? [GPU_POOL] : [];
}

/** Agent pools the live cluster has beyond the template's and the suite's: kept, with a warning. */
export function extraPools(spec: ClusterSpec, cluster: GenericResource): string[] {
  const known = new Set([...desiredPools(spec).map(p => p.name), GPU_POOL]);
  return livePools(cluster)
    .map(p => String(p.name))
    .filter(name => !known.has(name.toLowerCase()));
}

/** Deletes one pool (a long-running operation: AKS drains its nodes first); raw errors, for retries. */
export async function deletePool(
  clients: ArmClients,
  clusterId: string,
  pool: string,
  apiVersion: string
): Promise<void> {
  try {
    await clients.resources.resources.deleteById(
      `${clusterId}/agentPools/${pool}`.replace(/^\//, ''),
      apiVersion
    );
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

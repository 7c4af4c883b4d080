import type { ArmErrorBody } from '../http.ts';
import type { ArmState } from '../state.ts';

type Json = Record<string, unknown>;

const SETTLED = new Set(['succeeded', 'failed', 'canceled']);

/**
 * AKS runs one operation at a time per cluster: a write while the cluster or any of its pools is
 * being created, updated, upgraded, scaled or deleted is answered 409 OperationNotAllowed, naming
 * what runs. Wording as AKS sends it (Azure/azure-workload-identity#417, cilium/cilium#25944,
 * Azure/terraform-azurerm-avm-ptn-aks-production#25). AKS also starts operations of its own
 * (add-on updates, node image upgrades) that cause the same answer (Azure/telescope#1213).
 */
export function busyError(state: ArmState, clusterId: string): ArmErrorBody | undefined {
  const cluster = state.get(clusterId);
  if (!cluster) return undefined;
  const own = String(cluster.properties.provisioningState ?? 'Succeeded');
  const tail =
    'is in progress, please wait for it to finish before starting a new operation. See https://aka.ms/aks-pending-operation for more details';
  if (!SETTLED.has(own.toLowerCase())) {
    return {
      code: 'OperationNotAllowed',
      message: `Operation is not allowed: Another operation (${own}) ${tail}`
    };
  }
  const pool = state
    .pools(clusterId)
    .find(p => !SETTLED.has(String(p.provisioningState ?? 'Succeeded').toLowerCase()));
  if (pool) {
    return {
      code: 'OperationNotAllowed',
      message: `Operation is not allowed: Another agentpool operation (${String(pool.name)} - ${String(pool.provisioningState)}) ${tail}`
    };
  }
  return undefined;
}

export interface ClusterOperation {
  /** The provisioning state it shows meanwhile, e.g. Upgrading, Scaling, Updating. */
  readonly operation: string;
  /** A pool's operation (its state changes); else the cluster's. */
  readonly pool?: string;
  readonly durationMs: number;
}

/** Someone else's operation (an upgrade, the autoscaler, AKS itself) on a cluster, for durationMs. */
export function startClusterOperation(
  state: ArmState,
  clusterId: string,
  op: ClusterOperation,
  sleep: (ms: number) => Promise<void>
): boolean {
  const cluster = state.get(clusterId);
  if (!cluster) return false;
  let target: Json = cluster.properties;
  if (op.pool) {
    const pool = state.pools(clusterId).find(p => String(p.name) === op.pool);
    if (!pool) return false;
    target = pool;
  }
  target.provisioningState = op.operation;
  void sleep(op.durationMs).then(() => {
    if (target.provisioningState === op.operation) target.provisioningState = 'Succeeded';
  });
  return true;
}

import type { GenericResource } from '@azure/arm-resources';
import { ActionFailure } from '../runtime/failure.ts';

/**
 * A stopped cluster (`az aks stop`: powerState Stopped) has no nodes and no reachable API
 * server: its settings may match, but nothing can be deployed into it and its credentials are
 * of no use. Refused, before any write, with the way to start it again.
 */
export function refuseStopped(cluster: GenericResource, resourceGroup: string): void {
  const power = (cluster.properties as { powerState?: { code?: unknown } } | undefined)?.powerState;
  const code = String(power?.code ?? 'Running');
  if (code.toLowerCase() !== 'stopped') return;
  throw new ActionFailure(
    `Cluster ${cluster.name ?? ''} is stopped (power state ${code}): nothing was changed and no credentials are handed out. Start it with \`az aks start --resource-group ${resourceGroup} --name ${cluster.name ?? ''}\` and run again.`
  );
}

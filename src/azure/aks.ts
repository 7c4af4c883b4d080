import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ActionFailure } from '../runtime/failure.ts';
import { clientOptions, type ArmClients } from './clients.ts';
import { describeRequestError } from './errors.ts';

/** The cluster's user kubeconfig (what `az aks get-credentials` writes), as text. */
export async function userKubeconfig(
  clients: ArmClients,
  resourceGroup: string,
  name: string
): Promise<string> {
  const client = new ContainerServiceClient(
    clients.credential,
    clients.subscriptionId,
    clientOptions(clients.endpoints)
  );
  let result;
  try {
    result = await client.managedClusters.listClusterUserCredentials(resourceGroup, name);
  } catch (error) {
    throw new ActionFailure(
      describeRequestError(`Fetching the credentials of cluster ${name}`, error)
    );
  }
  const value = result.kubeconfigs?.[0]?.value;
  if (!value) throw new ActionFailure(`Cluster ${name} returned no kubeconfig.`);
  return Buffer.from(value).toString('utf8');
}

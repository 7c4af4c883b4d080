import * as core from '@actions/core';
import { azureEndpoints } from './environment.ts';
import { resolveCredential, type AzureIdentity } from './credential.ts';
import { armClients, type ArmClients } from './clients.ts';

/** Signs in with the first credential that works and returns the ARM clients for the subscription. */
export async function signIn(identity: AzureIdentity): Promise<ArmClients> {
  const endpoints = azureEndpoints();
  const { credential, method } = await resolveCredential(identity, endpoints);
  core.info(`Signed in to Azure with ${method}; subscription ${identity.subscriptionId}.`);
  return armClients(credential, identity.subscriptionId, endpoints);
}

/**
 * How the real SDK clients reach the emulator in-process: the emulator's URL as `endpoint`
 * (ARM clients) and `authorityHost` (credential), and its CA as `tlsOptions.ca` on both
 * (NODE_EXTRA_CA_CERTS only works when set before the process starts).
 */
import { readFileSync } from 'node:fs';
import { ContainerServiceClient } from '@azure/arm-containerservice';
import { ResourceManagementClient } from '@azure/arm-resources';
import { DeploymentsClient } from '@azure/arm-resourcesdeployments';
import { StorageManagementClient } from '@azure/arm-storage';
import { ClientAssertionCredential } from '@azure/identity';
import type { ArmEmulator } from '../../../emulators/arm/index.ts';

export interface Clients {
  credential: ClientAssertionCredential;
  resources: ResourceManagementClient;
  deployments: DeploymentsClient;
  containers: ContainerServiceClient;
  storage: StorageManagementClient;
  /** How often the credential asked for a client assertion. */
  assertions: () => number;
}

export function clients(emu: ArmEmulator): Clients {
  let assertions = 0;
  const tlsOptions = { ca: emu.caPem };
  const credential = new ClientAssertionCredential(
    emu.tenantId,
    'gadgetron-deployer',
    async () => {
      assertions++;
      return `assertion-${assertions}`;
    },
    { authorityHost: emu.url, disableInstanceDiscovery: true, tlsOptions }
  );
  const options = { endpoint: emu.url, tlsOptions };
  return {
    credential,
    resources: new ResourceManagementClient(credential, emu.subscriptionId, options),
    deployments: new DeploymentsClient(credential, emu.subscriptionId, options),
    containers: new ContainerServiceClient(credential, emu.subscriptionId, options),
    storage: new StorageManagementClient(credential, emu.subscriptionId, options),
    assertions: () => assertions
  };
}

export function template(name: 'aks-cluster' | 'storage'): Record<string, unknown> {
  return JSON.parse(readFileSync(`manifests/azure/${name}.json`, 'utf8')) as Record<
    string,
    unknown
  >;
}

export function params(values: Record<string, unknown>): Record<string, { value: unknown }> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, { value: v }]));
}

/** A raw HTTPS request to the emulator (for what the SDK hides: status codes, headers). */
export async function raw(
  emu: ArmEmulator,
  method: string,
  path: string,
  init: { token?: string; body?: unknown } = {}
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const url = new URL(path, emu.url);
    const text = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = request(
      url,
      {
        method,
        ca: emu.caPem,
        headers: {
          ...(init.token ? { Authorization: `Bearer ${init.token}` } : {}),
          ...(text ? { 'Content-Type': 'application/json' } : {})
        }
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const s = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: s ? (JSON.parse(s) as unknown) : undefined
          });
        });
      }
    );
    req.on('error', reject);
    req.end(text);
  });
}

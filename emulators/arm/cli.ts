/**
 * Runs the ARM emulator standalone and prints how to reach it as one JSON line:
 *   node emulators/arm/cli.ts [--port 8443] [--token-lifetime 3600] [--kubeconfig-server URL]
 *                             [--aad-cluster] [--cluster-create-ms 300] ...
 * Child processes trust it with NODE_EXTRA_CA_CERTS=<caCertPath>.
 */
import { parseArgs } from 'node:util';
import { startArmEmulator } from './index.ts';
import type { ArmEmulatorOptions } from './types.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    'subscription-id': { type: 'string' },
    'tenant-id': { type: 'string' },
    'token-lifetime': { type: 'string' },
    'kubeconfig-server': { type: 'string' },
    'aad-cluster': { type: 'boolean' },
    'cluster-create-ms': { type: 'string' },
    'cluster-update-ms': { type: 'string' },
    'storage-create-ms': { type: 'string' },
    'share-create-ms': { type: 'string' },
    'rg-delete-ms': { type: 'string' }
  }
});

const num = (v: string | undefined): number | undefined =>
  v === undefined ? undefined : Number(v);
const durations: NonNullable<ArmEmulatorOptions['durations']> = {};
const pick: [keyof typeof durations, string | undefined][] = [
  ['clusterCreateMs', values['cluster-create-ms']],
  ['clusterUpdateMs', values['cluster-update-ms']],
  ['storageCreateMs', values['storage-create-ms']],
  ['shareCreateMs', values['share-create-ms']],
  ['resourceGroupDeleteMs', values['rg-delete-ms']]
];
for (const [k, v] of pick) if (v !== undefined) durations[k] = Number(v);

const options: ArmEmulatorOptions = { durations, aadCluster: values['aad-cluster'] ?? false };
if (values.port !== undefined) options.port = Number(values.port);
if (values['subscription-id']) options.subscriptionId = values['subscription-id'];
if (values['tenant-id']) options.tenantId = values['tenant-id'];
const lifetime = num(values['token-lifetime']);
if (lifetime !== undefined) options.tokenLifetimeSeconds = lifetime;
if (values['kubeconfig-server']) options.kubeconfigServer = values['kubeconfig-server'];

const emu = await startArmEmulator(options);
process.stdout.write(
  JSON.stringify({
    url: emu.url,
    caCertPath: emu.caCertPath,
    subscriptionId: emu.subscriptionId,
    tenantId: emu.tenantId
  }) + '\n'
);
const stop = (): void => {
  void emu.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

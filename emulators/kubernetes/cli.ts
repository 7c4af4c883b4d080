import { copyFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { startKubernetesEmulator } from './index.ts';
import type { KubernetesEmulatorOptions } from './types.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    kubeconfig: { type: 'string' },
    'pod-ready-delay-ms': { type: 'string' },
    'time-scale': { type: 'string' },
    'load-balancer-delay-ms': { type: 'string' },
    'node-capacity-pods': { type: 'string' },
    tls: { type: 'boolean' }
  }
});

const options: KubernetesEmulatorOptions = {};
if (values.port) options.port = Number(values.port);
if (values['pod-ready-delay-ms']) options.podReadyDelayMs = Number(values['pod-ready-delay-ms']);
if (values['time-scale']) options.timeScale = Number(values['time-scale']);
if (values['load-balancer-delay-ms'])
  options.loadBalancerDelayMs = Number(values['load-balancer-delay-ms']);
if (values['node-capacity-pods']) options.nodeCapacityPods = Number(values['node-capacity-pods']);
if (values.tls) options.tls = true;

const emulator = await startKubernetesEmulator(options);
if (values.kubeconfig) await copyFile(emulator.kubeconfigPath, values.kubeconfig);
console.log(`Kubernetes emulator listening on ${emulator.url}`);
console.log(`kubeconfig: ${values.kubeconfig ?? emulator.kubeconfigPath}`);

const stop = (): void => {
  void emulator.close().then(() => process.exit(0));
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);

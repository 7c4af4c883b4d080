/**
 * What a cloud adds to a Kubernetes control plane, for the local cluster: load balancer
 * addresses, the cluster autoscaler, disk provisioning and GPU advertising. Runs until killed.
 *
 *   node emulators/kubernetes/cloud.ts --kubeconfig PATH [--load-balancer-delay-ms N] [--scale-up-delay-ms N]
 */
import * as k8s from '@kubernetes/client-node';
import { parseArgs } from 'node:util';
import { runAutoscaler } from './cloud/autoscaler.ts';
import { runGpuAdvertising } from './cloud/gpu.ts';
import { runLoadBalancers } from './cloud/load-balancer.ts';
import { runVolumes } from './cloud/volumes.ts';
import { DEFAULT_POOLS } from './node-pools.ts';

const { values } = parseArgs({
  options: {
    kubeconfig: { type: 'string' },
    'load-balancer-delay-ms': { type: 'string', default: '500' },
    'scale-up-delay-ms': { type: 'string', default: '2000' }
  }
});
if (!values.kubeconfig) {
  console.error(
    'usage: cloud.ts --kubeconfig PATH [--load-balancer-delay-ms N] [--scale-up-delay-ms N]'
  );
  process.exit(2);
}
const kc = new k8s.KubeConfig();
kc.loadFromFile(values.kubeconfig);
runLoadBalancers(kc, Number(values['load-balancer-delay-ms']));
runAutoscaler(kc, DEFAULT_POOLS, Number(values['scale-up-delay-ms']));
runVolumes(kc);
runGpuAdvertising(kc, DEFAULT_POOLS);

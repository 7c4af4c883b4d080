// Generated from action.yml by `npm run build`; do not edit.
import type { DeclaredInputs } from '../../src/inputs/declared.ts';

export const DECLARED_INPUTS = {
  'authorized-keys': { required: true },
  'allowed-cidrs': { required: true },
  namespace: { required: false, default: 'gadgetron' },
  name: { required: false, default: 'sshd-jumpserver' },
  target: { required: false, default: 'gadgetron-frontend:9002' },
  image: { required: false },
  'client-alive-interval': { required: false, default: '60' },
  'service-type': { required: false, default: 'LoadBalancer' },
  internal: { required: false, default: 'false' },
  'dns-label': { required: false },
  'local-port': { required: false, default: '9022' },
  'rotate-host-keys': { required: false, default: 'false' },
  timeout: { required: false, default: '10m' },
  kubeconfig: { required: false }
} as const satisfies DeclaredInputs;

// Generated from action.yml by `npm run build`; do not edit.
import type { DeclaredInputs } from '../../src/inputs/declared.ts';

export const DECLARED_INPUTS = {
  image: { required: true },
  namespace: { required: false, default: 'gadgetron' },
  name: { required: false, default: 'gadgetron' },
  'min-replicas': { required: false, default: '1' },
  'max-replicas': { required: false, default: '20' },
  'cpu-utilization': { required: false, default: '60' },
  'cpu-request': { required: false, default: '2' },
  'memory-request': { required: false, default: '4Gi' },
  'cpu-limit': { required: false },
  'memory-limit': { required: false },
  gpus: { required: false, default: '0' },
  'node-selector': { required: false },
  tolerations: { required: false },
  'data-claim': { required: false, default: 'gtdata' },
  'dependencies-claim': { required: false, default: 'gtdependencies' },
  'storage-server': { required: false, default: 'true' },
  'storage-server-image': {
    required: false,
    default: 'ghcr.io/ismrmrd/mrd-storage-server:v0.0.12'
  },
  'termination-grace-period': { required: false, default: '3600' },
  'drain-settle-time': { required: false, default: '60' },
  'remote-workers': { required: false, default: 'true' },
  timeout: { required: false, default: '15m' },
  'rollback-on-failure': { required: false, default: 'true' },
  'dry-run': { required: false, default: 'none' },
  'reuse-settings': { required: false, default: 'false' },
  kubeconfig: { required: false }
} as const satisfies DeclaredInputs;

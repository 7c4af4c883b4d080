// Generated from action.yml by `npm run build`; do not edit.
import type { DeclaredInputs } from '../../src/inputs/declared.ts';

export const DECLARED_INPUTS = {
  'resource-group': { required: true },
  location: { required: false },
  'storage-account': { required: false },
  shares: { required: false, default: 'gtdependencies=100\ngtdata=1024\n' },
  sku: { required: false, default: 'Standard_LRS' },
  namespace: { required: false, default: 'gadgetron' },
  'secret-name': { required: false, default: 'azure-gtstorage-secret' },
  kubernetes: { required: false, default: 'true' },
  state: { required: false, default: 'present' },
  confirm: { required: false },
  'subscription-id': { required: false },
  'tenant-id': { required: false },
  'client-id': { required: false },
  kubeconfig: { required: false }
} as const satisfies DeclaredInputs;

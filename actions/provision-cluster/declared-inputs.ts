// Generated from action.yml by `npm run build`; do not edit.
import type { DeclaredInputs } from '../../src/inputs/declared.ts';

export const DECLARED_INPUTS = {
  'resource-group': { required: true },
  'cluster-name': { required: true },
  location: { required: false },
  state: { required: false, default: 'present' },
  'kubernetes-version': { required: false },
  'system-vm-size': { required: false, default: 'Standard_D2s_v5' },
  'node-vm-size': { required: false, default: 'Standard_D8s_v5' },
  'min-nodes': { required: false, default: '1' },
  'max-nodes': { required: false, default: '10' },
  gpu: { required: false, default: 'false' },
  'max-graceful-termination': { required: false, default: '3600' },
  'node-os-upgrade-channel': { required: false, default: 'NodeImage' },
  'maintenance-window': { required: false, default: 'Sunday 01:00' },
  'maintenance-hours': { required: false, default: '4' },
  'api-server-authorized-ranges': { required: false },
  tier: { required: false, default: 'Free' },
  'disable-local-accounts': { required: false, default: 'false' },
  tags: { required: false },
  'what-if': { required: false, default: 'false' },
  confirm: { required: false },
  'subscription-id': { required: false },
  'tenant-id': { required: false },
  'client-id': { required: false }
} as const satisfies DeclaredInputs;

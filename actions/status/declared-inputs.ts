// Generated from action.yml by `npm run build`; do not edit.
import type { DeclaredInputs } from '../../src/inputs/declared.ts';

export const DECLARED_INPUTS = {
  namespace: { required: false, default: 'gadgetron' },
  name: { required: false, default: 'gadgetron' },
  'jumpserver-namespace': { required: false },
  'jumpserver-name': { required: false, default: 'sshd-jumpserver' },
  'log-lines': { required: false, default: '30' },
  kubeconfig: { required: false }
} as const satisfies DeclaredInputs;

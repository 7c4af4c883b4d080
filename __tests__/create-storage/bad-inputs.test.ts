import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { errors, runAction, startSandbox, type Sandbox } from '../provision-cluster/harness.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

const base = (): Record<string, string> => ({
  'resource-group': 'rg-data',
  location: 'westeurope',
  kubeconfig: sandbox.kube.kubeconfigPath,
  namespace: sandbox.kube.namespace
});

/** [what is wrong, the input the error must name, inputs (over the base), extra environment] */
const CASES: [string, string, Record<string, string>, Record<string, string | undefined>?][] = [
  ['an account name with capitals', 'storage-account', { 'storage-account': 'GadgetronData' }],
  ['an account name that is too short', 'storage-account', { 'storage-account': 'gt' }],
  ['a share of 0 GiB', 'shares', { shares: 'gtdata=0' }],
  ['a share name with a space', 'shares', { shares: 'gt data=10' }],
  ['a share listed twice', 'shares', { shares: 'gtdata=10\ngtdata=20' }],
  ['a premium share below 100 GiB', 'shares', { sku: 'Premium_LRS', shares: 'gtdata=50' }],
  ['an unknown SKU', 'sku', { sku: 'Premium' }],
  ['a namespace with capitals', 'namespace', { namespace: 'Gadgetron' }],
  ['a Secret name with an underscore', 'secret-name', { 'secret-name': 'azure_secret' }],
  ['kubernetes that is not a boolean', 'kubernetes', { kubernetes: 'sure' }],
  ['a kubeconfig that does not exist', 'kubeconfig', { kubeconfig: '/nonexistent/kubeconfig' }],
  ['no kubeconfig while kubernetes is true', 'kubeconfig', { kubeconfig: '' }],
  ['an unknown state', 'state', { state: 'deleted' }],
  ['state absent without confirm', 'confirm', { state: 'absent', 'storage-account': 'gtdata01' }],
  ['a tenant id that is not a GUID', 'tenant-id', { 'tenant-id': 'contoso.onmicrosoft.com' }],
  ['a malformed region', 'location', { location: 'eu west 1 !' }]
];

describe('create-storage refuses bad inputs before any request', () => {
  test.each(CASES)('%s', async (...[, input, inputs, env]) => {
    const arm = sandbox.arm.requests.length;
    const tokens = sandbox.arm.tokenRequests.length;
    const kube = sandbox.kube.requests.length;
    const result = await runAction(
      sandbox,
      'create-storage',
      { ...base(), ...inputs },
      { env: env ?? {} }
    );
    expect(result.exitCode).toBe(1);
    expect(
      errors(result).some(e =>
        e.startsWith(`::error title=Invalid input '${input}'::Input '${input}': `)
      )
    ).toBe(true);
    expect(sandbox.arm.requests.length).toBe(arm);
    expect(sandbox.arm.tokenRequests.length).toBe(tokens);
    expect(sandbox.kube.requests.length).toBe(kube);
  });

  test('every problem is reported at once', async () => {
    const result = await runAction(sandbox, 'create-storage', {
      ...base(),
      sku: 'Gold',
      namespace: 'A',
      shares: 'x'
    });
    expect(result.exitCode).toBe(1);
    const named = errors(result).map(e => /Invalid input '([^']+)'/.exec(e)?.[1]);
    expect(named).toEqual(expect.arrayContaining(['sku', 'namespace', 'shares']));
    expect(result.stdout).toContain('3 inputs are invalid; nothing was changed.');
  });
});

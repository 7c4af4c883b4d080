import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { errors, runAction, startSandbox, type Sandbox } from './harness.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

const BASE = { 'resource-group': 'rg-gadgetron', 'cluster-name': 'aks1', location: 'westeurope' };

/** [what is wrong, the input the error must name, inputs, extra environment] */
const CASES: [string, string, Record<string, string>, Record<string, string | undefined>?][] = [
  ['no resource group', 'resource-group', { ...BASE, 'resource-group': '' }],
  [
    'a resource group name with a slash',
    'resource-group',
    { ...BASE, 'resource-group': 'rg/gadgetron' }
  ],
  ['a cluster name with an underscore', 'cluster-name', { ...BASE, 'cluster-name': 'aks_1' }],
  ['an unknown state', 'state', { ...BASE, state: 'gone' }],
  ['a malformed region', 'location', { ...BASE, location: 'west-europe!' }],
  [
    'a malformed Kubernetes version',
    'kubernetes-version',
    { ...BASE, 'kubernetes-version': '1.x' }
  ],
  ['a VM size without its tier', 'node-vm-size', { ...BASE, 'node-vm-size': 'D8s_v5' }],
  ['a negative min-nodes', 'min-nodes', { ...BASE, 'min-nodes': '-1' }],
  ['max-nodes that is not a number', 'max-nodes', { ...BASE, 'max-nodes': 'ten' }],
  ['max-nodes below min-nodes', 'max-nodes', { ...BASE, 'min-nodes': '5', 'max-nodes': '3' }],
  ['gpu that is not a boolean', 'gpu', { ...BASE, gpu: 'yes' }],
  [
    'an eviction grace below 30 s',
    'max-graceful-termination',
    { ...BASE, 'max-graceful-termination': '10' }
  ],
  [
    'an eviction grace whose drain timeout AKS would refuse',
    'max-graceful-termination',
    { ...BASE, 'max-graceful-termination': '86400' }
  ],
  [
    'a maintenance window on no weekday',
    'maintenance-window',
    { ...BASE, 'maintenance-window': 'Someday 01:00' }
  ],
  [
    'a maintenance window at 25:00',
    'maintenance-window',
    { ...BASE, 'maintenance-window': 'Sunday 25:00' }
  ],
  ['a maintenance window of 2 hours', 'maintenance-hours', { ...BASE, 'maintenance-hours': '2' }],
  [
    'an unknown node OS upgrade channel',
    'node-os-upgrade-channel',
    { ...BASE, 'node-os-upgrade-channel': 'Weekly' }
  ],
  [
    'an IPv6 range for the API server',
    'api-server-authorized-ranges',
    { ...BASE, 'api-server-authorized-ranges': '203.0.113.0/24, 2001:db8::/32' }
  ],
  ['an unknown tier', 'tier', { ...BASE, tier: 'Premium' }],
  [
    'disable-local-accounts that is not a boolean',
    'disable-local-accounts',
    { ...BASE, 'disable-local-accounts': 'on' }
  ],
  ['a tag line without =', 'tags', { ...BASE, tags: 'team=mri\nowner' }],
  ['what-if that is not a boolean', 'what-if', { ...BASE, 'what-if': 'maybe' }],
  [
    'a subscription id that is not a GUID',
    'subscription-id',
    { ...BASE, 'subscription-id': 'my-subscription' }
  ],
  ['no subscription id anywhere', 'subscription-id', BASE, { AZURE_SUBSCRIPTION_ID: undefined }],
  ['a client id that is not a GUID', 'client-id', BASE, { AZURE_CLIENT_ID: 'app' }],
  ['state absent without confirm', 'confirm', { ...BASE, state: 'absent' }],
  ['a state in the wrong case', 'state', { ...BASE, state: 'Existing' }],
  [
    'state existing with a cluster name with an underscore',
    'cluster-name',
    { 'resource-group': 'rg-gadgetron', 'cluster-name': 'aks_1', state: 'existing' }
  ],
  [
    'state existing without a resource group',
    'resource-group',
    { 'cluster-name': 'aks1', state: 'existing' }
  ],
  [
    'state existing without a subscription id',
    'subscription-id',
    { 'resource-group': 'rg-gadgetron', 'cluster-name': 'aks1', state: 'existing' },
    { AZURE_SUBSCRIPTION_ID: undefined }
  ],
  [
    'state existing with a cluster setting that is malformed (checked though not used)',
    'max-nodes',
    {
      'resource-group': 'rg-gadgetron',
      'cluster-name': 'aks1',
      state: 'existing',
      'max-nodes': '0'
    }
  ],
  [
    'state absent with a confirm of another group',
    'confirm',
    { ...BASE, state: 'absent', confirm: 'rg-other' }
  ]
];

describe('provision-cluster refuses bad inputs before any request', () => {
  test.each(CASES)('%s', async (...[, input, inputs, env]) => {
    const arm = sandbox.arm.requests.length;
    const tokens = sandbox.arm.tokenRequests.length;
    const oidc = sandbox.oidc.issued.length;
    const result = await runAction(sandbox, 'provision-cluster', inputs, { env: env ?? {} });
    expect(result.exitCode).toBe(1);
    const annotations = errors(result);
    expect(
      annotations.some(e =>
        e.startsWith(`::error title=Invalid input '${input}'::Input '${input}': `)
      )
    ).toBe(true);
    expect(result.stdout).toContain('nothing was changed');
    expect(sandbox.arm.requests.length).toBe(arm);
    expect(sandbox.arm.tokenRequests.length).toBe(tokens);
    expect(sandbox.oidc.issued.length).toBe(oidc);
  });
});

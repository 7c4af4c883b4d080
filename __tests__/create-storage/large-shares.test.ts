/** Azure Files limits: shares above 5 TiB, regions, and what tear-down leaves behind. */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  armCalls,
  errors,
  runAction,
  startSandbox,
  type Sandbox
} from '../provision-cluster/harness.ts';

// Test assertions read free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

const inputs = (extra: Record<string, string> = {}): Record<string, string> => ({
  'resource-group': 'rg-big-data',
  location: 'westeurope',
  'storage-account': 'gtbigdata01',
  kubernetes: 'false',
  ...extra
});

function account(name: string): Json | undefined {
  return sandbox.arm.state.resources().find(r => r.name === name) as Json | undefined;
}

describe('create-storage and Azure Files limits', () => {
  test('a 6 TiB share on a Standard account: large file shares are turned on first', async () => {
    const result = await runAction(
      sandbox,
      'create-storage',
      inputs({ shares: 'gtdependencies=100\ngtdata=6144' })
    );
    expect(errors(result)).toEqual([]);
    expect(account('gtbigdata01')?.properties.largeFileSharesState).toBe('Enabled');
    const share = sandbox.arm.state.getResource(
      `${account('gtbigdata01')?.id}/fileServices/default/shares/gtdata`
    );
    expect(share?.properties.shareQuota).toBe(6144);
    expect(JSON.parse(result.outputs.shares as string)).toEqual({
      gtdependencies: 100,
      gtdata: 6144
    });
    // Shrinking below 5 TiB later keeps them: they cannot be turned off.
    const again = await runAction(
      sandbox,
      'create-storage',
      inputs({ shares: 'gtdependencies=100\ngtdata=6144' })
    );
    expect(again.outputs.changed).toBe('false');
  });

  test('a mistyped region is refused with a suggestion before anything is written', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(
      sandbox,
      'create-storage',
      inputs({
        'resource-group': 'rg-typo',
        'storage-account': 'gttypo01',
        location: 'northeurpoe'
      })
    );
    expect(result.exitCode).toBe(1);
    expect(errors(result).join('\n')).toContain(
      `Input 'location': "northeurpoe" is not a region of subscription ${sandbox.arm.subscriptionId}. Did you mean northeurope?`
    );
    expect(armCalls(sandbox.arm, since).filter(r => r.method !== 'GET')).toEqual([]);
  });

  test('tear-down keeps a resource group that holds something else', async () => {
    sandbox.arm.state.seedResource({
      id: `/subscriptions/${sandbox.arm.subscriptionId}/resourceGroups/rg-big-data/providers/Microsoft.Network/publicIPAddresses/other`,
      name: 'other',
      type: 'Microsoft.Network/publicIPAddresses',
      location: 'westeurope',
      properties: {}
    });
    const result = await runAction(
      sandbox,
      'create-storage',
      inputs({ state: 'absent', confirm: 'gtbigdata01' })
    );
    expect(errors(result)).toEqual([]);
    expect(account('gtbigdata01')).toBeUndefined();
    expect(result.stdout).toContain('Resource group rg-big-data still holds');
    expect(sandbox.arm.state.getResourceGroup('rg-big-data')).toBeDefined();
  });

  test('tear-down after a stand-up that failed before the account: the empty group goes', async () => {
    sandbox.arm.state.seedResourceGroup('rg-e2e-1-storage', 'westeurope', {
      'managed-by': 'gadgetron-actions',
      'gadgetron-storage': 'gte2e11'
    });
    const result = await runAction(
      sandbox,
      'create-storage',
      inputs({
        'resource-group': 'rg-e2e-1-storage',
        'storage-account': 'gte2e11',
        state: 'absent',
        confirm: 'gte2e11'
      })
    );
    expect(errors(result)).toEqual([]);
    expect(result.outputs.changed).toBe('true');
    expect(sandbox.arm.state.getResourceGroup('rg-e2e-1-storage')).toBeUndefined();
  });
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { armCalls, errors, runAction, startSandbox, type Sandbox } from './harness.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

const cluster = (name: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'resource-group': `rg-${name}`,
  'cluster-name': name,
  location: 'westeurope',
  ...extra
});

describe('provision-cluster when ARM fails', () => {
  test('a deployment that fails on quota names the resource, ARM code and message, and a hint', async () => {
    sandbox.arm.faults.inject({
      type: 'deployment-failure',
      code: 'QuotaExceeded',
      message:
        'Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota. Current Limit: 10, Current Usage: 8, Additional Required: 16.',
      resourceType: 'Microsoft.ContainerService/managedClusters'
    });
    const result = await runAction(sandbox, 'provision-cluster', cluster('quota'));
    expect(result.exitCode).toBe(1);
    const message = errors(result).join('\n');
    expect(message).toContain(
      'Deployment gadgetron-cluster-quota to resource group rg-quota failed'
    );
    expect(message).toContain('managedClusters/quota');
    expect(message).toContain(
      'QuotaExceeded: Operation could not be completed as it results in exceeding approved standardDSv5Family Cores quota'
    );
    expect(message).toMatch(/Hint: .*request more quota/);
    expect(result.outputs.changed).toBe('false');
  });

  test('a VM size the region does not offer gets its own hint', async () => {
    sandbox.arm.faults.inject({
      type: 'deployment-failure',
      code: 'SkuNotAvailable',
      message:
        "The requested VM size for resource 'Following SKUs have failed for Capacity Restrictions: Standard_D8s_v5' is currently not available in location 'westeurope'."
    });
    const result = await runAction(sandbox, 'provision-cluster', cluster('sku'));
    expect(result.exitCode).toBe(1);
    const message = errors(result).join('\n');
    expect(message).toContain('SkuNotAvailable');
    expect(message).toContain('az vm list-skus');
  });

  test('throttling (429 with Retry-After), 503s and a dropped connection are survived', async () => {
    sandbox.arm.faults.inject({ type: 'status', status: 429, retryAfterSeconds: 1, times: 2 });
    sandbox.arm.faults.inject({
      type: 'status',
      status: 503,
      times: 2,
      match: /^GET .*managedClusters/i
    });
    sandbox.arm.faults.inject({ type: 'reset', times: 1, match: /operationStatuses/i });
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'provision-cluster', cluster('throttled'));
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.outputs.changed).toBe('true');
    const statuses = armCalls(sandbox.arm, since).map(r => r.status);
    expect(statuses.filter(s => s === 429)).toHaveLength(2);
    expect(statuses.filter(s => s === 503)).toHaveLength(2);
    expect(statuses.filter(s => s === 0)).toHaveLength(1);
    expect(result.outputs.fqdn).toMatch(/azmk8s\.io$/);
  });

  test('no working sign-in gives one error listing each way tried and its fix', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'provision-cluster', cluster('nosignin'), {
      env: {
        ACTIONS_ID_TOKEN_REQUEST_URL: undefined,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: undefined,
        PATH: '/nonexistent'
      }
    });
    expect(result.exitCode).toBe(1);
    const message = errors(result).join('\n');
    expect(message).toContain('Could not sign in to Azure. Tried:');
    expect(message).toContain(
      'GitHub OIDC federation: not tried, the job cannot request ID tokens'
    );
    expect(message).toContain('id-token: write');
    expect(message).toMatch(/Azure CLI: .*To fix, run azure\/login before this step/);
    expect(message).toContain('environment credentials: not tried');
    expect(armCalls(sandbox.arm, since)).toEqual([]);
  });
});

describe('provision-cluster tear-down', () => {
  test('is refused for a resource group the suite did not create', async () => {
    sandbox.arm.state.seedResourceGroup('rg-foreign', 'westeurope', { owner: 'someone' });
    const result = await runAction(sandbox, 'provision-cluster', {
      ...cluster('foreign'),
      'resource-group': 'rg-foreign',
      state: 'absent',
      confirm: 'rg-foreign'
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result).join('\n')).toContain(
      'Refusing to delete resource group rg-foreign: it was not created by gadgetron-actions (tag managed-by is missing)'
    );
    expect(sandbox.arm.state.getResourceGroup('rg-foreign')).toBeDefined();
  });

  test("is refused for the suite's group of another cluster", async () => {
    sandbox.arm.state.seedResourceGroup('rg-shared', 'westeurope', {
      'managed-by': 'gadgetron-actions',
      'gadgetron-cluster': 'other'
    });
    const result = await runAction(sandbox, 'provision-cluster', {
      ...cluster('mine'),
      'resource-group': 'rg-shared',
      state: 'absent',
      confirm: 'rg-shared'
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result).join('\n')).toContain("it was created for 'other', not 'mine'");
    expect(sandbox.arm.state.getResourceGroup('rg-shared')).toBeDefined();
  });

  test('is refused without confirm, before any request', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'provision-cluster', {
      ...cluster('throttled'),
      state: 'absent'
    });
    expect(result.exitCode).toBe(1);
    expect(errors(result).join('\n')).toContain(
      "Input 'confirm': is required with state absent, which deletes resource group rg-throttled"
    );
    expect(sandbox.arm.requests.length).toBe(since);
  });

  test('deletes the group it created when confirmed, and succeeds again when it is gone', async () => {
    expect(sandbox.arm.state.getResourceGroup('rg-throttled')).toBeDefined();
    const deleted = await runAction(sandbox, 'provision-cluster', {
      ...cluster('throttled'),
      state: 'absent',
      confirm: 'rg-throttled'
    });
    expect(errors(deleted)).toEqual([]);
    expect(deleted.exitCode).toBe(0);
    expect(deleted.outputs.changed).toBe('true');
    expect(deleted.stdout).toContain('Microsoft.ContainerService/managedClusters/throttled');
    expect(sandbox.arm.state.getResourceGroup('rg-throttled')).toBeUndefined();
    expect(
      sandbox.arm.state.getResourceGroup('MC_rg-throttled_throttled_westeurope')
    ).toBeUndefined();

    const again = await runAction(sandbox, 'provision-cluster', {
      ...cluster('throttled'),
      state: 'absent',
      confirm: 'rg-throttled'
    });
    expect(again.exitCode).toBe(0);
    expect(again.outputs.changed).toBe('false');
    expect(again.stdout).toContain(
      'Resource group rg-throttled does not exist: nothing to delete.'
    );
  });
});

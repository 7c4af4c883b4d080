import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { StorageManagementClient } from '@azure/arm-storage';
import type { ArmClients } from '../../src/azure/clients.ts';
import { accountKey, deleteAccount, liveShares, storageClient } from '../../src/azure/storage.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';

/** An SDK error as the ARM clients throw it. */
function restError(statusCode: number, code: string, message: string): Error {
  return Object.assign(new Error(message), { statusCode, details: { error: { code, message } } });
}

/** A client whose calls answer from `calls`; each call is recorded. */
function fakeClient(calls: Record<string, (...args: unknown[]) => unknown>): {
  client: StorageManagementClient;
  seen: unknown[][];
} {
  const seen: unknown[][] = [];
  const call =
    (name: string) =>
    async (...args: unknown[]): Promise<unknown> => {
      seen.push([name, ...args]);
      const answer = calls[name];
      if (!answer) throw new Error(`unexpected call ${name}`);
      return answer(...args);
    };
  const client = {
    fileShares: { get: call('fileShares.get') },
    storageAccounts: {
      listKeys: call('storageAccounts.listKeys'),
      delete: call('storageAccounts.delete')
    }
  } as unknown as StorageManagementClient;
  return { client, seen };
}

afterEach(() => {
  jest.restoreAllMocks();
});

test('a storage client is built from the ARM clients', () => {
  const client = storageClient({
    subscriptionId: '00000000-0000-4000-8000-000000000009',
    credential: { getToken: async () => null },
    endpoints: {
      resourceManager: 'https://management.example.test',
      authorityHost: 'https://login.example.test'
    }
  } as unknown as ArmClients);
  expect(client).toBeInstanceOf(StorageManagementClient);
  expect(typeof client.fileShares.get).toBe('function');
});

describe('live shares', () => {
  test('quota and usage of the shares that exist, asked with their statistics', async () => {
    const { client, seen } = fakeClient({
      'fileShares.get': (_rg, _account, name) => {
        if (name === 'missing') throw restError(404, 'ShareNotFound', 'no such share');
        if (name === 'bare') return {};
        return { shareQuota: 100, shareUsageBytes: 5 };
      }
    });
    expect(await liveShares(client, 'rg', 'acct', ['data', 'missing', 'bare'])).toEqual([
      { name: 'data', quotaGiB: 100, usageBytes: 5 },
      { name: 'bare', quotaGiB: 0, usageBytes: undefined }
    ]);
    expect(seen[0]).toEqual(['fileShares.get', 'rg', 'acct', 'data', { expand: 'stats' }]);
  });

  test('any other failure names the share and the account', async () => {
    const { client } = fakeClient({
      'fileShares.get': () => {
        throw restError(403, 'AuthorizationFailed', 'not allowed');
      }
    });
    const failure = liveShares(client, 'rg', 'acct', ['data']);
    await expect(failure).rejects.toThrow(ActionFailure);
    await expect(failure).rejects.toThrow(
      'Reading share data of acct failed (HTTP 403): AuthorizationFailed'
    );
  });
});

describe('account key', () => {
  test('the first key with a value, every key masked first', async () => {
    const written: string[] = [];
    jest.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      written.push(String(chunk));
      return true;
    });
    const { client, seen } = fakeClient({
      'storageAccounts.listKeys': () => ({
        keys: [{ keyName: 'key0' }, { value: 'first-key' }, { value: 'second-key' }]
      })
    });
    expect(await accountKey(client, 'rg', 'acct')).toBe('first-key');
    expect(seen).toEqual([['storageAccounts.listKeys', 'rg', 'acct']]);
    const masks = written
      .join('')
      .split(/\r?\n/)
      .filter(line => line.startsWith('::add-mask::'));
    expect(masks).toEqual(['::add-mask::first-key', '::add-mask::second-key']);
  });

  test.each([
    ['no key list', {}],
    ['keys without values', { keys: [{ keyName: 'key1' }, { value: '' }] }]
  ])('an account with %s is refused: the CSI driver needs a key', async (_, answer) => {
    const { client } = fakeClient({ 'storageAccounts.listKeys': () => answer });
    await expect(accountKey(client, 'rg', 'acct')).rejects.toThrow(
      new ActionFailure(
        'Storage account acct returned no keys; the CSI driver needs shared-key access enabled.'
      )
    );
  });

  test('a failed request names the account', async () => {
    const { client } = fakeClient({
      'storageAccounts.listKeys': () => {
        throw restError(409, 'ScopeLocked', 'locked');
      }
    });
    await expect(accountKey(client, 'rg', 'acct')).rejects.toThrow(
      'Reading the keys of storage account acct failed (HTTP 409): ScopeLocked'
    );
  });
});

describe('deleting the account', () => {
  test('deletes it; one already gone is not an error', async () => {
    const { client, seen } = fakeClient({ 'storageAccounts.delete': () => undefined });
    await deleteAccount(client, 'rg', 'acct');
    expect(seen).toEqual([['storageAccounts.delete', 'rg', 'acct']]);
    const gone = fakeClient({
      'storageAccounts.delete': () => {
        throw restError(404, 'ResourceNotFound', 'gone');
      }
    });
    await expect(deleteAccount(gone.client, 'rg', 'acct')).resolves.toBeUndefined();
  });

  test('any other failure names the account', async () => {
    const { client } = fakeClient({
      'storageAccounts.delete': () => {
        throw restError(409, 'ScopeLocked', 'locked');
      }
    });
    await expect(deleteAccount(client, 'rg', 'acct')).rejects.toThrow(
      'Deleting storage account acct failed (HTTP 409): ScopeLocked'
    );
  });
});

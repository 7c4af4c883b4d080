import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  armCalls,
  errors,
  filesUnder,
  freshTemp,
  runAction,
  startSandbox,
  visibleStdout,
  type Sandbox
} from '../provision-cluster/harness.ts';
import type {
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  V1Secret
} from '@kubernetes/client-node';
import { waitUntil } from '../../tools/fixtures/scale.ts';
import type { ActionProcessResult } from '../../tools/runner/action-process.ts';

const RG = 'rg-gadgetron-data';
const ACCOUNT = 'gtdataci01';

let sandbox: Sandbox;
const runnerTemp = freshTemp();

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox?.close();
});

function inputs(extra: Record<string, string> = {}): Record<string, string> {
  return {
    'resource-group': RG,
    location: 'westeurope',
    'storage-account': ACCOUNT,
    kubeconfig: sandbox.kube.kubeconfigPath,
    namespace: sandbox.kube.namespace,
    ...extra
  };
}

/** The account key, as the Secret in the cluster holds it. */
async function accountKey(): Promise<string> {
  const secret = await sandbox.kube.get<V1Secret>('v1', 'Secret', 'azure-gtstorage-secret');
  const key = secret?.data?.azurestorageaccountkey;
  return key ? Buffer.from(key, 'base64').toString('utf8') : '';
}

/** PersistentVolumes are cluster-wide: their names carry the namespace. */
const volumeName = (share: string) => `${sandbox.kube.namespace}-${share}-${ACCOUNT}`;

/** The key may appear only in the add-mask command that hides it; nowhere else. */
function expectKeyHidden(result: ActionProcessResult, key: string): void {
  expect(key.length).toBeGreaterThan(20);
  expect(result.stdout).toContain(`::add-mask::${key}`);
  expect(visibleStdout(result)).not.toContain(key);
  expect(result.stderr).not.toContain(key);
  expect(JSON.stringify(result.outputs)).not.toContain(key);
  expect(JSON.stringify(result.env)).not.toContain(key);
  expect(JSON.stringify(result.state)).not.toContain(key);
  expect(result.summary).not.toContain(key);
  for (const [path, content] of Object.entries(filesUnder(runnerTemp))) {
    expect(`${path}: ${content.includes(key)}`).toBe(`${path}: false`);
  }
}

describe('create-storage', () => {
  let first: ActionProcessResult;

  test('creates the account, shares, Secret, CSI volumes and bound claims', async () => {
    first = await runAction(sandbox, 'create-storage', inputs(), { runnerTemp });
    expect(first.stderr).toBe('');
    expect(errors(first)).toEqual([]);
    expect(first.exitCode).toBe(0);
    expect(first.outputs['storage-account']).toBe(ACCOUNT);
    expect(JSON.parse(first.outputs.shares as string)).toEqual({
      gtdependencies: 100,
      gtdata: 1024
    });
    expect(JSON.parse(first.outputs.claims as string)).toEqual({
      gtdependencies: 'gtdependencies',
      gtdata: 'gtdata'
    });
    expect(first.outputs['secret-name']).toBe('azure-gtstorage-secret');

    const account = sandbox.arm.state
      .resources()
      .find(r => r.type === 'Microsoft.Storage/storageAccounts');
    expect(account?.properties).toMatchObject({
      minimumTlsVersion: 'TLS1_2',
      supportsHttpsTrafficOnly: true,
      allowBlobPublicAccess: false
    });
    expect(account?.tags).toMatchObject({
      'managed-by': 'gadgetron-actions',
      'gadgetron-storage': ACCOUNT
    });

    const pv = await sandbox.kube.get<V1PersistentVolume>(
      'v1',
      'PersistentVolume',
      volumeName('gtdata')
    );
    expect(pv?.spec?.csi).toMatchObject({
      driver: 'file.csi.azure.com',
      volumeAttributes: { shareName: 'gtdata' },
      nodeStageSecretRef: { name: 'azure-gtstorage-secret', namespace: sandbox.kube.namespace }
    });
    expect(pv?.spec?.csi?.volumeHandle).not.toContain('#');
    expect(pv?.spec?.accessModes).toEqual(['ReadWriteMany']);
    expect(pv?.spec?.mountOptions).toEqual(
      expect.arrayContaining(['uid=1000', 'gid=1000', 'nobrl'])
    );
    const claim = (name: string) =>
      sandbox.kube.get<V1PersistentVolumeClaim>('v1', 'PersistentVolumeClaim', name);
    for (const name of ['gtdata', 'gtdependencies']) {
      expect((await claim(name))?.spec?.volumeName).toBe(volumeName(name));
      // The API server's volume controller binds each claim to its volume.
      await waitUntil(
        async () => (await claim(name))?.status?.phase === 'Bound',
        60_000,
        `claim ${name} bound`
      );
      const volume = await sandbox.kube.get<V1PersistentVolume>(
        'v1',
        'PersistentVolume',
        volumeName(name)
      );
      expect(volume?.status?.phase).toBe('Bound');
    }
    expectKeyHidden(first, await accountKey());
  });

  test('a re-run changes nothing in Azure and keeps the key hidden', async () => {
    const since = sandbox.arm.requests.length;
    const result = await runAction(sandbox, 'create-storage', inputs(), { runnerTemp });
    expect(result.exitCode).toBe(0);
    expect(result.outputs.changed).toBe('false');
    expect(armCalls(sandbox.arm, since).filter(r => r.method === 'PUT')).toEqual([]);
    expectKeyHidden(result, await accountKey());
  });

  test('a quota grows, and cannot shrink below the data it holds', async () => {
    const grown = await runAction(
      sandbox,
      'create-storage',
      inputs({ shares: 'gtdependencies=100\ngtdata=2048' }),
      { runnerTemp }
    );
    expect(grown.exitCode).toBe(0);
    expect(grown.stdout).toContain('gtdata: grows from 1024 to 2048 GiB');
    const shareId = `/subscriptions/${sandbox.arm.subscriptionId}/resourceGroups/${RG}/providers/Microsoft.Storage/storageAccounts/${ACCOUNT}/fileServices/default/shares/gtdata`;
    expect(sandbox.arm.state.getResource(shareId)?.properties.shareQuota).toBe(2048);

    sandbox.arm.state.setShareUsageBytes(shareId, 600 * 1024 ** 3);
    const since = sandbox.arm.requests.length;
    const refused = await runAction(
      sandbox,
      'create-storage',
      inputs({ shares: 'gtdependencies=100\ngtdata=500' }),
      { runnerTemp }
    );
    expect(refused.exitCode).toBe(1);
    expect(errors(refused).join('\n')).toContain(
      'Share gtdata holds 600 GiB; its quota cannot shrink from 2048 GiB to 500 GiB'
    );
    expect(armCalls(sandbox.arm, since).filter(r => r.method === 'PUT')).toEqual([]);

    const shrunk = await runAction(
      sandbox,
      'create-storage',
      inputs({ shares: 'gtdependencies=100\ngtdata=1024' }),
      { runnerTemp }
    );
    expect(shrunk.exitCode).toBe(0);
    expect(shrunk.stdout).toMatch(
      /::warning::.*gtdata: shrinks from 2048 to 1024 GiB \(600 GiB used\)/
    );
  });

  test('tear-down: refused while a pod uses a claim, then deletes the account and its objects, idempotently', async () => {
    const teardown = inputs({ state: 'absent', confirm: ACCOUNT });
    const { core, namespace } = sandbox.kube;
    await core.createNamespacedPod({
      namespace,
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'gadgetron-0', namespace },
        spec: {
          containers: [
            {
              name: 'gadgetron',
              image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2',
              volumeMounts: [{ name: 'data', mountPath: '/tmp/gadgetron_data' }]
            }
          ],
          volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'gtdata' } }]
        }
      }
    });
    const busy = await runAction(sandbox, 'create-storage', teardown, { runnerTemp });
    expect(busy.exitCode).toBe(1);
    expect(errors(busy).join('\n')).toContain('its claims are in use by gadgetron-0 (gtdata)');
    expect(sandbox.arm.state.resources().some(r => r.name === ACCOUNT)).toBe(true);

    await core.deleteNamespacedPod({ name: 'gadgetron-0', namespace, gracePeriodSeconds: 0 });
    await waitUntil(
      async () => (await sandbox.kube.get('v1', 'Pod', 'gadgetron-0')) === undefined,
      60_000,
      'pod gadgetron-0 gone'
    );

    const deleted = await runAction(sandbox, 'create-storage', teardown, { runnerTemp });
    expect(errors(deleted)).toEqual([]);
    expect(deleted.exitCode).toBe(0);
    expect(deleted.outputs.changed).toBe('true');
    expect(sandbox.arm.state.resources().some(r => r.name === ACCOUNT)).toBe(false);
    // Deleted: gone, or going once the protection controllers drop their finalizers.
    const stored = [
      () => sandbox.kube.get('v1', 'PersistentVolumeClaim', 'gtdata'),
      () => sandbox.kube.get('v1', 'PersistentVolumeClaim', 'gtdependencies'),
      () => sandbox.kube.get('v1', 'PersistentVolume', volumeName('gtdata')),
      () => sandbox.kube.get('v1', 'PersistentVolume', volumeName('gtdependencies')),
      () => sandbox.kube.get('v1', 'Secret', 'azure-gtstorage-secret')
    ];
    for (const read of stored) {
      const object = await read();
      if (object) expect(object.metadata?.deletionTimestamp).toBeDefined();
    }
    await waitUntil(
      async () => (await Promise.all(stored.map(read => read()))).every(o => o === undefined),
      60_000,
      'claims, volumes and Secret gone'
    );
    // The group the action made for the account goes with it: nothing is left behind.
    expect(sandbox.arm.state.getResourceGroup(RG)).toBeUndefined();

    const again = await runAction(sandbox, 'create-storage', teardown, { runnerTemp });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('nothing to delete');
    expect(again.outputs.changed).toBe('false');
  });
});

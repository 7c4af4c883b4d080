import type { KubernetesObject, V1PersistentVolumeClaim, V1Pod } from '@kubernetes/client-node';
import type { KubeClient } from '../kubernetes/connect.ts';
import { applyObjects, type AppliedObject } from '../kubernetes/apply.ts';
import { prune } from '../kubernetes/inventory.ts';
import { describeApiError, isNotFound } from '../kubernetes/errors.ts';
import { objectKey } from '../kubernetes/objects.ts';
import { withRetry, type RetryPolicy } from '../kubernetes/retry.ts';
import { ActionFailure } from '../runtime/failure.ts';
import type { ShareRequest } from './parsers.ts';

/** SMB mount options under which the Gadgetron image's user (UID 1000) can write, with symlinks and shared caching. */
export const MOUNT_OPTIONS = [
  'dir_mode=0777',
  'file_mode=0777',
  'uid=1000',
  'gid=1000',
  'mfsymlinks',
  'cache=strict',
  'nosharesock',
  'actimeo=30',
  // Byte-range lock requests are not sent to the server (AKS "Azure Files CSI" mount options):
  // a lock held by a vanished client otherwise blocks files until the SMB session times out.
  'nobrl'
];

export const CSI_DRIVER = 'file.csi.azure.com';

export interface StorageObjectsSpec {
  readonly namespace: string;
  readonly secretName: string;
  readonly resourceGroup: string;
  readonly account: string;
  readonly shares: readonly ShareRequest[];
}

/** The claim of a share carries the share's name: gtdata and gtdependencies are deploy-gadgetron's defaults. */
export function claimName(share: string): string {
  return share;
}

/** PersistentVolumes are cluster-wide, so their names carry the namespace and account. */
export function volumeName(spec: StorageObjectsSpec, share: string): string {
  return `${spec.namespace}-${share}-${spec.account}`.slice(0, 253);
}

function labels(spec: StorageObjectsSpec): Record<string, string> {
  return {
    'app.kubernetes.io/managed-by': 'gadgetron-actions',
    'app.kubernetes.io/part-of': 'gadgetron',
    'gadgetron.io/storage-account': spec.account
  };
}

/** The namespace, the account Secret, and per share a CSI PersistentVolume and the claim bound to it. */
export function storageObjects(
  spec: StorageObjectsSpec,
  key: string,
  claimSizes: ReadonlyMap<string, string> = new Map()
): KubernetesObject[] {
  const meta = (name: string, namespaced: boolean) => ({
    name,
    ...(namespaced ? { namespace: spec.namespace } : {}),
    labels: labels(spec)
  });
  const namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: spec.namespace,
      labels: { 'app.kubernetes.io/managed-by': 'gadgetron-actions' }
    }
  };
  const secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: meta(spec.secretName, true),
    type: 'Opaque',
    data: {
      azurestorageaccountname: Buffer.from(spec.account).toString('base64'),
      azurestorageaccountkey: Buffer.from(key).toString('base64')
    }
  };
  const volumes = spec.shares.flatMap(share => {
    const pv = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: meta(volumeName(spec, share.name), false),
      spec: {
        capacity: { storage: `${share.quotaGiB}Gi` },
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        mountOptions: MOUNT_OPTIONS,
        claimRef: {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          namespace: spec.namespace,
          name: claimName(share.name)
        },
        csi: {
          driver: CSI_DRIVER,
          // Unique per cluster; the driver reads share and secret from the attributes below.
          volumeHandle: `${spec.resourceGroup}_${spec.account}_${share.name}_${spec.namespace}`,
          volumeAttributes: {
            resourceGroup: spec.resourceGroup,
            storageAccount: spec.account,
            shareName: share.name
          },
          nodeStageSecretRef: { name: spec.secretName, namespace: spec.namespace }
        }
      }
    };
    const pvc = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta(claimName(share.name), true),
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: '',
        volumeName: volumeName(spec, share.name),
        // A bound claim's request cannot shrink and a static one cannot grow: keep what it has.
        resources: {
          requests: { storage: claimSizes.get(claimName(share.name)) ?? `${share.quotaGiB}Gi` }
        }
      }
    };
    return [pv, pvc];
  });
  return [namespace, secret, ...volumes] as KubernetesObject[];
}

/** The objects that exist now, by objectKey (for telling created from configured). */
export async function readLive(
  client: KubeClient,
  objects: readonly KubernetesObject[],
  retry: RetryPolicy
): Promise<Map<string, KubernetesObject>> {
  const live = new Map<string, KubernetesObject>();
  for (const object of objects) {
    const ref = {
      apiVersion: object.apiVersion as string,
      kind: object.kind as string,
      metadata: {
        name: object.metadata?.name as string,
        ...(object.metadata?.namespace ? { namespace: object.metadata.namespace } : {})
      }
    };
    try {
      const found = await withRetry(
        `read ${object.kind} ${object.metadata?.name}`,
        () => client.objects.read(ref),
        retry
      );
      live.set(objectKey(object), found);
    } catch (error) {
      if (!isNotFound(error))
        throw new ActionFailure(
          `Could not read ${object.kind} ${object.metadata?.name}: ${describeApiError(error)}`
        );
    }
  }
  return live;
}

/** Applies the storage objects; the claims keep the size they were created with. */
export async function applyStorageObjects(
  client: KubeClient,
  spec: StorageObjectsSpec,
  key: string,
  retry: RetryPolicy
): Promise<AppliedObject[]> {
  const first = storageObjects(spec, key);
  const live = await readLive(client, first, retry);
  const sizes = new Map<string, string>();
  for (const object of live.values()) {
    if (object.kind !== 'PersistentVolumeClaim') continue;
    const size = (object as V1PersistentVolumeClaim).spec?.resources?.requests?.storage;
    if (size !== undefined && object.metadata?.name) sizes.set(object.metadata.name, String(size));
  }
  return applyObjects(client, storageObjects(spec, key, sizes), { live, retry });
}

/** Pods that are (or will be) running with one of the claims mounted: `pod (claim)`. */
export async function podsUsingClaims(
  client: KubeClient,
  namespace: string,
  claims: readonly string[],
  retry: RetryPolicy
): Promise<string[]> {
  let pods: V1Pod[];
  try {
    pods = (
      await withRetry(
        `list pods in ${namespace}`,
        () => client.core.listNamespacedPod({ namespace }),
        retry
      )
    ).items;
  } catch (error) {
    if (isNotFound(error)) return [];
    throw new ActionFailure(`Could not list pods in ${namespace}: ${describeApiError(error)}`);
  }
  const wanted = new Set(claims);
  return pods
    .filter(pod => pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')
    .flatMap(pod =>
      (pod.spec?.volumes ?? [])
        .map(v => v.persistentVolumeClaim?.claimName)
        .filter((claim): claim is string => claim !== undefined && wanted.has(claim))
        .map(claim => `${pod.metadata?.name} (${claim})`)
    );
}

/** Deletes the claims, volumes and Secret of the account; returns what existed. */
export async function removeStorageObjects(
  client: KubeClient,
  spec: StorageObjectsSpec,
  retry: RetryPolicy
): Promise<KubernetesObject[]> {
  const objects = storageObjects(spec, '').filter(o => o.kind !== 'Namespace');
  const live = await readLive(client, objects, retry);
  // Claims before volumes, so no claim is left pointing at a missing volume.
  const order = ['PersistentVolumeClaim', 'PersistentVolume', 'Secret'];
  const sorted = new Map(
    [...live].sort(([, a], [, b]) => order.indexOf(a.kind ?? '') - order.indexOf(b.kind ?? ''))
  );
  return prune(client, sorted, new Set(), false, retry);
}

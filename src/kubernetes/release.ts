/**
 * The release record: what the last successful deploy of an instance applied (its rendered
 * objects and the settings they came from, with a revision number), kept in the cluster next
 * to the instance so a failed rollout can put the whole release back and later runs can read
 * the settings in force.
 *
 * It is a Secret, not a ConfigMap: the instance's ConfigMaps are listed and pruned with its
 * other objects, and a record there would be one of them; and, as with helm's release
 * records, reading it takes the rights of someone who manages the release, not the built-in
 * `view` role that every namespace reader holds. Objects are limited to 1 MiB (etcd's request
 * limit), so the record is gzipped JSON: a Gadgetron release (its scripts included) takes a
 * few KiB.
 */
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeClient } from './connect.ts';
import { describeApiError, isNotFound } from './errors.ts';
import { DEFAULT_RETRY, withRetry, type RetryPolicy } from './retry.ts';
import { ActionFailure } from '../runtime/failure.ts';

/** The Secret's type, so that tools and people can tell a record from credentials. */
export const RELEASE_TYPE = 'gadgetron-actions.io/release';
const DATA_KEY = 'release.json.gz';
/** Where the API server stops accepting an object; the record must leave room for metadata. */
const MAX_BYTES = 900 * 1024;

export interface Release<Settings = Record<string, unknown>> {
  /** 1 for the first release of the instance, one more for each that changed something. */
  readonly revision: number;
  readonly settings: Settings;
  /** The objects as applied, in the API's shape and apply order. */
  readonly objects: readonly KubernetesObject[];
  /** ISO 8601 time the release completed. */
  readonly completedAt: string;
  /** The run that applied it, when the runner said. */
  readonly run?: RunTrace;
}

export interface RunTrace {
  readonly url?: string;
  readonly commit?: string;
  readonly actor?: string;
}

export function releaseName(instance: string): string {
  return `${instance}-release`;
}

/** The record of `instance`, or undefined when it never had a successful release. */
export async function readRelease<Settings>(
  client: KubeClient,
  namespace: string,
  instance: string,
  retry: RetryPolicy = DEFAULT_RETRY
): Promise<Release<Settings> | undefined> {
  let secret: V1Secret;
  try {
    secret = await withRetry(
      `read the release record of ${instance}`,
      () => client.core.readNamespacedSecret({ name: releaseName(instance), namespace }),
      retry
    );
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ActionFailure(
      `Could not read the release record ${namespace}/${releaseName(instance)}: ${describeApiError(error)}`
    );
  }
  const data = secret.data?.[DATA_KEY];
  if (secret.type !== RELEASE_TYPE || data === undefined) {
    throw new ActionFailure(
      `Secret ${namespace}/${releaseName(instance)} is not a release record of this instance (type ${secret.type ?? 'none'}): ` +
        `rename or delete it, since ${releaseName(instance)} is the name the record takes.`
    );
  }
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8')) as Release<Settings>;
}

/** The record as a Secret to apply, labelled with the instance but outside its managed set. */
export function releaseSecret(
  release: Release<unknown>,
  namespace: string,
  instance: string
): KubernetesObject {
  const packed = gzipSync(JSON.stringify(release));
  if (packed.length > MAX_BYTES) {
    throw new ActionFailure(
      `The release record of ${instance} would take ${packed.length} bytes compressed, above the ${MAX_BYTES} an object may hold.`
    );
  }
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: releaseName(instance),
      namespace,
      labels: {
        'app.kubernetes.io/instance': instance,
        'app.kubernetes.io/managed-by': 'gadgetron-actions',
        'app.kubernetes.io/component': 'release-record'
      },
      annotations: { 'gadgetron-actions.io/revision': String(release.revision) }
    },
    type: RELEASE_TYPE,
    data: { [DATA_KEY]: packed.toString('base64') }
  } as KubernetesObject;
}

import { describe, expect, test } from '@jest/globals';
import { ApiException } from '@kubernetes/client-node';
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { createHash, randomBytes } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { KubeClient } from '../../src/kubernetes/connect.ts';
import {
  RELEASE_TYPE,
  readRelease,
  releaseName,
  releaseSecret
} from '../../src/kubernetes/release.ts';
import type { Release } from '../../src/kubernetes/release.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';

const RELEASE: Release = {
  revision: 4,
  settings: { replicas: 2 },
  objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'gt-config' } }],
  completedAt: '2026-11-30T12:00:00Z',
  run: { url: 'https://example.com/run/1', commit: 'abc', actor: 'octo' }
};

const NO_WAIT = { attempts: 3, baseDelayMs: 1, maxDelayMs: 1 };

/** A client whose Secret reads answer in turn from `answers` (an Error is thrown). */
function client(...answers: (V1Secret | Error)[]): { kube: KubeClient; asked: unknown[] } {
  const asked: unknown[] = [];
  const kube = {
    core: {
      readNamespacedSecret: async (request: unknown): Promise<V1Secret> => {
        asked.push(request);
        const answer = answers.shift();
        if (answer === undefined) throw new Error('no more answers');
        if (answer instanceof Error) throw answer;
        return answer;
      }
    }
  } as unknown as KubeClient;
  return { kube, asked };
}

function apiError(code: number, message: string): ApiException<string> {
  return new ApiException(code, message, JSON.stringify({ message, reason: 'Forbidden' }), {});
}

describe('the release record as a Secret', () => {
  test('named after the instance, labelled, typed, with the release gzipped inside', () => {
    const secret = releaseSecret(RELEASE, 'gt', 'mri') as KubernetesObject & V1Secret;
    expect(releaseName('mri')).toBe('mri-release');
    expect(secret.apiVersion).toBe('v1');
    expect(secret.kind).toBe('Secret');
    expect(secret.metadata).toEqual({
      name: 'mri-release',
      namespace: 'gt',
      labels: {
        'app.kubernetes.io/instance': 'mri',
        'app.kubernetes.io/managed-by': 'gadgetron-actions',
        'app.kubernetes.io/component': 'release-record'
      },
      annotations: { 'gadgetron-actions.io/revision': '4' }
    });
    expect(secret.type).toBe('gadgetron-actions.io/release');
    expect(Object.keys(secret.data!)).toEqual(['release.json.gz']);
    const packed = Buffer.from(secret.data!['release.json.gz']!, 'base64');
    expect(JSON.parse(gunzipSync(packed).toString('utf8'))).toEqual(RELEASE);
  });

  test('a record too large for an object is refused with its size', () => {
    // Random text barely compresses: 1.4 MB of base64 stays above 900 KiB gzipped.
    const big = { ...RELEASE, settings: { noise: randomBytes(1024 * 1024).toString('base64') } };
    expect(() => releaseSecret(big, 'gt', 'mri')).toThrow(ActionFailure);
    expect(() => releaseSecret(big, 'gt', 'mri')).toThrow(
      /^The release record of mri would take \d+ bytes compressed, above the 921600 an object may hold\.$/
    );
    const fits = { ...RELEASE, settings: { noise: randomBytes(400 * 1024).toString('base64') } };
    expect(() => releaseSecret(fits, 'gt', 'mri')).not.toThrow();
  });
});

describe('the size limit', () => {
  const LIMIT = 900 * 1024;
  let text = '';
  let block = Buffer.from('release');
  while (text.length < 1_300_000) {
    block = createHash('sha512').update(block).digest();
    text += block.toString('base64');
  }
  const withNoise = (length: number): Release => ({
    ...RELEASE,
    settings: { noise: text.slice(0, length) }
  });
  const packedSize = (release: Release): number => gzipSync(JSON.stringify(release)).length;

  test('a record of exactly the limit compressed is kept; one byte more is refused', () => {
    // The shortest noise whose record reaches the limit: the size grows a byte at a time.
    let low = 0;
    let high = text.length;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      if (packedSize(withNoise(middle)) < LIMIT) low = middle + 1;
      else high = middle;
    }
    expect(packedSize(withNoise(low))).toBe(LIMIT);
    const secret = releaseSecret(withNoise(low), 'gt', 'mri') as V1Secret;
    expect(Buffer.from(secret.data!['release.json.gz']!, 'base64')).toHaveLength(LIMIT);
    let over = low + 1;
    while (packedSize(withNoise(over)) === LIMIT) over++;
    expect(() => releaseSecret(withNoise(over), 'gt', 'mri')).toThrow(
      `above the ${LIMIT} an object may hold`
    );
  });
});

describe('reading the release record', () => {
  test('gives back the release that was written, from the instance namespace', async () => {
    const { kube, asked } = client(releaseSecret(RELEASE, 'gt', 'mri') as V1Secret);
    expect(await readRelease(kube, 'gt', 'mri', NO_WAIT)).toEqual(RELEASE);
    expect(asked).toEqual([{ name: 'mri-release', namespace: 'gt' }]);
  });

  test('a passing failure of the API server is retried, saying what is retried', async () => {
    const { kube, asked } = client(
      apiError(503, 'unavailable'),
      releaseSecret(RELEASE, 'gt', 'mri') as V1Secret
    );
    const retried: string[] = [];
    const policy = { ...NO_WAIT, onRetry: (what: string) => void retried.push(what) };
    expect(await readRelease(kube, 'gt', 'mri', policy)).toEqual(RELEASE);
    expect(asked).toHaveLength(2);
    expect(retried).toEqual(['read the release record of mri']);
  });

  test('an instance that never had a release has no record', async () => {
    const { kube } = client(apiError(404, 'secrets "mri-release" not found'));
    expect(await readRelease(kube, 'gt', 'mri', NO_WAIT)).toBeUndefined();
  });

  test('a record that cannot be read is a failure naming it and the reason', async () => {
    const { kube } = client(apiError(403, 'secrets is forbidden'));
    const reading = readRelease(kube, 'gt', 'mri', NO_WAIT);
    await expect(reading).rejects.toThrow(ActionFailure);
    await expect(reading).rejects.toThrow(
      'Could not read the release record gt/mri-release: secrets is forbidden (Forbidden), HTTP 403'
    );
  });

  test.each<[string, V1Secret, string]>([
    ['of another type', { type: 'Opaque', data: { 'release.json.gz': 'eA==' } }, 'type Opaque'],
    ['without a type', { data: { 'release.json.gz': 'eA==' } }, 'type none'],
    ['without the record', { type: RELEASE_TYPE, data: { other: 'eA==' } }, `type ${RELEASE_TYPE}`],
    ['without data', { type: RELEASE_TYPE }, `type ${RELEASE_TYPE}`]
  ])('a Secret of that name %s is not taken for a record', async (_, secret, type) => {
    const { kube } = client(secret);
    const reading = readRelease(kube, 'gt', 'mri', NO_WAIT);
    await expect(reading).rejects.toThrow(ActionFailure);
    await expect(reading).rejects.toThrow(
      `Secret gt/mri-release is not a release record of this instance (${type}): rename or delete it, since mri-release is the name the record takes.`
    );
  });
});

/**
 * Releases: what a run records, what a failed rollout puts back, what a diff shows and how
 * objects are traced to the run that changed them; against the local cluster, through the
 * bundled action as a runner runs it.
 */
import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import type { KubernetesObject, V1Secret } from '@kubernetes/client-node';
import { runBundledAction } from '../helpers/actions.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { changedKeys, managedObjects, storedState } from './stored.ts';
import { useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';
import { waitUntil } from '../../tools/fixtures/scale.ts';

const REPOSITORY = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda';
const V1 = `${REPOSITORY}:4.7.1`;
const V2 = `${REPOSITORY}:4.7.2`;
// kwok keeps a pod of an image from this registry in ImagePullBackOff.
const MISSING = 'registry.invalid/gadgetron/ubuntu22.04_rt_nocuda:9.9.9';

const RUN = {
  GITHUB_SERVER_URL: 'https://github.example',
  GITHUB_REPOSITORY: 'lab/scanner-ops',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '1',
  GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
  GITHUB_ACTOR: 'radiographer'
};

let cluster: TestCluster;
beforeEach(async () => {
  cluster = await useCluster();
  await createClaims(cluster.kubeconfigPath, cluster.namespace, ['gtdata', 'gtdependencies']);
});
afterEach(() => cluster.close());

const deploy = (inputs: Record<string, string>, env: Record<string, string> = {}) =>
  runBundledAction(
    'deploy-gadgetron',
    {
      kubeconfig: cluster.kubeconfigPath,
      namespace: cluster.namespace,
      timeout: '120s',
      ...inputs
    },
    { env }
  );

async function record(): Promise<{ revision: number; settings: Record<string, string> }> {
  const secret = await cluster.get<V1Secret>('v1', 'Secret', 'gadgetron-release');
  const data = secret?.data?.['release.json.gz'];
  if (!data) throw new Error('no release record');
  return JSON.parse(gunzipSync(Buffer.from(data, 'base64')).toString('utf8'));
}

/** The `configured` objects and their field lines of a run's log. */
function loggedDiff(stdout: string): string[] {
  const lines = stdout.split('\n');
  const start = lines.findIndex(l => /^(created|configured|unchanged|pruned) /.test(l));
  const out: string[] = [];
  let object = '';
  for (const line of lines.slice(start)) {
    const head = /^(created|configured|unchanged|pruned) +(\S+) \S+\/(\S+)$/.exec(line);
    if (head) object = head[1] === 'configured' ? `${head[2]}/${head[3]}` : '';
    else if (object && line.startsWith('           ')) out.push(`${object} ${line.trim()}`);
    else if (!head) break;
  }
  return out;
}

describe('releases of deploy-gadgetron', () => {
  test('a failed rollout that changed image, min-replicas and cpu-request puts the whole previous release back', async () => {
    const first = await deploy({ image: V1, 'storage-server': 'false', 'dependencies-claim': '' });
    expect(first.exitCode).toBe(0);
    expect(first.outputs.revision).toBe('1');
    const before = await storedState(cluster);
    expect(Object.keys(before)).not.toContain('Deployment/gadgetron-storage');

    // The failed run also turns the storage server on: objects it creates must go again.
    const run = await deploy({
      image: MISSING,
      'min-replicas': '2',
      'cpu-request': '1',
      'storage-server': 'true',
      'dependencies-claim': '',
      timeout: '60s'
    });
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ 'rolled-back': 'true', image: V1, revision: '1' });
    expect(run.stdout).toContain('Deleted Deployment');
    // Deleted objects linger while the garbage collector and finalizers (the claim's
    // protection) finish; wait for that, then compare every stored object.
    await waitUntil(
      async () => changedKeys(before, await storedState(cluster)).length === 0,
      60_000,
      'the previous release'
    ).catch(() => {});
    expect(changedKeys(before, await storedState(cluster))).toEqual([]);
    expect(await storedState(cluster)).toEqual(before);
    expect((await record()).revision).toBe(1);
    expect(run.summary).toContain('release revision 1 restored');
  });

  test('an image bump changes the Deployment and nothing else, and is recorded as the next revision', async () => {
    expect((await deploy({ image: V1 }, RUN)).exitCode).toBe(0);
    const before = await storedState(cluster);
    const run = await deploy({ image: V2 }, { ...RUN, GITHUB_RUN_ID: '4243' });
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ revision: '2', changed: 'true' });
    expect(changedKeys(before, await storedState(cluster))).toEqual(['Deployment/gadgetron']);
    const stored = await record();
    expect(stored.revision).toBe(2);
    expect(stored.settings).toMatchObject({ image: V2, 'min-replicas': '1', 'cpu-request': '2' });
    // No object but the Deployments carries the version label.
    for (const object of await managedObjects(cluster)) {
      expect([
        `${object.kind}/${object.metadata?.name}`,
        object.metadata?.labels?.['app.kubernetes.io/version'] !== undefined
      ]).toEqual([`${object.kind}/${object.metadata?.name}`, object.kind === 'Deployment']);
    }
  });

  test('objects carry the run that last changed them', async () => {
    expect((await deploy({ image: V1 }, RUN)).exitCode).toBe(0);
    expect((await deploy({ image: V2 }, { ...RUN, GITHUB_RUN_ID: '4243' })).exitCode).toBe(0);
    const runOf = async (apiVersion: string, kind: string, name: string) =>
      (await cluster.get(apiVersion, kind, name))?.metadata?.annotations ?? {};
    expect(await runOf('apps/v1', 'Deployment', 'gadgetron')).toMatchObject({
      'gadgetron-actions.io/run-url': 'https://github.example/lab/scanner-ops/actions/runs/4243',
      'gadgetron-actions.io/commit': RUN.GITHUB_SHA,
      'gadgetron-actions.io/actor': 'radiographer'
    });
    expect(await runOf('v1', 'Service', 'gadgetron-frontend')).toMatchObject({
      'gadgetron-actions.io/run-url': 'https://github.example/lab/scanner-ops/actions/runs/4242'
    });
  });

  test('the diff of a server dry run names exactly the fields that differ', async () => {
    expect((await deploy({ image: V1 })).exitCode).toBe(0);
    const run = await deploy({ image: V2, 'min-replicas': '3', 'dry-run': 'server' });
    expect(run.exitCode).toBe(0);
    expect(loggedDiff(run.stdout).sort()).toEqual(
      [
        `Deployment/gadgetron metadata.labels["app.kubernetes.io/version"]: 4.7.1 -> 4.7.2`,
        `Deployment/gadgetron spec.template.metadata.labels["app.kubernetes.io/version"]: 4.7.1 -> 4.7.2`,
        `Deployment/gadgetron spec.template.spec.containers[gadgetron].image: ${V1} -> ${V2}`,
        `Deployment/gadgetron spec.template.spec.initContainers[wait-for-storage].image: ${V1} -> ${V2}`,
        'HorizontalPodAutoscaler/gadgetron spec.minReplicas: 1 -> 3'
      ].sort()
    );
    expect(run.stdout).toContain(`Changes: image ${V1} -> ${V2}, min-replicas 1 -> 3.`);
    expect(run.summary).toContain(`image ${V1} -> ${V2}, min-replicas 1 -> 3`);
    expect(run.summary).toMatch(/<details><summary>Field by field/);
    expect(run.summary).toContain('spec.minReplicas: 1 -> 3');
    // Nothing was stored.
    expect((await record()).revision).toBe(1);
  });

  test('reuse-settings keeps what is given empty, resets what is given as default, and checks given values first', async () => {
    expect((await deploy({ image: V1, 'min-replicas': '3', 'cpu-request': '1' })).exitCode).toBe(0);
    const requests = cluster.requests.length;
    const bad = await deploy({ image: '', 'reuse-settings': 'true', 'min-replicas': 'lots' });
    expect(bad.exitCode).toBe(1);
    expect(bad.stdout).toContain("Invalid input 'min-replicas'");
    expect(cluster.requests.length).toBe(requests);

    const run = await deploy({
      image: '',
      'reuse-settings': 'true',
      'min-replicas': 'default',
      'cpu-request': ''
    });
    expect(run.stdout.split('\n').filter(l => l.startsWith('::error'))).toEqual([]);
    expect(run.exitCode).toBe(0);
    const hpa = await cluster.get<KubernetesObject & { spec: { minReplicas: number } }>(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      'gadgetron'
    );
    expect(hpa?.spec.minReplicas).toBe(1);
    expect((await record()).settings).toMatchObject({
      image: V1,
      'min-replicas': '1',
      'cpu-request': '1'
    });
    expect(run.summary).toMatch(/\| min-replicas \| `1` \| the default \|/);
    expect(run.summary).toMatch(/\| cpu-request \| `1` \| kept from revision 1 \|/);
  });

  test('a client dry run says it compared nothing', async () => {
    const run = await deploy({ image: V1, 'dry-run': 'client', kubeconfig: '' });
    expect(run.exitCode).toBe(0);
    expect(run.summary).toContain('not compared');
    expect(run.summary).not.toContain('unchanged');
  });
});

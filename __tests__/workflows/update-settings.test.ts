/**
 * update.yml as a workflow runs it: settings it is not given stay as the running release has
 * them. The cluster exists in the ARM emulator (provision-cluster made it); Gadgetron was
 * deployed with settings other than the defaults; the update gives only a release tag.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import type { V1Deployment, V1Secret, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { repoRoot, runBundledAction } from '../helpers/actions.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { startLocalCloud, type LocalCloud } from '../../tools/fixtures/cloud.ts';
import type { TestCluster } from '../../tools/fixtures/cluster.ts';
import {
  REPOSITORY,
  SANDBOX_CLUSTER,
  releaseContext,
  runChainWorkflow
} from '../../tools/sandbox/chain.ts';

const SETTINGS = {
  'min-replicas': '2',
  'max-replicas': '5',
  'cpu-request': '500m',
  'memory-request': '2Gi',
  'termination-grace-period': '900',
  'drain-settle-time': '30',
  'data-claim': ''
};

let cloud: LocalCloud;
let kube: TestCluster;
beforeAll(async () => {
  cloud = await startLocalCloud();
  kube = cloud.kube as TestCluster;
  const created = await runBundledAction(
    'provision-cluster',
    { ...SANDBOX_CLUSTER, location: 'westeurope' },
    { env: cloud.env() }
  );
  expect(created.stdout).not.toContain('::error');
  await createClaims(kube.kubeconfigPath, kube.namespace, ['gtdependencies']);
}, 180_000);
afterAll(async () => {
  await cloud?.close();
});

describe('update.yml keeps the settings it is not given', () => {
  test('a run with only release-tag changes the image and nothing else', async () => {
    const first = await runBundledAction('deploy-gadgetron', {
      kubeconfig: kube.kubeconfigPath,
      namespace: kube.namespace,
      image: `${REPOSITORY}:4.7.2`,
      timeout: '120s',
      ...SETTINGS
    });
    expect(first.exitCode).toBe(0);

    const result = await runChainWorkflow(
      cloud,
      'update',
      { ...SANDBOX_CLUSTER, namespace: kube.namespace, 'release-tag': 'v4.7.3', timeout: '120s' },
      { root: repoRoot, github: releaseContext('v4.7.3') }
    );
    if (!result.ok)
      throw new Error(result.steps.map(s => `${s.step}: ${s.outcome}\n${s.log}`).join('\n'));
    expect(result.outputs.revision).toBe('2');

    const hpa = await kube.get<V2HorizontalPodAutoscaler>(
      'autoscaling/v2',
      'HorizontalPodAutoscaler',
      'gadgetron'
    );
    expect([hpa?.spec?.minReplicas, hpa?.spec?.maxReplicas]).toEqual([2, 5]);
    const deployment = await kube.get<V1Deployment>('apps/v1', 'Deployment', 'gadgetron');
    const pod = deployment?.spec?.template.spec;
    expect(pod?.containers[0]?.image).toBe(`${REPOSITORY}:4.7.3`);
    expect(pod?.containers[0]?.resources?.requests).toEqual({ cpu: '500m', memory: '2Gi' });
    expect(pod?.terminationGracePeriodSeconds).toBe(900);
    expect(pod?.volumes?.some(v => v.name === 'data')).toBe(false);

    const secret = await kube.get<V1Secret>('v1', 'Secret', 'gadgetron-release');
    const record = JSON.parse(
      gunzipSync(Buffer.from(secret?.data?.['release.json.gz'] ?? '', 'base64')).toString('utf8')
    );
    expect(record.settings).toMatchObject({ ...SETTINGS, image: `${REPOSITORY}:4.7.3` });
    const summary = result.steps.find(s => s.id === 'deploy')?.summary ?? '';
    expect(summary).toContain('kept from revision 1');
    expect(summary).toContain(`image ${REPOSITORY}:4.7.2 -> ${REPOSITORY}:4.7.3`);
  }, 300_000);
});

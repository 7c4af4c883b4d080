import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { useCluster, type TestCluster } from '../../tools/fixtures/cluster.ts';
import { errorAnnotations, runBundledAction } from '../helpers/actions.ts';
import { expectRefusedInput } from '../helpers/refusals.ts';

const IMAGE = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2';

let cluster: TestCluster;
beforeAll(async () => {
  cluster = await useCluster();
});
afterAll(() => cluster.close());

// Each case: the inputs that differ from a valid run, the input the error must name, and a
// phrase the message must contain.
const CASES: [string, Record<string, string>, string, string][] = [
  ['missing image', { image: '' }, 'image', 'required'],
  [
    'image without tag or digest',
    { image: 'ghcr.io/gadgetron/gadgetron' },
    'image',
    'neither a tag nor a digest'
  ],
  ['image with upper case', { image: 'GHCR.io/Gadgetron:1' }, 'image', 'not a valid image name'],
  [
    'namespace with upper case',
    { namespace: 'Gadgetron' },
    'namespace',
    'not a valid namespace name'
  ],
  ['name too long', { name: 'g'.repeat(41) }, 'name', '41 characters long'],
  ['min-replicas zero', { 'min-replicas': '0' }, 'min-replicas', 'out of range'],
  ['max-replicas not a number', { 'max-replicas': 'lots' }, 'max-replicas', 'not a whole number'],
  [
    'max below min',
    { 'min-replicas': '5', 'max-replicas': '2' },
    'max-replicas',
    'below min-replicas'
  ],
  ['cpu-utilization over 100', { 'cpu-utilization': '150' }, 'cpu-utilization', 'out of range'],
  ['cpu-request with units', { 'cpu-request': '2 cores' }, 'cpu-request', 'not a CPU quantity'],
  ['memory-request in gb', { 'memory-request': '4gb' }, 'memory-request', 'not a memory quantity'],
  ['cpu-limit below request', { 'cpu-limit': '1' }, 'cpu-limit', 'below cpu-request'],
  ['memory-limit below request', { 'memory-limit': '1Gi' }, 'memory-limit', 'below memory-request'],
  ['gpus negative', { gpus: '-1' }, 'gpus', 'out of range'],
  ['node-selector not key=value', { 'node-selector': 'agentpool' }, 'node-selector', 'line 1'],
  [
    'toleration with unknown effect',
    { tolerations: 'sku=gpu:Sometimes' },
    'tolerations',
    'unknown effect'
  ],
  [
    'data-claim with underscore',
    { 'data-claim': 'gt_data' },
    'data-claim',
    'not a valid PersistentVolumeClaim name'
  ],
  ['storage-server not boolean', { 'storage-server': 'yes' }, 'storage-server', 'not a boolean'],
  [
    'grace period too short',
    { 'termination-grace-period': '5' },
    'termination-grace-period',
    'out of range'
  ],
  [
    'drain settle time not below the grace period',
    { 'termination-grace-period': '60', 'drain-settle-time': '60' },
    'drain-settle-time',
    'not below termination-grace-period'
  ],
  [
    'drain settle time negative',
    { 'drain-settle-time': '-1' },
    'drain-settle-time',
    'out of range'
  ],
  [
    'memory limit below request once the request grows',
    { 'memory-request': '16Gi', 'memory-limit': '8Gi' },
    'memory-limit',
    'below memory-request'
  ],
  ['timeout without unit', { timeout: '15' }, 'timeout', 'not a duration'],
  ['unknown dry-run mode', { 'dry-run': 'all' }, 'dry-run', 'not a known value'],
  [
    'kubeconfig that does not exist',
    { kubeconfig: '/nonexistent/kubeconfig' },
    'kubeconfig',
    'cannot be read'
  ]
];

describe('deploy-gadgetron refuses bad inputs before any request', () => {
  test.each(CASES)('%s', async (_title, inputs, input, phrase) => {
    const run = await runBundledAction('deploy-gadgetron', {
      image: IMAGE,
      kubeconfig: cluster.kubeconfigPath,
      ...inputs
    });
    expectRefusedInput(run, input, phrase);
    expect(cluster.requests).toHaveLength(0);
  });

  test('all problems are reported at once', async () => {
    const run = await runBundledAction('deploy-gadgetron', {
      image: 'nope',
      'min-replicas': 'x',
      timeout: 'soon',
      kubeconfig: cluster.kubeconfigPath
    });
    expect(run.exitCode).toBe(1);
    expect(errorAnnotations(run).map(e => /^Input '([^']+)'/.exec(e)?.[1])).toEqual(
      expect.arrayContaining(['image', 'min-replicas', 'timeout'])
    );
    expect(run.stdout).toContain('3 inputs are invalid');
    expect(cluster.requests).toHaveLength(0);
  });
});

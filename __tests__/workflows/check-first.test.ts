// stand-up.yml with a bad input, run as written against the local cloud: it must fail in its
// first job, before any request reaches the ARM emulator (no cluster, no storage account, no
// bill), and name the input.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startLocalCloud, type LocalCloud } from '../../tools/fixtures/cloud.ts';
import { runChainWorkflow, standUpInputs } from '../../tools/sandbox/chain.ts';
import { generateHostKey } from '../../src/ssh/host-keys.ts';
import { repoRoot } from '../helpers/actions.ts';

let cloud: LocalCloud;
const key = generateHostKey('ed25519', 'check-first').publicKey;

beforeAll(async () => {
  cloud = await startLocalCloud();
});

afterAll(async () => {
  await cloud?.close();
});

describe('stand-up.yml refuses a bad input in its first job', () => {
  test.each([
    [
      'an image without a tag',
      { image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda' },
      'image'
    ],
    ['a CIDR with a prefix longer than 32', { 'allowed-cidrs': '10.0.0.0/33' }, 'allowed-cidrs']
  ])('%s', async (...[, bad, input]) => {
    const armBefore = cloud.arm.requests.length;
    const tokensBefore = cloud.arm.tokenRequests.length;
    const lines: string[] = [];
    const result = await runChainWorkflow(
      cloud,
      'stand-up',
      { ...standUpInputs('ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2', key), ...bad },
      { root: repoRoot, log: line => lines.push(line) }
    );
    expect(result.ok).toBe(false);
    expect(result.jobs.check?.result).toBe('failure');
    // No other job started.
    expect(new Set(result.steps.map(step => step.job))).toEqual(new Set(['check']));
    for (const job of ['cluster', 'storage', 'gadgetron', 'jumpserver']) {
      expect(result.jobs[job]?.result ?? 'skipped').toBe('skipped');
    }
    expect(lines.join('\n')).toContain(`Invalid input '${input}'`);
    expect(cloud.arm.requests.length).toBe(armBefore);
    expect(cloud.arm.tokenRequests.length).toBe(tokensBefore);
  });

  test('the same run with good inputs gets past the check (so the test above can fail)', async () => {
    const armBefore = cloud.arm.requests.length;
    const result = await runChainWorkflow(
      cloud,
      'stand-up',
      {
        ...standUpInputs('ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2', key),
        // The test's own namespace: other tests share the local cluster.
        namespace: cloud.kube?.namespace ?? ''
      },
      { root: repoRoot }
    );
    expect(result.jobs.check?.result).toBe('success');
    expect(cloud.arm.requests.length).toBeGreaterThan(armBefore);
  });
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { errors, runAction, startSandbox, type Sandbox } from './harness.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    // The cancelled run must reach its deployment before it is killed, even on a busy machine,
    // and the cluster must still be creating when the next run starts.
    arm: { durations: { clusterCreateMs: 20_000, clusterUpdateMs: 500 } }
  });
});

afterAll(async () => {
  await sandbox?.close();
});

const INPUTS = {
  'resource-group': 'rg-cancelled',
  'cluster-name': 'cancelled',
  location: 'westeurope'
};

describe('provision-cluster after a cancelled run', () => {
  test('waits for the cluster a cancelled run left being created instead of failing', async () => {
    const cancelled = await runAction(sandbox, 'provision-cluster', INPUTS, { timeoutMs: 8_000 });
    expect(cancelled.exitCode).not.toBe(0);
    const result = await runAction(sandbox, 'provision-cluster', INPUTS);
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    // The cluster the cancelled run started is still being created: the re-run waits for it,
    // then finds it up to date instead of starting a second deployment.
    expect(result.stdout).toMatch(
      /Cluster cancelled is busy \(Creating\); waiting for that to finish/
    );
    expect(result.stdout).toContain('Cluster cancelled already matches the inputs');
    expect(result.outputs.changed).toBe('false');
    expect(result.outputs.fqdn).toMatch(/azmk8s\.io$/);
    expect(sandbox.arm.requests.filter(r => r.status === 409)).toEqual([]);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { errors, runAction, startSandbox, type Sandbox } from './harness.ts';

let sandbox: Sandbox;

// The first run is cancelled the moment its deployment reaches ARM (not after a fixed time,
// which a slow start on a busy machine could outlast). The creation must still be going on
// when the re-run starts: 20 s leaves room for a slow start of the re-run.
const CREATE_MS = 20_000;

beforeAll(async () => {
  sandbox = await startSandbox({
    arm: { durations: { clusterCreateMs: CREATE_MS, clusterUpdateMs: 500 } }
  });
});

/** Aborts once ARM has received the PUT of a template deployment. */
function abortOnDeployment(): { signal: AbortSignal; stop(): void } {
  const controller = new AbortController();
  const timer = setInterval(() => {
    const put = sandbox.arm.requests.some(
      r => r.method === 'PUT' && /\/deployments\//i.test(r.path)
    );
    if (put) controller.abort();
  }, 20);
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}

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
    const trigger = abortOnDeployment();
    const cancelled = await runAction(sandbox, 'provision-cluster', INPUTS, {
      signal: trigger.signal
    });
    trigger.stop();
    expect(trigger.signal.aborted).toBe(true);
    expect(cancelled.exitCode).not.toBe(0);
    const result = await runAction(sandbox, 'provision-cluster', INPUTS);
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    // The cluster the cancelled run started is still being created: the re-run waits for it,
    // then finds it up to date instead of starting a second deployment.
    expect(result.stdout).toMatch(/cancelled is busy \(Creating\); waiting for that to finish/);
    expect(result.stdout).toContain('Cluster cancelled already matches the inputs');
    expect(result.outputs.changed).toBe('false');
    expect(result.outputs.fqdn).toMatch(/azmk8s\.io$/);
    expect(sandbox.arm.requests.filter(r => r.status === 409)).toEqual([]);
  }, 300_000);
});

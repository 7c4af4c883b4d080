import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { errors, runAction, startSandbox, type Sandbox } from './harness.ts';

// Access tokens and GitHub ID tokens live LIFETIME_S; the cluster takes 2.5 lifetimes to
// create. An assertion kept from the start would be refused (AADSTS700024) and an old access
// token rejected, so the run only succeeds because the credential asks the runner for a fresh
// ID token. The lifetime is long enough that a busy machine (a slow start of the action, a
// slow token exchange) does not outlive a fresh token between fetching and using it.
const LIFETIME_S = 8;
const CREATE_MS = 2.5 * LIFETIME_S * 1000;
/** The action reports progress at most once per this interval (src/azure/deploy-template.ts). */
const PROGRESS_INTERVAL_MS = 15_000;

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    arm: { tokenLifetimeSeconds: LIFETIME_S, durations: { clusterCreateMs: CREATE_MS } },
    oidcLifetimeSeconds: LIFETIME_S
  });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('provision-cluster sign-in', () => {
  test('an operation longer than the token lifetime succeeds because new assertions are requested', async () => {
    const result = await runAction(sandbox, 'provision-cluster', {
      'resource-group': 'rg-long',
      'cluster-name': 'long',
      location: 'westeurope'
    });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Signed in to Azure with GitHub OIDC federation');

    const assertions = sandbox.arm.tokenRequests.filter(t => t.clientAssertion);
    expect(new Set(assertions.map(t => t.clientAssertion)).size).toBeGreaterThanOrEqual(2);
    expect(sandbox.oidc.issued.length).toBeGreaterThanOrEqual(2);
    expect(sandbox.oidc.issued.every(audience => audience === 'api://AzureADTokenExchange')).toBe(
      true
    );
    const span = (assertions.at(-1)?.at ?? 0) - (assertions[0]?.at ?? 0);
    expect(span).toBeGreaterThan(LIFETIME_S * 1000);
    // Progress while ARM works: at most one line per 15 s (as many as the run's own duration
    // allows), with each resource's state and the time.
    const progress = result.stdout
      .split('\n')
      .filter(line => line.startsWith('Deployment gadgetron-cluster-long: '));
    expect(progress.length).toBeGreaterThanOrEqual(1);
    expect(progress.length).toBeLessThanOrEqual(
      1 + Math.floor(result.durationMs / PROGRESS_INTERVAL_MS)
    );
    expect(progress[0]).toMatch(/managedClusters\/long (Accepted|Running) \(\d+s elapsed\)$/);
    // Every assertion was fresh when used: none was refused as expired.
    expect(sandbox.arm.requests.filter(r => r.operation === 'token' && r.status !== 200)).toEqual(
      []
    );
  }, 300_000);
});

/**
 * Entra ID clusters: the kubeconfig provision-cluster writes gets its tokens from the action's
 * own sign-in, again before each expires, so a rollout outlasting a token still succeeds. The
 * tokens live 4 s here (Entra's live 60-90 min) and a pod takes three lifetimes to be ready.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import {
  errors,
  freshTemp,
  runAction,
  startSandbox,
  visibleStdout,
  type Sandbox
} from './harness.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { AKS_SERVER_SCOPE } from '../../tools/fixtures/entra-front.ts';

const LIFETIME_S = 4;
const INPUTS = { 'resource-group': 'rg-aad', 'cluster-name': 'aad', location: 'westeurope' };

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({
    arm: { aadCluster: true, tokenLifetimeSeconds: LIFETIME_S },
    // Pods take three token lifetimes to start: the rollout outlasts several tokens.
    podStartSeconds: 3 * LIFETIME_S,
    oidcLifetimeSeconds: LIFETIME_S
  });
  await createClaims(sandbox.kube.kubeconfigPath, sandbox.kube.namespace, [
    'gtdata',
    'gtdependencies'
  ]);
});

afterAll(async () => {
  await sandbox?.close();
});

describe('provision-cluster on an Entra ID cluster', () => {
  let kubeconfig: string;
  const runnerTemp = freshTemp();

  test('the kubelogin user becomes the action itself as a token command; no token is written', async () => {
    const result = await runAction(sandbox, 'provision-cluster', INPUTS, { runnerTemp });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    kubeconfig = result.outputs.kubeconfig as string;
    const text = readFileSync(kubeconfig, 'utf8');
    expect(text).not.toContain('kubelogin');
    const user = parse(text).users[0].user;
    expect(Object.keys(user)).toEqual(['exec']);
    expect(user.exec.command).toBe(process.execPath);
    // A copy of the bundle in the job's temporary directory: a later checkout cannot remove it.
    expect(user.exec.args).toEqual([`${runnerTemp}/gadgetron-actions-kube-token/index.js`]);
    expect(user.exec.env).toEqual(
      expect.arrayContaining([
        { name: 'GADGETRON_KUBE_TOKEN_SCOPE', value: AKS_SERVER_SCOPE },
        { name: 'AZURE_CLIENT_ID', value: sandbox.env().AZURE_CLIENT_ID }
      ])
    );
    // Only ids, no credential: the file holds nothing that signs anyone in.
    expect(text).not.toMatch(/\btoken:|client-key-data|password/);
    expect(visibleStdout(result)).toContain('signs users in with Entra ID');
  });

  test('a rollout longer than the token lifetime succeeds: the client fetched new tokens as they ran out', async () => {
    const started = Date.now();
    const result = await runAction(
      sandbox,
      'deploy-gadgetron',
      {
        image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2',
        namespace: sandbox.kube.namespace,
        timeout: '5m'
      },
      { runnerTemp, env: { KUBECONFIG: kubeconfig } }
    );
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const entra = sandbox.entra;
    expect(entra?.refused).toEqual([]);
    const accepted = entra?.accepted.filter(a => a.at >= started) ?? [];
    const tokens = [...new Set(accepted.map(a => a.token))];
    expect(Date.now() - started).toBeGreaterThan(2 * LIFETIME_S * 1000);
    expect(tokens.length).toBeGreaterThanOrEqual(2);
    // Requests were still let through after the first token had expired.
    const firstUse = accepted[0]?.at ?? 0;
    expect(accepted.some(a => a.at > firstUse + LIFETIME_S * 1000)).toBe(true);
    for (const token of tokens) {
      expect(sandbox.arm.state.tokenInfo(token).scope).toBe(AKS_SERVER_SCOPE);
    }
    // No token reached the log.
    for (const token of tokens) expect(visibleStdout(result)).not.toContain(token);
  }, 180_000);
});

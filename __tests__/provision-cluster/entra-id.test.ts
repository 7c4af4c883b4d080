import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { errors, runAction, startSandbox, visibleStdout, type Sandbox } from './harness.ts';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ arm: { aadCluster: true } });
});

afterAll(async () => {
  await sandbox?.close();
});

describe('provision-cluster on an Entra ID cluster', () => {
  test('the kubelogin user becomes a masked token for the AKS server application', async () => {
    const result = await runAction(sandbox, 'provision-cluster', {
      'resource-group': 'rg-aad',
      'cluster-name': 'aad',
      location: 'westeurope'
    });
    expect(errors(result)).toEqual([]);
    expect(result.exitCode).toBe(0);
    const text = readFileSync(result.outputs.kubeconfig as string, 'utf8');
    expect(text).not.toContain('kubelogin');
    const user = parse(text).users[0].user;
    expect(Object.keys(user)).toEqual(['token']);
    expect(sandbox.arm.state.tokenInfo(user.token)).toMatchObject({
      valid: true,
      scope: '6dae42f8-4368-4678-94ff-3960e28e3630/.default'
    });
    expect(result.stdout).toContain(`::add-mask::${user.token}`);
    expect(visibleStdout(result)).not.toContain(user.token);
    expect(result.summary).not.toContain(user.token);
    expect(result.stdout).toContain('signs users in with Entra ID');
  });
});

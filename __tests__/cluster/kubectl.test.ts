import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join, dirname, relative } from 'node:path';
import { binaryPath } from '../../tools/cluster/build.ts';
import { KUBERNETES_VERSION } from '../../tools/cluster/versions.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { clusterState } from '../../tools/fixtures/cluster.ts';

// Jest's module loader has no import.meta.dirname.
const here = dirname(fileURLToPath(import.meta.url));

// The kustomize bases name their namespace (gadgetron), which workflow tests deploy into too:
// each base is applied through an overlay that moves it into a namespace of this test's own.
const NAMESPACE = `kubectl-${randomBytes(4).toString('hex')}`;
const root = join(here, '..', '..');
const overlays = join(root, '.tmp', NAMESPACE);

/** A kustomization of `base` in NAMESPACE; kustomize wants the base as a relative path. */
function overlay(base: string): string {
  const dir = join(overlays, base);
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'kustomization.yaml'),
    [
      'apiVersion: kustomize.config.k8s.io/v1beta1',
      'kind: Kustomization',
      `namespace: ${NAMESPACE}`,
      'resources:',
      `  - ${relative(dir, join(root, 'manifests', base))}`,
      ''
    ].join('\n')
  );
  return dir;
}

function kubectl(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise(resolve => {
    execFile(
      binaryPath('kubectl'),
      ['--kubeconfig', clusterState().kubeconfigPath, ...args],
      { cwd: root, timeout: 300_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr })
    );
  });
}

beforeAll(async () => {
  await kubectl('create', 'namespace', NAMESPACE);
  await createClaims(clusterState().kubeconfigPath, NAMESPACE, ['gtdata', 'gtdependencies']);
});
afterAll(async () => {
  await kubectl('delete', 'namespace', NAMESPACE, '--wait=false');
  rmSync(overlays, { recursive: true, force: true });
});

describe('the official kubectl of the pinned release against the local cluster', () => {
  test('client and server are the pinned release', async () => {
    const { code, stdout } = await kubectl('version', '-o', 'json');
    expect(code).toBe(0);
    const version = JSON.parse(stdout) as {
      clientVersion: { gitVersion: string };
      serverVersion: { gitVersion: string };
    };
    expect(version.clientVersion.gitVersion).toBe(KUBERNETES_VERSION);
    expect(version.serverVersion.gitVersion).toBe(KUBERNETES_VERSION);
  });

  test('the kustomize bases apply server-side, with the OpenAPI validation kubectl does', async () => {
    const gadgetron = await kubectl('apply', '--server-side', '-k', overlay('gadgetron'));
    expect(gadgetron.stderr).toBe('');
    expect(gadgetron.code).toBe(0);
    expect(gadgetron.stdout).toMatch(/deployment\.apps\/gadgetron serverside-applied/);
    const jumpserver = await kubectl('apply', '--server-side', '-k', overlay('jumpserver'));
    expect(jumpserver.stderr).toBe('');
    expect(jumpserver.code).toBe(0);
    expect(jumpserver.stdout).toMatch(/service\/sshd-jumpserver serverside-applied/);
  });

  test('the Gadgetron Deployment rolls out on the kwok nodes', async () => {
    const rollout = await kubectl(
      'rollout',
      'status',
      'deployment/gadgetron',
      '-n',
      NAMESPACE,
      '--timeout=240s'
    );
    if (rollout.code !== 0) {
      // What kubectl would show a person looking into it.
      const seen = await kubectl('get', 'pods,pvc,events', '-o', 'wide', '-n', NAMESPACE);
      throw new Error(`rollout status failed: ${rollout.stderr}\n${seen.stdout}`);
    }
    expect(rollout.stdout).toContain('successfully rolled out');
    const pods = await kubectl('get', 'pods', '-o', 'wide', '-n', NAMESPACE);
    expect(pods.code).toBe(0);
    const header = pods.stdout.split('\n')[0] ?? '';
    expect(header).toMatch(/NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    const server = pods.stdout.split('\n').find(l => /^gadgetron-(?!storage)/.test(l)) ?? '';
    expect(server).toMatch(/1\/1\s+Running\s+0/);
    expect(server).toMatch(/aks-gadgetron-/);
  });

  test('explain reads the served OpenAPI schema', async () => {
    const explain = await kubectl('explain', 'deployment.spec');
    expect(explain.code).toBe(0);
    expect(explain.stdout).toContain('progressDeadlineSeconds');
    expect(explain.stdout).toContain('revisionHistoryLimit');
  });
});

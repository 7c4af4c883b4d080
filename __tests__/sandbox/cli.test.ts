// npm run sandbox as a user meets it: its options, its errors, --keep, a caller of one's own.
import { describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from '../helpers/actions.ts';

const SANDBOX = join(repoRoot, 'tools', 'sandbox.ts');

/** The sandbox deploys into a namespace named gadgetron: it starts a local cluster of its own. */
function ownClusterEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.GADGETRON_TEST_CLUSTER;
  return env;
}

function sandbox(...args: string[]) {
  return spawnSync(process.execPath, [SANDBOX, ...args], {
    cwd: repoRoot,
    env: ownClusterEnv(),
    encoding: 'utf8',
    timeout: 170_000
  });
}

describe('npm run sandbox', () => {
  test('--help prints the options and exits 0', () => {
    const result = sandbox('--help');
    expect(result.status).toBe(0);
    for (const option of ['--kubeconfig', '--keep', '--workflow', '--inputs', '--out']) {
      expect(result.stdout).toContain(option);
    }
  });

  test.each([
    [['--kube', 'x'], "Unknown option '--kube'"],
    [['--kubeconfig', '/nonexistent/config'], '--kubeconfig /nonexistent/config: no such file'],
    [['--kubeconfig', SANDBOX], 'not a kubeconfig'],
    [['--inputs', SANDBOX], 'give --workflow FILE too']
  ])('%j is refused with one line and the usage, no stack trace', (args, message) => {
    const result = sandbox(...args);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^sandbox: /);
    expect(result.stderr).toContain(message);
    expect(result.stderr).toContain('Usage: npm run sandbox');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('--workflow runs a caller of ours: the example with its placeholder key stops in the check job', () => {
    const out = mkdtempSync(join(tmpdir(), 'sandbox-out-'));
    const inputs = join(out, 'inputs.yml');
    writeFileSync(inputs, 'image: ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2\n');
    const result = sandbox('--workflow', 'examples/stand-up.yml', '--inputs', inputs, '--out', out);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('[stand-up/check]');
    expect(result.stdout).toContain("Invalid input 'authorized-keys'");
    expect(result.stdout).toMatch(/stand-up\/cluster\s+skipped/);
    const markdown = readFileSync(join(out, 'stand-up.md'), 'utf8');
    expect(markdown).toMatch(/^# stand-up: failed/);
    const html = readFileSync(join(out, 'stand-up.html'), 'utf8');
    expect(html).toContain('<h1>stand-up: failed</h1>');
    // Every expression printed is evaluated.
    expect(result.stdout).not.toContain('${{');
  });

  test('--keep leaves the cluster up, says how to reach it, and stops on Ctrl-C', async () => {
    const out = mkdtempSync(join(tmpdir(), 'sandbox-out-'));
    const child = spawn(process.execPath, [SANDBOX, '--keep', '--out', out], {
      cwd: repoRoot,
      env: ownClusterEnv(),
      stdio: ['ignore', 'pipe', 'pipe']
    });
    child.stderr.resume();
    let stdout = '';
    const up = new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk;
        if (stdout.includes('stays up until Ctrl-C') && /kubeconfig: \S+\n/.test(stdout)) resolve();
      });
      child.on('exit', code => reject(new Error(`sandbox exited (${code}) early:\n${stdout}`)));
    });
    try {
      await up;
      const kubeconfig = /kubeconfig: (\S+)\n/.exec(stdout)?.[1] as string;
      const api = /Kubernetes API \(local cluster, kwok nodes\): (\S+)/.exec(stdout)?.[1] as string;
      const config = parse(readFileSync(kubeconfig, 'utf8')) as {
        users: { user: { token: string } }[];
      };
      // The cluster is still there: Gadgetron's Deployment answers, with the printed kubeconfig.
      const response = await fetch(
        `${api}/apis/apps/v1/namespaces/gadgetron/deployments/gadgetron`,
        { headers: { authorization: `Bearer ${config.users[0]?.user.token}` } }
      );
      expect(response.status).toBe(200);
      expect(stdout).toContain('(emulated address: no jump server listens there)');
      expect(stdout).not.toContain('tear-down');

      // status.yml ran after stand-up: its summary names each Gadgetron pod the cluster runs,
      // with its image, and the jump server stand-up reported.
      const pods = (await (
        await fetch(
          `${api}/api/v1/namespaces/gadgetron/pods?labelSelector=app.kubernetes.io/component%3Dserver`,
          { headers: { authorization: `Bearer ${config.users[0]?.user.token}` } }
        )
      ).json()) as {
        items: { metadata: { name: string }; spec: { containers: { image: string }[] } }[];
      };
      expect(pods.items.length).toBeGreaterThan(0);
      const status = readFileSync(join(out, 'status.md'), 'utf8');
      expect(status).toMatch(/^# status: succeeded/);
      expect(status).toContain('## Gadgetron gadgetron/gadgetron: healthy');
      for (const pod of pods.items) {
        expect(status).toContain(
          `| ${pod.metadata.name} | ready | \`${pod.spec.containers[0]?.image}\` |`
        );
      }
      const standUp = readFileSync(join(out, 'stand-up.md'), 'utf8');
      const fingerprints = [...standUp.matchAll(/`(SHA256:[A-Za-z0-9+/]+)`/g)].map(m => m[1]);
      expect(fingerprints.length).toBeGreaterThan(0);
      for (const fingerprint of fingerprints) expect(status).toContain(fingerprint as string);
      const address = /Tunnel to Gadgetron[^\n]*:\n\s+ssh .* gadgetron@(\S+)/.exec(stdout)?.[1];
      expect(status).toContain(`\`${address}:22\` (load balancer)`);
      const exited = new Promise<number | null>(resolve => child.once('exit', resolve));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});

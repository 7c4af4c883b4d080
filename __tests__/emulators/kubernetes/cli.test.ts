import { describe, expect, test } from '@jest/globals';
import * as k8s from '@kubernetes/client-node';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startWithClients } from './harness.ts';

describe('command line and TLS', () => {
  test('cli.ts serves until SIGTERM and copies the kubeconfig', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'k8s-cli-'));
    const kubeconfig = join(dir, 'config');
    const child = spawn(
      'node_modules/.bin/node',
      [
        'emulators/kubernetes/cli.ts',
        '--kubeconfig',
        kubeconfig,
        '--pod-ready-delay-ms',
        '10',
        '--time-scale',
        '0.01'
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] }
    );
    try {
      let out = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('kubeconfig:')) resolve();
        });
        child.once('exit', code => reject(new Error(`exited early with ${code}`)));
      });
      expect(out).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
      expect(out).toContain(`kubeconfig: ${kubeconfig}`);
      const kc = new k8s.KubeConfig();
      kc.loadFromString(readFileSync(kubeconfig, 'utf8'));
      expect(kc.getCurrentContext()).toBe('emulator');
      const namespaces = await kc.makeApiClient(k8s.CoreV1Api).listNamespace();
      expect(namespaces.items.map(n => n.metadata?.name)).toContain('default');
      const exited = new Promise<number | null>(resolve =>
        child.once('exit', code => resolve(code))
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('tls: true serves https with the CA in the kubeconfig', async () => {
    const c = await startWithClients({ tls: true });
    try {
      expect(c.emulator.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      expect(c.kc.getCurrentCluster()?.caData).toBeTruthy();
      expect(c.kc.getCurrentCluster()?.skipTLSVerify).toBeFalsy();
      const ns = await c.core.readNamespace({ name: 'default' });
      expect(ns.metadata?.name).toBe('default');
    } finally {
      await c.emulator.close();
    }
  });
});

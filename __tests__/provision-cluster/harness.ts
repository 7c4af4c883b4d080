/**
 * Runs the bundled Azure actions as the runner does, against the ARM emulator, a namespace of
 * the local Kubernetes cluster and a stand-in for the runner's OIDC token service.
 */
import { fileURLToPath } from 'node:url';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArmEmulator, ArmEmulatorOptions } from '../../emulators/arm/index.ts';
import { startLocalCloud, type LocalCloud } from '../../tools/fixtures/cloud.ts';
import type { TestCluster } from '../../tools/fixtures/cluster.ts';
import { runActionProcess, type ActionProcessResult } from '../../tools/runner/action-process.ts';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export { CLIENT_ID } from '../../tools/fixtures/cloud.ts';
export { startOidcServer, type OidcServer } from '../../emulators/github-oidc/index.ts';

/** Fails clearly when the bundle is missing. */
export function actionDir(name: string): string {
  const dir = join(ROOT, 'actions', name);
  if (!existsSync(join(dir, 'dist', 'index.js'))) {
    throw new Error(
      `actions/${name}/dist/index.js is missing: run node tools/build.ts ${name} first`
    );
  }
  return dir;
}

/** The local cloud with a namespace of the local cluster behind every cluster's credentials. */
export type Sandbox = LocalCloud & { readonly kube: TestCluster };

export async function startSandbox(
  options: { arm?: ArmEmulatorOptions; oidcLifetimeSeconds?: number; podStartSeconds?: number } = {}
): Promise<Sandbox> {
  const cloud = await startLocalCloud(options);
  const { kube } = cloud;
  if (!kube) throw new Error('the local cloud has no namespace of the local cluster');
  return { ...cloud, kube };
}

export async function runAction(
  sandbox: Sandbox,
  name: string,
  inputs: Record<string, string>,
  options: {
    env?: Record<string, string | undefined>;
    runnerTemp?: string;
    phase?: 'main' | 'post';
    state?: Record<string, string>;
    /** The process is killed after this long, like a cancelled job. */
    timeoutMs?: number;
    /** The process is killed when this aborts, like a cancelled job. */
    signal?: AbortSignal;
  } = {}
): Promise<ActionProcessResult> {
  return runActionProcess({
    actionDir: actionDir(name),
    inputs,
    env: sandbox.env(options.env),
    ...(options.runnerTemp ? { runnerTemp: options.runnerTemp } : {}),
    ...(options.phase ? { phase: options.phase } : {}),
    ...(options.state ? { state: options.state } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    timeoutMs: options.timeoutMs ?? 120_000
  });
}

export function freshTemp(): string {
  return mkdtempSync(join(tmpdir(), 'runner-temp-'));
}

/** The `::error::` annotations of a run, unescaped enough to read. */
export function errors(result: ActionProcessResult): string[] {
  return result.stdout
    .split('\n')
    .filter(line => line.startsWith('::error'))
    .map(line => line.replace(/%0A/g, '\n').replace(/%25/g, '%'));
}

/** stdout without the add-mask commands (the runner consumes those and never shows them). */
export function visibleStdout(result: ActionProcessResult): string {
  return result.stdout
    .split('\n')
    .filter(line => !line.startsWith('::add-mask::'))
    .join('\n');
}

/** Every file under a directory, as text, for secret scans. */
export function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (statSync(path).isDirectory()) walk(path);
      else files[path] = readFileSync(path, 'utf8');
    }
  };
  if (existsSync(dir)) walk(dir);
  return files;
}

/** Requests the emulator saw that were not token requests (ARM calls proper). */
export function armCalls(arm: ArmEmulator, since = 0): ArmEmulator['requests'] {
  return arm.requests.slice(since).filter(r => r.path.toLowerCase().startsWith('/subscriptions/'));
}

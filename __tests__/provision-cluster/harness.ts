/**
 * Runs the bundled Azure actions as the runner does, against the ARM and Kubernetes emulators
 * and a stand-in for the runner's OIDC token service.
 */
import { fileURLToPath } from 'node:url';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  startArmEmulator,
  type ArmEmulator,
  type ArmEmulatorOptions
} from '../../emulators/arm/index.ts';
import {
  startKubernetesEmulator,
  type KubernetesEmulator
} from '../../emulators/kubernetes/index.ts';
import { runActionProcess, type ActionProcessResult } from '../../tools/runner/action-process.ts';

export const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const CLIENT_ID = '11111111-2222-4333-8444-555555555555';

/** Fails clearly when the bundle is missing: the contract is with dist/, which tests do not commit. */
export function actionDir(name: string): string {
  const dir = join(ROOT, 'actions', name);
  if (!existsSync(join(dir, 'dist', 'index.js'))) {
    throw new Error(
      `actions/${name}/dist/index.js is missing: run node tools/build.ts ${name} first`
    );
  }
  return dir;
}

export interface OidcServer {
  readonly url: string;
  readonly token: string;
  /** Audiences of the ID tokens handed out, one per request. */
  readonly issued: string[];
  close(): Promise<void>;
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/**
 * The runner's ID token service: GET ACTIONS_ID_TOKEN_REQUEST_URL&audience=... with
 * `Authorization: bearer ACTIONS_ID_TOKEN_REQUEST_TOKEN` → `{ "value": "<jwt>" }`. Tokens live
 * `lifetimeSeconds`, so an assertion kept too long is refused by the token endpoint.
 */
export async function startOidcServer(lifetimeSeconds = 300): Promise<OidcServer> {
  const token = `request-token-${Math.random().toString(36).slice(2)}`;
  const issued: string[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (
      req.method !== 'GET' ||
      req.headers.authorization?.toLowerCase() !== `bearer ${token}`.toLowerCase()
    ) {
      res.writeHead(401).end();
      return;
    }
    const audience = url.searchParams.get('audience') ?? 'https://github.com/owner';
    issued.push(audience);
    const now = Math.floor(Date.now() / 1000);
    const jwt = [
      b64url({ alg: 'RS256', typ: 'JWT', kid: 'test' }),
      b64url({
        iss: 'https://token.actions.githubusercontent.com',
        sub: 'repo:owner/repo:ref:refs/heads/main',
        aud: audience,
        iat: now,
        nbf: now - 5,
        exp: now + lifetimeSeconds,
        jti: `${now}-${issued.length}`
      }),
      'c2lnbmF0dXJl'
    ].join('.');
    res
      .writeHead(200, { 'Content-Type': 'application/json' })
      .end(JSON.stringify({ value: jwt, count: issued.length }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/_apis/distributedtask/hubs/build/plans/1/jobs/1/idtoken?api-version=2.0`,
    token,
    issued,
    close: () => new Promise(resolve => server.close(() => resolve()))
  };
}

export interface Sandbox {
  readonly arm: ArmEmulator;
  readonly kube: KubernetesEmulator;
  readonly oidc: OidcServer;
  /** The environment of a GitHub job signed in through OIDC, pointed at the emulators. */
  env(extra?: Record<string, string | undefined>): Record<string, string | undefined>;
  close(): Promise<void>;
}

export async function startSandbox(
  options: { arm?: ArmEmulatorOptions; oidcLifetimeSeconds?: number } = {}
): Promise<Sandbox> {
  const kube = await startKubernetesEmulator();
  const arm = await startArmEmulator({
    durations: {
      clusterCreateMs: 1500,
      clusterUpdateMs: 800,
      storageCreateMs: 300,
      shareCreateMs: 100,
      resourceGroupDeleteMs: 300
    },
    kubeconfigServer: kube.url,
    kubeconfigToken: 'emulator-token',
    ...options.arm
  });
  const oidc = await startOidcServer(options.oidcLifetimeSeconds);
  return {
    arm,
    kube,
    oidc,
    env: extra => ({
      NODE_EXTRA_CA_CERTS: arm.caCertPath,
      AZURE_AUTHORITY_HOST: arm.url,
      AZURE_RESOURCE_MANAGER_ENDPOINT: arm.url,
      AZURE_SUBSCRIPTION_ID: arm.subscriptionId,
      AZURE_TENANT_ID: arm.tenantId,
      AZURE_CLIENT_ID: CLIENT_ID,
      AZURE_CLIENT_SECRET: undefined,
      AZURE_CLIENT_CERTIFICATE_PATH: undefined,
      ACTIONS_ID_TOKEN_REQUEST_URL: oidc.url,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: oidc.token,
      KUBECONFIG: undefined,
      ...extra
    }),
    close: async () => {
      await arm.close();
      await kube.close();
      await oidc.close();
    }
  };
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
  } = {}
): Promise<ActionProcessResult> {
  return runActionProcess({
    actionDir: actionDir(name),
    inputs,
    env: sandbox.env(options.env),
    ...(options.runnerTemp ? { runnerTemp: options.runnerTemp } : {}),
    ...(options.phase ? { phase: options.phase } : {}),
    ...(options.state ? { state: options.state } : {}),
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

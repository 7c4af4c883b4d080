/**
 * What an unauthenticated client can do to the jump server, against real sshd started
 * through the image's entrypoint with the pod's capability set: hold connection slots
 * (LoginGraceTime, PerSourceMaxStartups) and read the offered algorithms (ssh-audit).
 * Requires root and `bash .ci/install-sshd.sh` (sshd, ssh and ssh-audit).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { parseAuthorizedKeys, renderAuthorizedKeysFile } from '../../src/ssh/authorized-keys.ts';
import { generateHostKey, generateHostKeys } from '../../src/ssh/host-keys.ts';
import type { HostKey } from '../../src/ssh/host-keys.ts';
import {
  CONTAINER_CAPABILITIES,
  LOGIN_USER,
  renderJumpserverSshdConfig
} from '../../src/ssh/layout.ts';
import { freePort } from './echo-server.ts';
import {
  ensureLoginUser,
  makeDirs,
  removeDirs,
  requireSshd,
  startJumpserver,
  writeVolume
} from './jumpserver-process.ts';
import type { JumpserverDirs, RunningJumpserver } from './jumpserver-process.ts';
import { connect } from './ssh-client.ts';

/** Slack for a busy machine on top of what sshd itself promises. */
const BUSY_FACTOR = 1.5;
/** How long to wait for what must happen (the wait ends as soon as it does). */
const PATIENCE_MS = 60_000;

interface Server {
  dirs: JumpserverDirs;
  port: number;
  config: string;
  process: RunningJumpserver;
}

let hostKeys: HostKey[];
let userKey: HostKey;
let pod: Server;
let withoutKill: Server;
const sockets: Socket[] = [];
const clients: Client[] = [];

async function startServer(capabilities: readonly string[]): Promise<Server> {
  const dirs = makeDirs();
  const port = await freePort();
  const config = renderJumpserverSshdConfig({
    port,
    listenAddress: '127.0.0.1',
    targetHost: '127.0.0.1',
    targetPort: 9,
    clientAliveInterval: 30,
    hostKeyFileNames: hostKeys.map(k => k.fileName),
    runtimeDir: dirs.runtimeDir
  });
  const parsed = parseAuthorizedKeys(`${userKey.publicKey}\n`);
  if (!parsed.ok) throw new Error(parsed.errors.map(e => e.message).join('\n'));
  writeVolume(dirs.configDir, {
    sshd_config: config,
    authorized_keys: renderAuthorizedKeysFile(parsed.keys)
  });
  writeVolume(dirs.hostKeysDir, Object.fromEntries(hostKeys.map(k => [k.fileName, k.privateKey])));
  return { dirs, port, config, process: await startJumpserver(dirs, port, capabilities) };
}

/** The value of one directive in a rendered sshd_config. */
function directive(config: string, name: string): string {
  const line = config.split('\n').find(l => l.toLowerCase().startsWith(`${name.toLowerCase()} `));
  if (line === undefined) throw new Error(`the configuration has no ${name}`);
  return line.slice(name.length + 1).trim();
}

interface Silent {
  socket: Socket;
  /** Milliseconds from connecting until the server closed the connection. */
  closedAfter(): number | undefined;
  /** Everything the server sent. */
  received(): string;
}

/** Connects, sends a version string and then nothing at all. */
async function silentClient(port: number, localAddress = '127.0.0.1'): Promise<Silent> {
  const socket = netConnect({ host: '127.0.0.1', port, localAddress });
  sockets.push(socket);
  let closedAt: number | undefined;
  let received = '';
  socket.on('data', chunk => (received += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  socket.on('close', () => (closedAt = Date.now()));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const connectedAt = Date.now();
  socket.write('SSH-2.0-silent\r\n');
  return {
    socket,
    closedAfter: () => (closedAt === undefined ? undefined : closedAt - connectedAt),
    received: () => received
  };
}

async function until(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (!check() && Date.now() < deadline) await new Promise(r => setTimeout(r, 50));
  return check();
}

async function login(port: number, localAddress?: string): Promise<Client> {
  const client = await connect({
    port,
    username: LOGIN_USER,
    privateKey: userKey.privateKey,
    ...(localAddress ? { localAddress } : {})
  });
  clients.push(client);
  return client;
}

beforeAll(async () => {
  requireSshd();
  ensureLoginUser(LOGIN_USER);
  hostKeys = generateHostKeys('preauth-test');
  userKey = generateHostKey('ed25519', 'alice@example');
  pod = await startServer(CONTAINER_CAPABILITIES);
  withoutKill = await startServer(CONTAINER_CAPABILITIES.filter(c => c !== 'KILL'));
}, 60_000);

afterAll(async () => {
  for (const socket of sockets) socket.destroy();
  for (const client of clients) client.end();
  await Promise.all([pod, withoutKill].map(s => s?.process.stop()));
  for (const server of [pod, withoutKill]) removeDirs(server?.dirs);
});

describe('a client that sends its version string and stays silent', () => {
  test('is disconnected at LoginGraceTime under the pod capabilities; without KILL it stays', async () => {
    const graceMs = Number(directive(pod.config, 'LoginGraceTime')) * 1000;
    expect(graceMs).toBeGreaterThan(0);
    const allowedMs = (graceMs + 5000) * BUSY_FACTOR;

    const [held, kept] = await Promise.all([
      silentClient(pod.port),
      silentClient(withoutKill.port)
    ]);
    expect(await until(() => held.closedAfter() !== undefined, allowedMs)).toBe(true);
    // sshd ended it for the grace time, not for anything else.
    expect(held.received()).toMatch(/^SSH-2\.0-OpenSSH_/);
    expect(held.closedAfter()).toBeGreaterThanOrEqual(graceMs - 1000);
    expect(held.closedAfter()).toBeLessThanOrEqual(allowedMs);

    // The same sshd without CAP_KILL cannot end its pre-authentication process.
    expect(kept.closedAfter()).toBeUndefined();
    expect(kept.socket.destroyed).toBe(false);

    // And a new client then connects.
    const client = await login(pod.port);
    expect(client).toBeDefined();
  }, 120_000);

  test('one address holds at most PerSourceMaxStartups slots; others still log in, and it does after the grace time', async () => {
    const perSource = Number(directive(pod.config, 'PerSourceMaxStartups'));
    const graceMs = Number(directive(pod.config, 'LoginGraceTime')) * 1000;
    expect(perSource).toBeGreaterThan(0);

    const held: Silent[] = [];
    for (let i = 0; i < perSource; i++) held.push(await silentClient(pod.port, '127.0.0.3'));
    // Every one of them got a version string back: all are in pre-authentication.
    expect(
      await until(() => held.every(h => h.received().startsWith('SSH-2.0-')), PATIENCE_MS)
    ).toBe(true);
    const extra = await silentClient(pod.port, '127.0.0.3');
    expect(await until(() => extra.closedAfter() !== undefined, PATIENCE_MS)).toBe(true);
    // sshd's answer to a source over its limit, before any version string of its own.
    expect(extra.received()).toMatch(/^Exceeded MaxStartups\r?\n$/);

    // Another source is not locked out.
    await login(pod.port, '127.0.0.4');

    // Once the grace time has ended the silent ones, the first address is welcome again.
    const allowedMs = (graceMs + 5000) * BUSY_FACTOR;
    expect(await until(() => held.every(h => h.closedAfter() !== undefined), allowedMs)).toBe(true);
    await login(pod.port, '127.0.0.3');
  }, 120_000);
});

describe('ssh-audit', () => {
  const SSH_AUDIT = '/usr/bin/ssh-audit';
  /** The interpreter Debian's ssh-audit package is installed for. */
  const PYTHON = '/usr/bin/python3';
  /** ssh-audit's exit code when any algorithm fails (exitcodes.py). */
  const FAILURE = 3;
  /**
   * Debian 12's ssh-audit (2.5.0) predates OpenSSH 9: its newest hardened server policy is the
   * one for 8.7. The image runs OpenSSH 9.2, which adds two entries that the 9.x policies list:
   * the post-quantum sntrup761 exchange first, and the Terrapin "strict kex" marker that
   * Debian's security update appends to every server's list (not a key exchange).
   */
  const BASE_POLICY = 'Hardened OpenSSH Server v8.7 (version 1)';

  function audit(args: string[]): { status: number | null; output: string } {
    if (!existsSync(SSH_AUDIT))
      throw new Error(`${SSH_AUDIT} is missing: bash .ci/install-sshd.sh`);
    const result = spawnSync(
      SSH_AUDIT,
      ['-n', '-t', '20', '-p', String(pod.port), ...args, '127.0.0.1'],
      { encoding: 'utf8', timeout: 60_000 }
    );
    return { status: result.status, output: `${result.stdout}${result.stderr}` };
  }

  function policyFile(): string {
    const script = `import json\nfrom ssh_audit.policy import Policy\nprint(json.dumps(Policy.BUILTIN_POLICIES[${JSON.stringify(BASE_POLICY)}]))`;
    const read = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
    if (read.status !== 0) throw new Error(`cannot read ssh-audit's policy: ${read.stderr}`);
    const base = JSON.parse(read.stdout) as {
      host_keys: string[];
      optional_host_keys: string[];
      kex: string[];
      ciphers: string[];
      macs: string[];
      hostkey_sizes: Record<string, number> | null;
      dh_modulus_sizes: Record<string, number> | null;
    };
    const lines = [
      'name = "Hardened OpenSSH Server v9.2, from ssh-audit\'s v8.7 policy"',
      'version = 1',
      `host keys = ${base.host_keys.join(', ')}`,
      `optional host keys = ${base.optional_host_keys.join(', ')}`,
      `key exchanges = ${[
        'sntrup761x25519-sha512@openssh.com',
        ...base.kex,
        'kex-strict-s-v00@openssh.com'
      ].join(', ')}`,
      `ciphers = ${base.ciphers.join(', ')}`,
      `macs = ${base.macs.join(', ')}`,
      ...Object.entries(base.hostkey_sizes ?? {}).map(([k, v]) => `hostkey_size_${k} = ${v}`),
      ...Object.entries(base.dh_modulus_sizes ?? {}).map(([k, v]) => `dh_modulus_size_${k} = ${v}`)
    ];
    const path = join(pod.dirs.root, 'policy.txt');
    writeFileSync(path, `${lines.join('\n')}\n`);
    return path;
  }

  test('the plain audit finds nothing that fails, and no NIST curve', () => {
    const { status, output } = audit([]);
    expect(output).toContain('(gen) banner: SSH-2.0-OpenSSH_9');
    expect(status).not.toBe(FAILURE);
    expect(output).not.toMatch(/\[fail\]/);
    expect(output).not.toMatch(/nistp|ecdsa/);
    // DebianBanner no: the banner names no distribution patch level.
    expect(output).not.toMatch(/banner: .*Debian/);
  }, 90_000);

  test("the hardened policy passes: Debian's v8.7 policy with OpenSSH 9's two additions", () => {
    const { status, output } = audit(['-P', policyFile()]);
    expect(output).toContain('Result: ✔ Passed');
    expect(status).toBe(0);
  }, 90_000);
});

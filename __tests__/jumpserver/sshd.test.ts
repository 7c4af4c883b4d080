/**
 * The jump server against a real sshd: started through
 * images/jumpserver/entrypoint.sh with the configuration, host keys and
 * authorized keys that src/ssh renders, and probed with the ssh2 client and
 * the OpenSSH client. Requires root and `bash .ci/install-sshd.sh`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Client } from 'ssh2';
import { parseAuthorizedKeys, renderAuthorizedKeysFile } from '../../src/ssh/authorized-keys.ts';
import { sha256Fingerprint } from '../../src/ssh/fingerprint.ts';
import { generateHostKey, generateHostKeys, knownHostsLines } from '../../src/ssh/host-keys.ts';
import type { HostKey } from '../../src/ssh/host-keys.ts';
import { LOGIN_USER, renderJumpserverSshdConfig, runtimePaths } from '../../src/ssh/layout.ts';
import { keygenFingerprints } from '../ssh/ssh-keygen.ts';
import { freePort, startTcpEchoServer, startUnixEchoServer } from './echo-server.ts';
import type { EchoServer } from './echo-server.ts';
import {
  SSHD,
  ensureLoginUser,
  makeDirs,
  removeDirs,
  requireSshd,
  runEntrypointOnce,
  startJumpserver,
  writeVolume
} from './jumpserver-process.ts';
import type { JumpserverDirs, RunningJumpserver } from './jumpserver-process.ts';
import { connect, echoThrough, expectFailure, forwardOut } from './ssh-client.ts';
import type { ConnectOptions } from './ssh-client.ts';

let dirs: JumpserverDirs;
let jumpserver: RunningJumpserver | undefined;
let target: EchoServer;
let elsewhere: EchoServer;
let unixTarget: EchoServer;
let port: number;
let hostKeys: HostKey[];
/** The user's key pair (an ed25519 key in OpenSSH format, like ssh-keygen makes). */
let userKey: HostKey;
let strangerKey: HostKey;
const clients: Client[] = [];

/** SSH_OPEN_ADMINISTRATIVELY_PROHIBITED: sshd's answer to a forward its policy forbids. */
const ADMINISTRATIVELY_PROHIBITED = 1;
/** SSH_OPEN_CONNECT_FAILED: sshd's answer to a session channel when MaxSessions is 0. */
const CONNECT_FAILED = 2;

function reasonOf(error: Error): unknown {
  return (error as Error & { reason?: unknown }).reason;
}

async function login(options: Partial<ConnectOptions> = {}): Promise<Client> {
  const client = await connect({
    port,
    username: LOGIN_USER,
    privateKey: userKey.privateKey,
    ...options
  });
  clients.push(client);
  return client;
}

async function loginFailure(options: Partial<ConnectOptions>): Promise<Error & { level?: string }> {
  try {
    const client = await connect({ port, username: LOGIN_USER, ...options });
    clients.push(client);
  } catch (error) {
    return error as Error & { level?: string };
  }
  throw new Error('the login was accepted');
}

function renderConfig(into: JumpserverDirs, sshdPort: number, targetPort: number): string {
  return renderJumpserverSshdConfig({
    port: sshdPort,
    listenAddress: '127.0.0.1',
    targetHost: '127.0.0.1',
    targetPort,
    clientAliveInterval: 30,
    hostKeyFileNames: hostKeys.map(k => k.fileName),
    runtimeDir: into.runtimeDir
  });
}

function hostKeyFiles(keys: readonly HostKey[]): Record<string, string> {
  return Object.fromEntries(keys.map(k => [k.fileName, k.privateKey]));
}

beforeAll(async () => {
  requireSshd();
  ensureLoginUser(LOGIN_USER);
  dirs = makeDirs();
  target = await startTcpEchoServer();
  elsewhere = await startTcpEchoServer();
  unixTarget = await startUnixEchoServer(join(dirs.root, 'echo.sock'));
  // Reachable by the login user, so only sshd's policy can keep it out.
  chmodSync(join(dirs.root, 'echo.sock'), 0o777);
  port = await freePort();
  hostKeys = generateHostKeys('jumpserver-test');
  userKey = generateHostKey('ed25519', 'alice@example');
  strangerKey = generateHostKey('ed25519', 'mallory@example');

  const parsed = parseAuthorizedKeys(`# people who may connect\n${userKey.publicKey}\n`);
  if (!parsed.ok) throw new Error(parsed.errors.map(e => e.message).join('\n'));
  writeVolume(dirs.configDir, {
    sshd_config: renderConfig(dirs, port, target.port),
    authorized_keys: renderAuthorizedKeysFile(parsed.keys)
  });
  writeVolume(dirs.hostKeysDir, hostKeyFiles(hostKeys));
  jumpserver = await startJumpserver(dirs, port);
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map(endClient));
  await jumpserver?.stop();
  await Promise.all([target, elsewhere, unixTarget].map(s => s?.close()));
  removeDirs(dirs);
});

describe('configuration', () => {
  test('sshd -t accepts the rendered configuration', () => {
    const result = spawnSync(SSHD, ['-t', '-f', dirs.config], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  test('sshd reads the settings that matter the way they are meant', () => {
    const result = spawnSync(
      SSHD,
      ['-T', '-f', dirs.config, '-C', `user=${LOGIN_USER},host=client,addr=127.0.0.1`],
      { encoding: 'utf8' }
    );
    expect(result.status).toBe(0);
    const effective = new Set(result.stdout.split('\n'));
    for (const line of [
      'allowtcpforwarding local',
      `permitopen 127.0.0.1:${target.port}`,
      'permitlisten none',
      'disableforwarding no',
      'allowstreamlocalforwarding no',
      'allowagentforwarding no',
      'maxsessions 0',
      'permittty no',
      'passwordauthentication no',
      'kbdinteractiveauthentication no',
      'permitrootlogin no',
      'authenticationmethods publickey',
      'strictmodes yes',
      `authorizedkeysfile ${dirs.runtimeDir}/authorized_keys`
    ]) {
      expect(effective).toContain(line);
    }
  });

  test('the entrypoint copied keys into the runtime directory with the modes sshd needs', () => {
    const paths = runtimePaths(
      dirs.runtimeDir,
      hostKeys.map(k => k.fileName)
    );
    expect(statSync(dirs.runtimeDir).mode & 0o7777).toBe(0o755);
    for (const path of paths.hostKeyPaths) {
      const stat = statSync(path);
      expect([stat.uid, stat.mode & 0o7777]).toEqual([0, 0o600]);
    }
    const keysFile = statSync(paths.authorizedKeysPath);
    expect([keysFile.uid, keysFile.mode & 0o7777]).toEqual([0, 0o644]);
  });
});

describe('the tunnel', () => {
  test('an authorized key can forward to the target and bytes flow both ways', async () => {
    const client = await login();
    const before = target.connections;
    const channel = await forwardOut(client, '127.0.0.1', target.port);
    const data = randomBytes(256 * 1024);
    expect((await echoThrough(channel, data)).equals(data)).toBe(true);
    expect(target.connections).toBe(before + 1);
    channel.close();
  });

  test('ssh -N -L works with the rendered known_hosts lines and strict host key checking', async () => {
    const identity = join(dirs.root, 'id_user');
    writeFileSync(identity, userKey.privateKey, { mode: 0o600 });
    const knownHosts = join(dirs.root, 'known_hosts');
    writeFileSync(knownHosts, knownHostsLines('127.0.0.1', port, hostKeys).join('\n') + '\n');
    const localPort = await freePort();
    const ssh = spawn(
      'ssh',
      [
        '-N',
        '-F',
        '/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'ExitOnForwardFailure=yes',
        '-i',
        identity,
        '-p',
        String(port),
        '-L',
        `127.0.0.1:${localPort}:127.0.0.1:${target.port}`,
        `${LOGIN_USER}@127.0.0.1`
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    );
    let stderr = '';
    ssh.stderr.on('data', chunk => (stderr += chunk));
    try {
      const socket = await connectWithRetry(localPort, ssh);
      const reply = await new Promise<string>((resolve, reject) => {
        socket.once('data', chunk => resolve(chunk.toString()));
        socket.once('error', reject);
        socket.write('ping through the tunnel');
      });
      socket.destroy();
      expect(reply).toBe('ping through the tunnel');
    } catch (error) {
      throw new Error(`${(error as Error).message}\nssh: ${stderr}\nsshd: ${jumpserver?.log()}`, {
        cause: error
      });
    } finally {
      ssh.kill();
    }
  });

  test('ssh refuses to connect when known_hosts holds other keys', () => {
    const knownHosts = join(dirs.root, 'known_hosts_other');
    writeFileSync(
      knownHosts,
      knownHostsLines('127.0.0.1', port, generateHostKeys()).join('\n') + '\n'
    );
    const result = spawnSync(
      'ssh',
      [
        '-N',
        '-F',
        '/dev/null',
        '-o',
        'BatchMode=yes',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        `UserKnownHostsFile=${knownHosts}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-p',
        String(port),
        `${LOGIN_USER}@127.0.0.1`
      ],
      { encoding: 'utf8', timeout: 60_000 }
    );
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Host key verification failed');
  });

  test.each([
    ['ssh-ed25519', 'ssh-ed25519'],
    ['rsa-sha2-512', 'ssh-rsa']
  ])('with %s the server presents the rendered host key', async (algorithm, keyType) => {
    let presented: Buffer | undefined;
    await login({ serverHostKey: [algorithm], onHostKey: blob => (presented = blob) });
    expect(presented).toBeDefined();
    expect(knownHostsLines('127.0.0.1', port, hostKeys)).toContain(
      `[127.0.0.1]:${port} ${keyType} ${presented!.toString('base64')}`
    );
    const key = hostKeys.find(k => k.type === keyType)!;
    const [printed] = keygenFingerprints(
      runtimePaths(dirs.runtimeDir, [key.fileName]).hostKeyPaths[0]!
    );
    expect(sha256Fingerprint(presented!)).toBe(printed!.fingerprint);
    expect(key.fingerprint).toBe(printed!.fingerprint);
  });
});

describe('authentication', () => {
  test('an unknown key is refused', async () => {
    const error = await loginFailure({ privateKey: strangerKey.privateKey });
    expect(error.level).toBe('client-authentication');
  });

  test('only publickey is offered; password and keyboard-interactive are refused', async () => {
    const offered: (string[] | null)[] = [];
    let prompted = false;
    const error = await loginFailure({
      attempts: [
        { type: 'none', username: LOGIN_USER },
        { type: 'password', username: LOGIN_USER, password: 'gadgetron' },
        {
          type: 'keyboard-interactive',
          username: LOGIN_USER,
          prompt: (_name, _instructions, _lang, _prompts, finish) => {
            prompted = true;
            finish(['gadgetron']);
          }
        }
      ],
      onMethodsLeft: methods => offered.push(methods)
    });
    expect(error.level).toBe('client-authentication');
    expect(offered).toEqual([null, ['publickey'], ['publickey'], ['publickey']]);
    expect(prompted).toBe(false);
  });

  test.each(['root', 'nobody'])('%s cannot log in, even with an authorized key', async user => {
    const error = await loginFailure({ username: user, privateKey: userKey.privateKey });
    expect(error.level).toBe('client-authentication');
  });
});

describe('everything but the tunnel is refused', () => {
  let client: Client;

  beforeAll(async () => {
    client = await login({ agentForward: true });
  });

  test.each([
    ['another port on the same host', () => ['127.0.0.1', elsewhere.port] as const],
    ['the target port under another name', () => ['localhost', target.port] as const],
    ['the sshd port itself', () => ['127.0.0.1', port] as const]
  ])('forwarding to %s', async (_, destination) => {
    const [host, destinationPort] = destination();
    const before = [elsewhere.connections, target.connections];
    const error = await expectFailure(done =>
      client.forwardOut('127.0.0.1', 40000, host, destinationPort, error => done(error))
    );
    expect(error.message).toMatch(/Channel open failure/);
    expect(reasonOf(error)).toBe(ADMINISTRATIVELY_PROHIBITED);
    expect([elsewhere.connections, target.connections]).toEqual(before);
  });

  test('forwarding to a Unix socket', async () => {
    const error = await expectFailure(done =>
      client.openssh_forwardOutStreamLocal(join(dirs.root, 'echo.sock'), error => done(error))
    );
    expect(error.message).toMatch(/Channel open failure/);
    expect(unixTarget.connections).toBe(0);
  });

  test('remote forwarding', async () => {
    for (const remotePort of [0, await freePort()]) {
      const error = await expectFailure(done =>
        client.forwardIn('127.0.0.1', remotePort, error => done(error))
      );
      expect(error.message).toMatch(/Unable to bind/);
    }
  });

  test.each([
    ['a shell', (done: (e: Error | undefined) => void) => client.shell(error => done(error))],
    [
      'a command',
      (done: (e: Error | undefined) => void) => client.exec('id', error => done(error))
    ],
    [
      'a pty',
      (done: (e: Error | undefined) => void) =>
        client.exec('id', { pty: { term: 'xterm' } }, error => done(error))
    ],
    [
      'agent forwarding',
      (done: (e: Error | undefined) => void) =>
        client.exec('true', { agentForward: true } as never, error => done(error))
    ],
    [
      'the sftp subsystem',
      (done: (e: Error | undefined) => void) => client.sftp(error => done(error))
    ]
  ])('%s', async (_, start) => {
    const error = await expectFailure(start);
    expect(error.message).toMatch(/Channel open failure/);
    expect(reasonOf(error)).toBe(CONNECT_FAILED);
  });

  test('after all those refusals the same connection still tunnels', async () => {
    const channel = await forwardOut(client, '127.0.0.1', target.port);
    const data = Buffer.from('still here');
    expect((await echoThrough(channel, data)).toString()).toBe('still here');
    channel.close();
  });
});

describe('the entrypoint refuses to start', () => {
  const made: JumpserverDirs[] = [];

  function brokenSetup(
    config: (dirs: JumpserverDirs) => string,
    hostKeyVolume: Record<string, string>
  ): JumpserverDirs {
    const broken = makeDirs();
    made.push(broken);
    writeVolume(broken.configDir, {
      sshd_config: config(broken),
      authorized_keys: userKey.publicKey + '\n'
    });
    writeVolume(broken.hostKeysDir, hostKeyVolume);
    return broken;
  }

  afterAll(() => made.forEach(removeDirs));

  test('without host keys', () => {
    const broken = brokenSetup(dirs => renderConfig(dirs, 1, target.port), { README: 'no keys' });
    const result = runEntrypointOnce(broken);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain(`jumpserver: no ssh_host_*_key files in ${broken.hostKeysDir}`);
  });

  test('with a configuration sshd rejects, before starting sshd', () => {
    const broken = brokenSetup(
      dirs => renderConfig(dirs, 1, target.port) + 'NoSuchDirective yes\n',
      hostKeyFiles(hostKeys)
    );
    const result = runEntrypointOnce(broken);
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain('Bad configuration option: NoSuchDirective');
    expect(result.stderr).toContain(`jumpserver: sshd rejected ${broken.config}`);
    expect(result.stderr).not.toContain('starting sshd');
  });
});

/** Ends a connection and waits until sshd has closed it. */
function endClient(client: Client): Promise<void> {
  return new Promise(resolve => {
    const timer = setTimeout(resolve, 60_000);
    client.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    client.end();
  });
}

function connectWithRetry(localPort: number, ssh: ReturnType<typeof spawn>) {
  const deadline = Date.now() + 60_000;
  return new Promise<Socket>((resolve, reject) => {
    const attempt = () => {
      if (ssh.exitCode !== null) return reject(new Error(`ssh exited with ${ssh.exitCode}`));
      const socket = netConnect(localPort, '127.0.0.1');
      socket.once('connect', () => resolve(socket));
      socket.once('error', error => {
        if (Date.now() > deadline) reject(error);
        else setTimeout(attempt, 100);
      });
    };
    attempt();
  });
}

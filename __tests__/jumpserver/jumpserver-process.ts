/**
 * Runs images/jumpserver/entrypoint.sh on this machine, as the container
 * would: mounts laid out like Kubernetes presents them (symlinks to 0644
 * files in world-writable directories), the entrypoint's paths pointed at
 * them through its environment variables, and the Linux capability bounding
 * set limited to CONTAINER_CAPABILITIES.
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import { join, resolve } from 'node:path';
import { CONFIG_MAP_KEYS, CONTAINER_CAPABILITIES } from '../../src/ssh/layout.ts';

export const SSHD = '/usr/sbin/sshd';
export const ENTRYPOINT = resolve('images/jumpserver/entrypoint.sh');

/** Fails (never skips) when the OpenSSH server is not installed. */
export function requireSshd(): void {
  if (!existsSync(SSHD)) {
    throw new Error(`${SSHD} is missing; install it with \`bash .ci/install-sshd.sh\``);
  }
  if (process.getuid?.() !== 0) throw new Error('the sshd tests must run as root');
}

/**
 * Makes sure the login user exists with a password field that allows public
 * key logins ('*', not a '!' lock), a nologin shell and no home directory.
 */
export function ensureLoginUser(name: string): void {
  if (spawnSync('id', ['-u', name]).status === 0) return;
  const result = spawnSync(
    'useradd',
    [
      '--system',
      '--no-create-home',
      '--home-dir',
      '/nonexistent',
      '--shell',
      '/usr/sbin/nologin',
      '--password',
      '*',
      name
    ],
    { encoding: 'utf8' }
  );
  if (result.status !== 0) throw new Error(`useradd ${name} failed: ${result.stderr}`);
}

export interface JumpserverDirs {
  root: string;
  configDir: string;
  hostKeysDir: string;
  runtimeDir: string;
  config: string;
  authorizedKeys: string;
}

/**
 * A scratch tree below /run: StrictModes checks every directory above the
 * authorized_keys file, so it cannot live below the world-writable /tmp.
 */
export function makeDirs(): JumpserverDirs {
  const root = mkdtempSync('/run/jumpserver-test-');
  chmodSync(root, 0o755);
  const configDir = join(root, 'config');
  const hostKeysDir = join(root, 'host-keys');
  return {
    root,
    configDir,
    hostKeysDir,
    runtimeDir: join(root, 'runtime'),
    config: join(configDir, CONFIG_MAP_KEYS.sshdConfig),
    authorizedKeys: join(configDir, CONFIG_MAP_KEYS.authorizedKeys)
  };
}

/** Writes files the way a Kubernetes volume shows them: symlinks into ..data. */
export function writeVolume(dir: string, files: Record<string, string>): void {
  const data = join(dir, '..2024_01_01_00_00_00.000000000');
  mkdirSync(data, { recursive: true });
  chmodSync(dir, 0o1777);
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(data, name), content, { mode: 0o644 });
    chmodSync(join(data, name), 0o644);
  }
  symlinkSync('..2024_01_01_00_00_00.000000000', join(dir, '..data'));
  for (const name of Object.keys(files)) symlinkSync(join('..data', name), join(dir, name));
}

export function entrypointEnv(dirs: JumpserverDirs): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
    JUMPSERVER_CONFIG: dirs.config,
    JUMPSERVER_AUTHORIZED_KEYS: dirs.authorizedKeys,
    JUMPSERVER_HOST_KEYS_DIR: dirs.hostKeysDir,
    JUMPSERVER_RUNTIME_DIR: dirs.runtimeDir
  };
}

/**
 * `setpriv` arguments limiting the capability bounding set to the container's (or to
 * `capabilities`): root's processes then hold exactly these, as in the pod.
 */
export function boundedCommand(
  command: string,
  capabilities: readonly string[] = CONTAINER_CAPABILITIES
): [string, string[]] {
  const caps = ['-all', ...capabilities.map(c => `+${c.toLowerCase()}`)].join(',');
  return ['setpriv', [`--bounding-set=${caps}`, '--', command]];
}

/** Runs the entrypoint to completion (for cases where it must refuse to start). */
export function runEntrypointOnce(dirs: JumpserverDirs): { status: number | null; stderr: string } {
  const [cmd, args] = boundedCommand(ENTRYPOINT);
  const result = spawnSync(cmd, args, {
    env: entrypointEnv(dirs),
    encoding: 'utf8',
    timeout: 60_000
  });
  return { status: result.status, stderr: result.stderr };
}

export interface RunningJumpserver {
  process: ChildProcess;
  /** Everything sshd and the entrypoint wrote to stderr so far. */
  log(): string;
  stop(): Promise<void>;
}

/** Starts the entrypoint and waits until sshd listens on `port`. */
export function startJumpserver(
  dirs: JumpserverDirs,
  port: number,
  capabilities: readonly string[] = CONTAINER_CAPABILITIES
): Promise<RunningJumpserver> {
  const [cmd, args] = boundedCommand(ENTRYPOINT, capabilities);
  const child = spawn(cmd, args, { env: entrypointEnv(dirs), stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);

  const running: RunningJumpserver = {
    process: child,
    log: () => output,
    stop: async () => {
      process.off('exit', killOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise(done => child.once('exit', done));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
  };

  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      void running.stop();
      reject(new Error(`sshd did not start within 60 s:\n${output}`));
    }, 60_000);
    const onData = () => {
      if (output.includes(`Server listening on 127.0.0.1 port ${port}.`)) {
        clearTimeout(timer);
        child.stderr.off('data', onData);
        child.off('exit', onExit);
        resolvePromise(running);
      }
    };
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      process.off('exit', killOnExit);
      reject(new Error(`the entrypoint exited with ${code} before sshd listened:\n${output}`));
    };
    child.stderr.on('data', onData);
    child.once('exit', onExit);
    child.once('error', error => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export function removeDirs(dirs: JumpserverDirs | undefined): void {
  if (dirs) rmSync(dirs.root, { recursive: true, force: true });
}

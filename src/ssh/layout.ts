/**
 * Where the jump server container expects its files, shared by the code that
 * writes the ConfigMap and Secret and by images/jumpserver/entrypoint.sh.
 *
 * - ConfigMap, mounted read-only at {@link CONTAINER_PATHS.configDir}:
 *   `sshd_config` and `authorized_keys`.
 * - Secret, mounted read-only at {@link CONTAINER_PATHS.hostKeysDir}: one
 *   OpenSSH private key file per host key, named as in HOST_KEY_FILE_NAMES.
 * - An emptyDir (medium Memory) at {@link CONTAINER_PATHS.runtimeDir}: the
 *   entrypoint copies the host keys and authorized_keys there with the
 *   ownership and modes sshd insists on; sshd_config refers to those copies.
 */
import { HOST_KEY_FILE_NAMES } from './host-keys.ts';
import { renderSshdConfig } from './sshd-config.ts';
import type { SshdConfigOptions } from './sshd-config.ts';

/** Environment variables that override the entrypoint's paths. */
export const ENTRYPOINT_ENV = {
  config: 'JUMPSERVER_CONFIG',
  authorizedKeys: 'JUMPSERVER_AUTHORIZED_KEYS',
  hostKeysDir: 'JUMPSERVER_HOST_KEYS_DIR',
  runtimeDir: 'JUMPSERVER_RUNTIME_DIR',
  sshd: 'JUMPSERVER_SSHD'
} as const;

/** ConfigMap keys (file names in the config mount). */
export const CONFIG_MAP_KEYS = {
  sshdConfig: 'sshd_config',
  authorizedKeys: 'authorized_keys'
} as const;

/** The entrypoint's defaults. */
export const CONTAINER_PATHS = {
  configDir: '/etc/jumpserver/config',
  config: `/etc/jumpserver/config/${CONFIG_MAP_KEYS.sshdConfig}`,
  authorizedKeys: `/etc/jumpserver/config/${CONFIG_MAP_KEYS.authorizedKeys}`,
  hostKeysDir: '/etc/jumpserver/host-keys',
  runtimeDir: '/run/jumpserver'
} as const;

/** The port the image exposes; above 1024 so sshd needs no NET_BIND_SERVICE. */
export const CONTAINER_PORT = 2222;

/**
 * The only Linux capabilities sshd needs in the container (drop ALL, add
 * these): switching to the login user, chrooting the pre-authentication
 * process into /run/sshd, and KILL: at LoginGraceTime the monitor (root) ends
 * that process (user sshd) with kill(), which fails without CAP_KILL and
 * leaves a silent client holding its MaxStartups slot for ever. The sshd tests
 * run the entrypoint with exactly this bounding set.
 */
export const CONTAINER_CAPABILITIES = ['SETUID', 'SETGID', 'SYS_CHROOT', 'KILL'] as const;

/** The user the image creates; the only one allowed to log in. */
export const LOGIN_USER = 'gadgetron';

/** Paths of the copies the entrypoint makes under `runtimeDir`. */
export function runtimePaths(
  runtimeDir: string,
  hostKeyFileNames: readonly string[]
): { hostKeyPaths: string[]; authorizedKeysPath: string } {
  const base = runtimeDir.replace(/\/+$/, '');
  return {
    hostKeyPaths: hostKeyFileNames.map(name => `${base}/host-keys/${name}`),
    authorizedKeysPath: `${base}/authorized_keys`
  };
}

export type JumpserverConfigOptions = Omit<
  SshdConfigOptions,
  'hostKeyPaths' | 'authorizedKeysPath' | 'loginUser'
> & {
  /** File names of the host keys in the Secret (HostKey.fileName). */
  hostKeyFileNames: readonly string[];
  /** Defaults to {@link CONTAINER_PATHS.runtimeDir}. */
  runtimeDir?: string;
  /** Defaults to {@link LOGIN_USER}. */
  loginUser?: string;
};

/**
 * HostKey lines in this order: sshd offers the key algorithms in the order of its HostKey
 * lines, and ssh-audit's policy compares that list exactly (RSA's, then ed25519's).
 */
const HOST_KEY_LINE_ORDER: readonly string[] = [
  HOST_KEY_FILE_NAMES.rsa,
  HOST_KEY_FILE_NAMES.ed25519
];

function hostKeyLineRank(name: string): number {
  const rank = HOST_KEY_LINE_ORDER.indexOf(name);
  return rank < 0 ? HOST_KEY_LINE_ORDER.length : rank;
}

/** sshd_config for the container layout above (or a test's runtime dir). */
export function renderJumpserverSshdConfig(options: JumpserverConfigOptions): string {
  const { hostKeyFileNames, runtimeDir, loginUser, ...rest } = options;
  const ordered = [...hostKeyFileNames].sort((a, b) => hostKeyLineRank(a) - hostKeyLineRank(b));
  return renderSshdConfig({
    ...rest,
    loginUser: loginUser ?? LOGIN_USER,
    ...runtimePaths(runtimeDir ?? CONTAINER_PATHS.runtimeDir, ordered)
  });
}

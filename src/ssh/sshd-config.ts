/**
 * Renders the jump server's sshd_config. The server does one thing: it lets
 * `loginUser`, authenticated by public key, open local (`-L`) forwards to
 * exactly `targetHost:targetPort`. Everything else is switched off:
 *
 * - no passwords, keyboard-interactive, host-based or root logins;
 * - `MaxSessions 0` refuses every session channel (shell, command, subsystem,
 *   pty, agent and X11 requests all need one), and `ForceCommand /bin/false`
 *   backs that up; `ssh -N` opens no session, so tunnels are unaffected;
 * - no remote forwarding (`PermitListen none`), Unix socket forwarding or
 *   tun devices; `PermitOpen` names the single allowed destination.
 *
 * `DisableForwarding` is deliberately absent: it would override
 * `AllowTcpForwarding local` and block the tunnel as well.
 */

export interface SshdConfigOptions {
  /** Port sshd listens on. */
  port: number;
  /** Address to listen on; all addresses when omitted. */
  listenAddress?: string;
  /** The only destination local forwards may reach, exactly as clients name it. */
  targetHost: string;
  targetPort: number;
  /** The only user that may log in. */
  loginUser: string;
  /** Seconds between keep-alive probes to an idle client. */
  clientAliveInterval: number;
  /** Unanswered probes before the connection is dropped; default 3. */
  clientAliveCountMax?: number;
  /** Seconds a client has to authenticate; default {@link LOGIN_GRACE_TIME}. */
  loginGraceTime?: number;
  /** Absolute paths of the host private key files. */
  hostKeyPaths: readonly string[];
  /** Absolute path of the root-owned authorized_keys file shared by all users. */
  authorizedKeysPath: string;
  /** Absolute path, or omitted for `PidFile none`. */
  pidFile?: string;
  /** Default VERBOSE, which logs the fingerprint of each accepted key. */
  logLevel?: 'QUIET' | 'FATAL' | 'ERROR' | 'INFO' | 'VERBOSE' | 'DEBUG';
}

/**
 * Key exchanges, ciphers, MACs and host key algorithms of ssh-audit's hardened OpenSSH
 * server policy, in its order (it compares lists exactly): no NIST curves (`ecdh-sha2-nistp*`,
 * ECDSA host keys), and the post-quantum sntrup761 hybrid first, as OpenSSH 9.x offers it.
 * The group-exchange moduli come from the image's /etc/ssh/moduli (2048 bits and up).
 */
export const KEX_ALGORITHMS = [
  'sntrup761x25519-sha512@openssh.com',
  'curve25519-sha256',
  'curve25519-sha256@libssh.org',
  'diffie-hellman-group16-sha512',
  'diffie-hellman-group18-sha512',
  'diffie-hellman-group-exchange-sha256'
];

export const CIPHERS = [
  'chacha20-poly1305@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-gcm@openssh.com',
  'aes256-ctr',
  'aes192-ctr',
  'aes128-ctr'
];

export const MACS = [
  'hmac-sha2-256-etm@openssh.com',
  'hmac-sha2-512-etm@openssh.com',
  'umac-128-etm@openssh.com'
];

/** sshd lists them in the order of its HostKey lines: the RSA key's file comes first. */
export const HOST_KEY_SIGNATURE_ALGORITHMS = ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-ed25519'];

/** Signature algorithms for the key types authorized-keys.ts accepts. */
export const USER_KEY_SIGNATURE_ALGORITHMS = [
  'ssh-ed25519',
  'sk-ssh-ed25519@openssh.com',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'sk-ecdsa-sha2-nistp256@openssh.com',
  'rsa-sha2-512',
  'rsa-sha2-256'
];

/**
 * Seconds a connection may stay unauthenticated. sshd's monitor (root) then ends the
 * pre-authentication child (another user) with kill(), which needs CAP_KILL in a container.
 */
export const LOGIN_GRACE_TIME = 20;

/**
 * Unauthenticated connections at once: from one source (a /32 or /64: PerSourceNetBlockSize)
 * and in all. A single address can then never take every MaxStartups slot.
 */
export const PER_SOURCE_MAX_STARTUPS = 5;
export const MAX_STARTUPS = '10:30:60';

/** Seconds an authenticated connection may hold no channel (no tunnel) before sshd ends it. */
export const UNUSED_CONNECTION_TIMEOUT = 300;

const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$/;
const IPV6 = /^[0-9A-Fa-f:.]+$/;
const USER_NAME = /^[a-z_][a-z0-9_-]{0,31}$/;
const PATH = /^\/[A-Za-z0-9._/-]*$/;

function checkPort(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`${name} must be a port number from 1 to 65535`);
  }
}

function checkPath(name: string, value: string): void {
  if (!PATH.test(value) || value.split('/').includes('..')) {
    throw new Error(`${name} must be an absolute path of letters, digits, '.', '_', '-' and '/'`);
  }
}

/** `host:port` as PermitOpen and PermitListen expect, with IPv6 in brackets. */
function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function checkHost(name: string, value: string): void {
  const isV6 = value.includes(':') && IPV6.test(value);
  if (!HOST_NAME.test(value) && !isV6) {
    throw new Error(`${name} must be a host name or an IP address`);
  }
}

function validate(options: SshdConfigOptions): void {
  checkPort('port', options.port);
  checkPort('targetPort', options.targetPort);
  checkHost('targetHost', options.targetHost);
  if (options.listenAddress !== undefined) checkHost('listenAddress', options.listenAddress);
  if (!USER_NAME.test(options.loginUser) || options.loginUser === 'root') {
    throw new Error('loginUser must be a non-root user name');
  }
  if (!Number.isInteger(options.clientAliveInterval) || options.clientAliveInterval < 1) {
    throw new Error('clientAliveInterval must be a positive whole number of seconds');
  }
  const grace = options.loginGraceTime ?? LOGIN_GRACE_TIME;
  if (!Number.isInteger(grace) || grace < 1) {
    throw new Error('loginGraceTime must be a positive whole number of seconds');
  }
  const countMax = options.clientAliveCountMax ?? 3;
  if (!Number.isInteger(countMax) || countMax < 1) {
    throw new Error('clientAliveCountMax must be a positive whole number');
  }
  if (options.hostKeyPaths.length === 0) throw new Error('at least one host key is required');
  options.hostKeyPaths.forEach(p => checkPath('hostKeyPaths', p));
  checkPath('authorizedKeysPath', options.authorizedKeysPath);
  if (options.pidFile !== undefined) checkPath('pidFile', options.pidFile);
}

/** Renders sshd_config text; throws on options that could not be written safely. */
export function renderSshdConfig(options: SshdConfigOptions): string {
  validate(options);
  const listen =
    options.listenAddress === undefined
      ? []
      : [`ListenAddress ${hostPort(options.listenAddress, options.port)}`];
  const lines = [
    '# Gadgetron jump server: public-key logins that may only forward to',
    `# ${hostPort(options.targetHost, options.targetPort)}. Connect with`,
    `#   ssh -N -L <local port>:${hostPort(options.targetHost, options.targetPort)} ${options.loginUser}@<address>`,
    '',
    `Port ${options.port}`,
    ...listen,
    ...options.hostKeyPaths.map(p => `HostKey ${p}`),
    `PidFile ${options.pidFile ?? 'none'}`,
    `LogLevel ${options.logLevel ?? 'VERBOSE'}`,
    '',
    '# Authentication: one user, public keys from a root-owned file only.',
    `AllowUsers ${options.loginUser}`,
    'PermitRootLogin no',
    'AuthenticationMethods publickey',
    'PubkeyAuthentication yes',
    `AuthorizedKeysFile ${options.authorizedKeysPath}`,
    'AuthorizedKeysCommand none',
    'AuthorizedPrincipalsFile none',
    'PasswordAuthentication no',
    'PermitEmptyPasswords no',
    'KbdInteractiveAuthentication no',
    'HostbasedAuthentication no',
    'IgnoreRhosts yes',
    'UsePAM no',
    'StrictModes yes',
    'MaxAuthTries 3',
    `LoginGraceTime ${options.loginGraceTime ?? LOGIN_GRACE_TIME}`,
    `MaxStartups ${MAX_STARTUPS}`,
    `PerSourceMaxStartups ${PER_SOURCE_MAX_STARTUPS}`,
    'PerSourceNetBlockSize 32:64',
    'UseDNS no',
    '# The version string names no distribution patch level.',
    'DebianBanner no',
    '',
    '# Forwarding: local forwards to the target and nothing else.',
    'AllowTcpForwarding local',
    `PermitOpen ${hostPort(options.targetHost, options.targetPort)}`,
    'PermitListen none',
    'GatewayPorts no',
    'AllowStreamLocalForwarding no',
    'AllowAgentForwarding no',
    'X11Forwarding no',
    'PermitTunnel no',
    '',
    '# Sessions: none at all (ssh -N does not open one).',
    'MaxSessions 0',
    'PermitTTY no',
    'PermitUserRC no',
    'PermitUserEnvironment no',
    'ForceCommand /bin/false',
    'PrintMotd no',
    'PrintLastLog no',
    'Banner none',
    'Compression no',
    '',
    '# Liveness',
    `ClientAliveInterval ${options.clientAliveInterval}`,
    `ClientAliveCountMax ${options.clientAliveCountMax ?? 3}`,
    'TCPKeepAlive yes',
    `UnusedConnectionTimeout ${UNUSED_CONNECTION_TIMEOUT}`,
    '',
    '# Algorithms',
    `KexAlgorithms ${KEX_ALGORITHMS.join(',')}`,
    `Ciphers ${CIPHERS.join(',')}`,
    `MACs ${MACS.join(',')}`,
    `HostKeyAlgorithms ${HOST_KEY_SIGNATURE_ALGORITHMS.join(',')}`,
    `PubkeyAcceptedAlgorithms ${USER_KEY_SIGNATURE_ALGORITHMS.join(',')}`
  ];
  return lines.join('\n') + '\n';
}

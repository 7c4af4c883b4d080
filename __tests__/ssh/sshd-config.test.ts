import { describe, expect, test } from '@jest/globals';
import { renderSshdConfig } from '../../src/ssh/sshd-config.ts';
import type { SshdConfigOptions } from '../../src/ssh/sshd-config.ts';
import { renderJumpserverSshdConfig, runtimePaths } from '../../src/ssh/layout.ts';

const base: SshdConfigOptions = {
  port: 2222,
  targetHost: 'gadgetron-frontend',
  targetPort: 9002,
  loginUser: 'gadgetron',
  clientAliveInterval: 30,
  hostKeyPaths: ['/run/jumpserver/host-keys/ssh_host_ed25519_key'],
  authorizedKeysPath: '/run/jumpserver/authorized_keys'
};

/** Directive name (lower case) to every value it is given. */
function directives(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [name, ...value] = line.split(/\s+/);
    const key = name!.toLowerCase();
    map.set(key, [...(map.get(key) ?? []), value.join(' ')]);
  }
  return map;
}

describe('renderSshdConfig', () => {
  const config = directives(renderSshdConfig(base));

  test.each([
    ['Port', '2222'],
    ['AllowUsers', 'gadgetron'],
    ['PermitRootLogin', 'no'],
    ['AuthenticationMethods', 'publickey'],
    ['PasswordAuthentication', 'no'],
    ['KbdInteractiveAuthentication', 'no'],
    ['PermitEmptyPasswords', 'no'],
    ['AuthorizedKeysFile', '/run/jumpserver/authorized_keys'],
    ['AllowTcpForwarding', 'local'],
    ['PermitOpen', 'gadgetron-frontend:9002'],
    ['PermitListen', 'none'],
    ['GatewayPorts', 'no'],
    ['AllowAgentForwarding', 'no'],
    ['AllowStreamLocalForwarding', 'no'],
    ['X11Forwarding', 'no'],
    ['PermitTunnel', 'no'],
    ['PermitTTY', 'no'],
    ['PermitUserRC', 'no'],
    ['MaxSessions', '0'],
    ['ForceCommand', '/bin/false'],
    ['ClientAliveInterval', '30'],
    ['ClientAliveCountMax', '3'],
    ['UseDNS', 'no'],
    ['StrictModes', 'yes'],
    ['PidFile', 'none'],
    ['HostKey', '/run/jumpserver/host-keys/ssh_host_ed25519_key'],
    ['DebianBanner', 'no'],
    ['PerSourceMaxStartups', '5'],
    ['PerSourceNetBlockSize', '32:64'],
    ['MaxStartups', '10:30:60'],
    ['UnusedConnectionTimeout', '300'],
    ['LoginGraceTime', '20'],
    ['LogLevel', 'VERBOSE'],
    ['PubkeyAuthentication', 'yes'],
    ['AuthorizedKeysCommand', 'none'],
    ['AuthorizedPrincipalsFile', 'none'],
    ['HostbasedAuthentication', 'no'],
    ['IgnoreRhosts', 'yes'],
    ['UsePAM', 'no'],
    ['MaxAuthTries', '3'],
    ['PermitUserEnvironment', 'no'],
    ['PrintMotd', 'no'],
    ['PrintLastLog', 'no'],
    ['Banner', 'none'],
    ['Compression', 'no'],
    ['TCPKeepAlive', 'yes']
  ])('%s %s, given once', (name, value) => {
    expect(config.get(name.toLowerCase())).toEqual([value]);
  });

  test('no DisableForwarding, no Subsystem, no ListenAddress unless asked', () => {
    expect(config.has('disableforwarding')).toBe(false);
    expect(config.has('subsystem')).toBe(false);
    expect(config.has('listenaddress')).toBe(false);
  });

  // ssh-audit's hardened server policy compares these lists exactly, order included.
  test.each([
    [
      'KexAlgorithms',
      'sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,' +
        'diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256'
    ],
    [
      'Ciphers',
      'chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,' +
        'aes256-ctr,aes192-ctr,aes128-ctr'
    ],
    [
      'MACs',
      'hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com'
    ],
    ['HostKeyAlgorithms', 'rsa-sha2-512,rsa-sha2-256,ssh-ed25519'],
    [
      'PubkeyAcceptedAlgorithms',
      'ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,' +
        'ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256'
    ]
  ])('%s is the hardened list', (name, value) => {
    expect(config.get(name.toLowerCase())).toEqual([value]);
  });

  test('the header tells how to connect, and each group of directives says what it is', () => {
    const text = renderSshdConfig(base);
    const [header, ...groups] = text.trimEnd().split('\n\n');
    expect(header!.split('\n')).toEqual([
      '# Gadgetron jump server: public-key logins that may only forward to',
      '# gadgetron-frontend:9002. Connect with',
      '#   ssh -N -L <local port>:gadgetron-frontend:9002 gadgetron@<address>'
    ]);
    // The listening settings come first, without a heading; every later group has one.
    expect(groups[0]!.startsWith('Port 2222\n')).toBe(true);
    const headings = groups.slice(1).map(group => group.split('\n')[0]);
    expect(headings).toHaveLength(5);
    for (const heading of headings) expect(heading).toMatch(/^# [A-Z]\w+/);
    expect(text.endsWith('\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  test('no NIST curve in key exchanges or host keys', () => {
    for (const name of ['kexalgorithms', 'hostkeyalgorithms']) {
      const list = config.get(name)![0]!.split(',');
      expect(list.length).toBeGreaterThan(1);
      expect(list.filter(a => /nistp|ecdsa|ecdh/.test(a))).toEqual([]);
    }
  });

  test('one source can hold fewer unauthenticated slots than MaxStartups refuses at', () => {
    const perSource = Number(config.get('persourcemaxstartups')![0]);
    const [, , full] = config.get('maxstartups')![0]!.split(':').map(Number);
    expect(perSource).toBeLessThan(full!);
  });

  test('MaxAuthTries and LoginGraceTime are low', () => {
    expect(Number(config.get('maxauthtries')![0])).toBeLessThanOrEqual(3);
    expect(Number(config.get('logingracetime')![0])).toBeLessThanOrEqual(30);
  });

  test('optional settings: listen address, pid file, count max, several host keys', () => {
    const text = renderSshdConfig({
      ...base,
      listenAddress: '127.0.0.1',
      pidFile: '/run/sshd.pid',
      clientAliveCountMax: 5,
      hostKeyPaths: ['/k/a', '/k/b']
    });
    const map = directives(text);
    expect(map.get('listenaddress')).toEqual(['127.0.0.1:2222']);
    expect(map.get('pidfile')).toEqual(['/run/sshd.pid']);
    expect(map.get('clientalivecountmax')).toEqual(['5']);
    expect(map.get('hostkey')).toEqual(['/k/a', '/k/b']);
  });

  test('a login grace time and log level given are used', () => {
    const map = directives(renderSshdConfig({ ...base, loginGraceTime: 45, logLevel: 'INFO' }));
    expect(map.get('logingracetime')).toEqual(['45']);
    expect(map.get('loglevel')).toEqual(['INFO']);
  });

  test.each<[string, Partial<SshdConfigOptions>, string, string]>([
    ['the lowest port', { port: 1 }, 'port', '1'],
    ['the highest port', { port: 65535 }, 'port', '65535'],
    ['the highest target port', { targetPort: 65535 }, 'permitopen', 'gadgetron-frontend:65535'],
    ['the lowest target port', { targetPort: 1 }, 'permitopen', 'gadgetron-frontend:1'],
    [
      'a dotted host name',
      { targetHost: 'gadgetron.ns.svc' },
      'permitopen',
      'gadgetron.ns.svc:9002'
    ],
    ['a one-letter host name', { targetHost: 'g' }, 'permitopen', 'g:9002'],
    ['an IPv4 address', { targetHost: '10.0.0.12' }, 'permitopen', '10.0.0.12:9002'],
    [
      'a host name of 253 characters',
      { targetHost: `${'a'.repeat(61)}.`.repeat(4) + 'aaaaa' },
      'permitopen',
      `${`${'a'.repeat(61)}.`.repeat(4)}aaaaa:9002`
    ],
    [
      'a user name of 32 characters',
      { loginUser: `u${'_9-x'.repeat(7)}abc` },
      'allowusers',
      `u${'_9-x'.repeat(7)}abc`
    ],
    ['a user name starting with _', { loginUser: '_gw' }, 'allowusers', '_gw'],
    ['a keep-alive of one second', { clientAliveInterval: 1 }, 'clientaliveinterval', '1'],
    ['a count max of one', { clientAliveCountMax: 1 }, 'clientalivecountmax', '1'],
    ['a login grace time of one second', { loginGraceTime: 1 }, 'logingracetime', '1'],
    [
      'a path with dots in names',
      { authorizedKeysPath: '/run/a.b/..keys' },
      'authorizedkeysfile',
      '/run/a.b/..keys'
    ]
  ])('accepts %s', (_, change, name, value) => {
    expect(directives(renderSshdConfig({ ...base, ...change })).get(name)).toEqual([value]);
  });

  test('IPv6 destinations are bracketed', () => {
    const map = directives(
      renderSshdConfig({ ...base, targetHost: 'fd00::12', listenAddress: '::1' })
    );
    expect(map.get('permitopen')).toEqual(['[fd00::12]:9002']);
    expect(map.get('listenaddress')).toEqual(['[::1]:2222']);
  });

  test.each<[string, Partial<SshdConfigOptions>, string]>([
    ['a port of 0', { port: 0 }, 'port must be a port number'],
    ['a fractional target port', { targetPort: 9002.5 }, 'targetPort must be a port number'],
    ['a target with a newline', { targetHost: 'gadgetron\nPermitOpen any' }, 'targetHost must be'],
    ['a target with a space', { targetHost: 'a b' }, 'targetHost must be'],
    ['root as login user', { loginUser: 'root' }, 'loginUser must be a non-root user name'],
    ['a login user with a comma', { loginUser: 'a,b' }, 'loginUser must be'],
    ['a relative key path', { hostKeyPaths: ['keys/a'] }, 'hostKeyPaths must be an absolute path'],
    ['no host keys', { hostKeyPaths: [] }, 'at least one host key'],
    ['a path with a space', { authorizedKeysPath: '/a b' }, 'authorizedKeysPath must be'],
    ['a path with ..', { authorizedKeysPath: '/run/../etc/x' }, 'authorizedKeysPath must be'],
    ['a zero keep-alive', { clientAliveInterval: 0 }, 'clientAliveInterval must be'],
    ['a zero count max', { clientAliveCountMax: 0 }, 'clientAliveCountMax must be'],
    ['a zero login grace time', { loginGraceTime: 0 }, 'loginGraceTime must be'],
    ['a port above 65535', { port: 65536 }, 'port must be a port number from 1 to 65535'],
    ['a negative target port', { targetPort: -1 }, 'targetPort must be a port number'],
    ['a target port above 65535', { targetPort: 65536 }, 'targetPort must be a port number'],
    ['a fractional port', { port: 22.5 }, 'port must be a port number'],
    ['a zero target port', { targetPort: 0 }, 'targetPort must be a port number'],
    [
      'a host name of 254 characters',
      { targetHost: `${`${'a'.repeat(61)}.`.repeat(4)}aaaaaa` },
      'targetHost must be a host name or an IP address'
    ],
    ['an empty host name', { targetHost: '' }, 'targetHost must be'],
    ['an IPv4 address with a trailing dot', { targetHost: '10.0.0.' }, 'targetHost must be'],
    ['a host name starting with -', { targetHost: '-gw' }, 'targetHost must be'],
    ['a host name ending with -', { targetHost: 'gw-' }, 'targetHost must be'],
    ['a label starting with -', { targetHost: 'gw.-x' }, 'targetHost must be'],
    ['a label ending with -', { targetHost: 'gw.x-' }, 'targetHost must be'],
    ['an empty label', { targetHost: 'gw..x' }, 'targetHost must be'],
    ['a trailing dot', { targetHost: 'gw.' }, 'targetHost must be'],
    ['a host name with _', { targetHost: 'g_w' }, 'targetHost must be'],
    ['a host name then junk', { targetHost: 'gw\n' }, 'targetHost must be'],
    ['junk then a host name', { targetHost: ' gw' }, 'targetHost must be'],
    ['an IPv6 address with a letter beyond f', { targetHost: 'fd00::g' }, 'targetHost must be'],
    ['an IPv6 address then junk', { targetHost: 'fd00::1 x' }, 'targetHost must be'],
    ['junk then an IPv6 address', { targetHost: 'x fd00::1' }, 'targetHost must be'],
    ['a listen address with a space', { listenAddress: '1.2.3.4 5' }, 'listenAddress must be'],
    ['a user name with a capital', { loginUser: 'Gw' }, 'loginUser must be'],
    ['a user name starting with a digit', { loginUser: '9gw' }, 'loginUser must be'],
    ['a user name of 33 characters', { loginUser: `u${'a'.repeat(32)}` }, 'loginUser must be'],
    ['an empty user name', { loginUser: '' }, 'loginUser must be'],
    ['a user name then junk', { loginUser: 'gw\nx' }, 'loginUser must be'],
    ['junk then a user name', { loginUser: ',gw' }, 'loginUser must be'],
    [
      'a fractional keep-alive',
      { clientAliveInterval: 1.5 },
      'clientAliveInterval must be a positive whole number of seconds'
    ],
    ['a negative keep-alive', { clientAliveInterval: -5 }, 'clientAliveInterval must be'],
    [
      'a fractional login grace time',
      { loginGraceTime: 1.5 },
      'loginGraceTime must be a positive whole number of seconds'
    ],
    ['a negative login grace time', { loginGraceTime: -1 }, 'loginGraceTime must be'],
    [
      'a fractional count max',
      { clientAliveCountMax: 2.5 },
      'clientAliveCountMax must be a positive whole number'
    ],
    ['a negative count max', { clientAliveCountMax: -1 }, 'clientAliveCountMax must be'],
    [
      'an invalid second host key path',
      { hostKeyPaths: ['/k/a', '/k/b c'] },
      'hostKeyPaths must be an absolute path'
    ],
    ['a path then junk', { authorizedKeysPath: '/a\nb' }, 'authorizedKeysPath must be'],
    [
      'junk then a path',
      { authorizedKeysPath: 'x/a' },
      'authorizedKeysPath must be an absolute path of letters'
    ],
    ['a pid file path with ..', { pidFile: '/run/../x' }, 'pidFile must be'],
    ['a relative pid file', { pidFile: 'sshd.pid' }, 'pidFile must be']
  ])('refuses %s', (_, change, message) => {
    expect(() => renderSshdConfig({ ...base, ...change })).toThrow(message);
  });
});

describe('container layout', () => {
  test('runtime paths live under the runtime dir', () => {
    expect(runtimePaths('/run/jumpserver/', ['ssh_host_ed25519_key'])).toEqual({
      hostKeyPaths: ['/run/jumpserver/host-keys/ssh_host_ed25519_key'],
      authorizedKeysPath: '/run/jumpserver/authorized_keys'
    });
  });

  test('the container config points at the entrypoint copies and the default user', () => {
    const map = directives(
      renderJumpserverSshdConfig({
        port: 2222,
        targetHost: 'gadgetron-frontend',
        targetPort: 9002,
        clientAliveInterval: 60,
        hostKeyFileNames: ['ssh_host_ed25519_key', 'ssh_host_rsa_key']
      })
    );
    // RSA's first: sshd offers host key algorithms in HostKey order, which ssh-audit compares.
    expect(map.get('hostkey')).toEqual([
      '/run/jumpserver/host-keys/ssh_host_rsa_key',
      '/run/jumpserver/host-keys/ssh_host_ed25519_key'
    ]);
    expect(map.get('authorizedkeysfile')).toEqual(['/run/jumpserver/authorized_keys']);
    expect(map.get('allowusers')).toEqual(['gadgetron']);
  });
});

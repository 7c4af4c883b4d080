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
    ['LoginGraceTime', '20']
  ])('%s %s, given once', (name, value) => {
    expect(config.get(name.toLowerCase())).toEqual([value]);
  });

  test('no DisableForwarding, no Subsystem, no ListenAddress unless asked', () => {
    expect(config.has('disableforwarding')).toBe(false);
    expect(config.has('subsystem')).toBe(false);
    expect(config.has('listenaddress')).toBe(false);
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
    ['a zero login grace time', { loginGraceTime: 0 }, 'loginGraceTime must be']
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

/**
 * The rendered sshd_config as the real OpenSSH server reads it (`sshd -T`, which also refuses
 * a file it cannot parse). Requires root and `bash .ci/install-sshd.sh`.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { renderSshdConfig } from '../../src/ssh/sshd-config.ts';
import type { SshdConfigOptions } from '../../src/ssh/sshd-config.ts';
import { SSHD, requireSshd } from '../jumpserver/jumpserver-process.ts';
import { sshKeygen, tempDir } from './ssh-keygen.ts';
import type { TempDir } from './ssh-keygen.ts';

let dir: TempDir;
let options: SshdConfigOptions;

beforeAll(() => {
  requireSshd();
  dir = tempDir('sshd-config-');
  options = {
    port: 2222,
    targetHost: 'gadgetron-frontend',
    targetPort: 9002,
    loginUser: 'gadgetron',
    clientAliveInterval: 30,
    hostKeyPaths: [sshKeygen(dir, 'host_key', 'ed25519').privatePath],
    authorizedKeysPath: dir.file('authorized_keys')
  };
});

afterAll(() => dir?.remove());

/** The effective settings, `name value` per line, or sshd's complaint. */
function effective(change: Partial<SshdConfigOptions> = {}): Set<string> {
  const path = dir.file('sshd_config');
  writeFileSync(path, renderSshdConfig({ ...options, ...change }));
  const result = spawnSync(SSHD, ['-T', '-f', path], { encoding: 'utf8' });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  return new Set(result.stdout.split('\n'));
}

describe('sshd reads the rendered configuration', () => {
  test('every setting that differs from sshd defaults is in force', () => {
    const settings = effective();
    for (const line of [
      'port 2222',
      'listenaddress [::]:2222',
      'listenaddress 0.0.0.0:2222',
      'usepam no',
      'pidfile none',
      'loglevel VERBOSE',
      'printlastlog no',
      'printmotd no',
      'banner none',
      'compression no',
      'permituserenvironment no',
      'hostbasedauthentication no',
      'authorizedkeyscommand none',
      'authorizedprincipalsfile none',
      'allowusers gadgetron',
      'permitopen gadgetron-frontend:9002',
      'forcecommand /bin/false',
      'kexalgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,diffie-hellman-group16-sha512,diffie-hellman-group18-sha512,diffie-hellman-group-exchange-sha256',
      'ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com,aes256-ctr,aes192-ctr,aes128-ctr',
      'macs hmac-sha2-256-etm@openssh.com,hmac-sha2-512-etm@openssh.com,umac-128-etm@openssh.com',
      'hostkeyalgorithms rsa-sha2-512,rsa-sha2-256,ssh-ed25519',
      'pubkeyacceptedalgorithms ssh-ed25519,sk-ssh-ed25519@openssh.com,ecdsa-sha2-nistp256,ecdsa-sha2-nistp384,ecdsa-sha2-nistp521,sk-ecdsa-sha2-nistp256@openssh.com,rsa-sha2-512,rsa-sha2-256'
    ]) {
      expect(settings).toContain(line);
    }
  });

  test('a listen address, pid file and log level given are in force', () => {
    const settings = effective({
      listenAddress: '127.0.0.1',
      pidFile: dir.file('sshd.pid'),
      logLevel: 'INFO'
    });
    expect([...settings].filter(line => line.startsWith('listenaddress '))).toEqual([
      'listenaddress 127.0.0.1:2222'
    ]);
    expect(settings).toContain(`pidfile ${dir.file('sshd.pid')}`);
    expect(settings).toContain('loglevel INFO');
  });
});

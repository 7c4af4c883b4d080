import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import {
  HOST_KEY_ALGORITHMS,
  generateHostKey,
  generateHostKeys,
  hostKeysFromSecretData,
  hostKeysToSecretData,
  knownHostsLines,
  parseHostKey,
  retiredHostKeysFromSecretData
} from '../../src/ssh/host-keys.ts';
import type { HostKey } from '../../src/ssh/host-keys.ts';
import { keygenFingerprints, requireSshKeygen, sshKeygen, tempDir } from './ssh-keygen.ts';
import type { TempDir } from './ssh-keygen.ts';

let dir: TempDir;
let generated: HostKey[];

beforeAll(() => {
  requireSshKeygen();
  dir = tempDir('host-keys-');
  generated = generateHostKeys('jump@test');
});

afterAll(() => dir?.remove());

function writeKey(key: HostKey): string {
  const path = dir.file(key.fileName);
  writeFileSync(path, key.privateKey, { mode: 0o600 });
  return path;
}

function decodeContainer(pem: string): Buffer {
  return Buffer.from(pem.split('\n').slice(1, -2).join(''), 'base64');
}

describe('generated host keys', () => {
  test('one key of each served algorithm (no NIST curve), with the expected types and sizes', () => {
    expect(generated.map(k => [k.algorithm, k.type, k.bits, k.fileName])).toEqual([
      ['ed25519', 'ssh-ed25519', 256, 'ssh_host_ed25519_key'],
      ['rsa', 'ssh-rsa', 4096, 'ssh_host_rsa_key']
    ]);
    expect(new Set(generated.map(k => k.fingerprint)).size).toBe(2);
  });

  test.each(HOST_KEY_ALGORITHMS)(
    '%s: ssh-keygen -lf prints the same fingerprint and size',
    algorithm => {
      const key = generated.find(k => k.algorithm === algorithm)!;
      const [printed] = keygenFingerprints(writeKey(key));
      expect(printed).toEqual({
        bits: key.bits,
        fingerprint: key.fingerprint,
        comment: 'jump@test',
        type: algorithm.toUpperCase()
      });
      expect(key.fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);
    }
  );

  test.each(HOST_KEY_ALGORITHMS)(
    '%s: ssh-keygen -y derives the same public key from the private key',
    algorithm => {
      const key = generated.find(k => k.algorithm === algorithm)!;
      const derived = execFileSync('ssh-keygen', ['-y', '-f', writeKey(key)], { encoding: 'utf8' });
      expect(derived.trim().split(' ').slice(0, 2)).toEqual(key.publicKey.split(' ').slice(0, 2));
      expect(key.publicKey.endsWith(' jump@test')).toBe(true);
    }
  );

  test('the private key file is an unencrypted openssh-key-v1 container padded to 8 bytes', () => {
    for (const key of generated) {
      expect(key.privateKey).toMatch(
        /^-----BEGIN OPENSSH PRIVATE KEY-----\n([A-Za-z0-9+/=]{1,70}\n)+-----END OPENSSH PRIVATE KEY-----\n$/
      );
      const container = decodeContainer(key.privateKey);
      expect(container.subarray(0, 15).toString('latin1')).toBe('openssh-key-v1\0');
      expect(container.subarray(15, 23)).toEqual(Buffer.from([0, 0, 0, 4, ...Buffer.from('none')]));
      const publicLength = container.readUInt32BE(15 + 8 + 8 + 4 + 4);
      const privateOffset = 15 + 8 + 8 + 4 + 4 + 4 + publicLength;
      const privateLength = container.readUInt32BE(privateOffset);
      expect(privateLength % 8).toBe(0);
      expect(container.length).toBe(privateOffset + 4 + privateLength);
    }
  });

  test('each call makes new keys', () => {
    expect(generateHostKey('ed25519').fingerprint).not.toBe(generated[0]!.fingerprint);
  });
});

describe('reading host keys back', () => {
  test.each<['ed25519' | 'ecdsa' | 'rsa', number | undefined]>([
    ['ed25519', undefined],
    ['ecdsa', 256],
    ['rsa', 3072]
  ])('%s key made by ssh-keygen is read with the fingerprint ssh-keygen prints', (type, bits) => {
    const made = sshKeygen(dir, `keygen-${type}`, type, bits);
    const key = parseHostKey(made.privateKey);
    const [printed] = keygenFingerprints(made.privatePath);
    expect(key.fingerprint).toBe(printed!.fingerprint);
    expect(key.bits).toBe(printed!.bits);
    expect(key.comment).toBe(`keygen-${type}@test`);
    expect(key.publicKey).toBe(made.publicKey);
    expect(key.fileName).toBe(`ssh_host_${type}_key`);
  });

  test('a generated key reads back to the same description', () => {
    for (const key of generated) expect(parseHostKey(key.privateKey)).toEqual(key);
  });

  test('an encrypted key is refused', () => {
    const path = dir.file('encrypted');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'secret', '-f', path]);
    const made = execFileSync('cat', [path], { encoding: 'utf8' });
    expect(() => parseHostKey(made)).toThrow('the private key is encrypted');
  });

  test('mismatched check integers are refused', () => {
    const key = generated[0]!;
    const container = decodeContainer(key.privateKey);
    const publicLength = container.readUInt32BE(39);
    const checkOffset = 39 + 4 + publicLength + 4;
    container[checkOffset] = container[checkOffset]! ^ 0xff;
    const pem = `-----BEGIN OPENSSH PRIVATE KEY-----\n${container.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    expect(() => parseHostKey(pem)).toThrow('the check integers do not match');
  });

  test('a public half that does not belong to the private key is refused', () => {
    const [a, b] = [generateHostKey('ed25519'), generateHostKey('ed25519')];
    const ca = decodeContainer(a.privateKey);
    const cb = decodeContainer(b.privateKey);
    const publicLength = ca.readUInt32BE(39);
    const mixed = Buffer.concat([
      ca.subarray(0, 43 + publicLength),
      cb.subarray(43 + publicLength)
    ]);
    const pem = `-----BEGIN OPENSSH PRIVATE KEY-----\n${mixed.toString('base64')}\n-----END OPENSSH PRIVATE KEY-----\n`;
    expect(() => parseHostKey(pem)).toThrow('the public key does not match the private key');
  });

  test('text that is not a private key is refused', () => {
    expect(() => parseHostKey(generated[0]!.publicKey)).toThrow('not an OpenSSH private key');
  });
});

describe('Secret data', () => {
  test('round-trips through base64 Secret data keyed by file name', () => {
    const data = hostKeysToSecretData(generated);
    expect(Object.keys(data)).toEqual(['ssh_host_ed25519_key', 'ssh_host_rsa_key']);
    expect(Buffer.from(data.ssh_host_rsa_key!, 'base64').toString('utf8')).toBe(
      generated[1]!.privateKey
    );
    expect(hostKeysFromSecretData({ ...data, 'other-entry': 'aGVsbG8=' })).toEqual(generated);
  });

  test('a subset of keys is read in algorithm order', () => {
    const data = hostKeysToSecretData([generated[1]!, generated[0]!]);
    expect(hostKeysFromSecretData(data).map(k => k.algorithm)).toEqual(['ed25519', 'rsa']);
  });

  test('an ECDSA key of an earlier version is not served, only reported as retired', () => {
    const made = sshKeygen(dir, 'retired-ecdsa', 'ecdsa', 256);
    const data = {
      ...hostKeysToSecretData(generated),
      ssh_host_ecdsa_key: Buffer.from(made.privateKey).toString('base64')
    };
    expect(hostKeysFromSecretData(data)).toEqual(generated);
    const retired = retiredHostKeysFromSecretData(data);
    expect(retired.map(k => [k.type, k.fileName, k.publicKey])).toEqual([
      ['ecdsa-sha2-nistp256', 'ssh_host_ecdsa_key', made.publicKey]
    ]);
    expect(retiredHostKeysFromSecretData(hostKeysToSecretData(generated))).toEqual([]);
  });

  test('a key stored under another algorithm name is refused', () => {
    const data = { ssh_host_rsa_key: hostKeysToSecretData([generated[0]!]).ssh_host_ed25519_key! };
    expect(() => hostKeysFromSecretData(data)).toThrow(
      'host key ssh_host_rsa_key holds a ssh-ed25519 key'
    );
  });

  test('an entry that is not a key is refused with its name', () => {
    expect(() => hostKeysFromSecretData({ ssh_host_rsa_key: 'aGVsbG8=' })).toThrow(
      /^host key ssh_host_rsa_key cannot be read: not an OpenSSH private key$/
    );
    expect(() => retiredHostKeysFromSecretData({ ssh_host_ecdsa_key: 'aGVsbG8=' })).toThrow(
      /^host key ssh_host_ecdsa_key cannot be read: not an OpenSSH private key$/
    );
  });
});

describe('known_hosts lines', () => {
  test('use [host]:port unless the port is 22, and drop comments', () => {
    expect(knownHostsLines('20.1.2.3', 22, [generated[0]!])).toEqual([
      `20.1.2.3 ${generated[0]!.publicKey.split(' ').slice(0, 2).join(' ')}`
    ]);
    const lines = knownHostsLines('jump.example.org', 2222, generated);
    expect(lines).toHaveLength(2);
    for (const [i, line] of lines.entries()) {
      const [type, data] = generated[i]!.publicKey.split(' ');
      expect(line).toBe(`[jump.example.org]:2222 ${type} ${data}`);
    }
    expect(knownHostsLines('::1', 2222, ['ssh-ed25519 AAAA c'])).toEqual([
      '[::1]:2222 ssh-ed25519 AAAA'
    ]);
  });

  test('ssh-keygen -F finds every key under [host]:port', () => {
    const path = dir.file('known_hosts');
    writeFileSync(path, knownHostsLines('10.0.0.7', 2222, generated).join('\n') + '\n');
    const found = execFileSync('ssh-keygen', ['-F', '[10.0.0.7]:2222', '-f', path], {
      encoding: 'utf8'
    });
    for (const key of generated) expect(found).toContain(key.publicKey.split(' ')[1]);
    expect(() =>
      execFileSync('ssh-keygen', ['-F', '10.0.0.7', '-f', path], { stdio: 'pipe' })
    ).toThrow();
  });

  test('a host with spaces or newlines is refused', () => {
    expect(() => knownHostsLines('a b', 22, generated)).toThrow('host name or an IP address');
    expect(() => knownHostsLines('a\nb', 22, generated)).toThrow('host name or an IP address');
  });
});

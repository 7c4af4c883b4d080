import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { parseAuthorizedKeys, renderAuthorizedKeysFile } from '../../src/ssh/authorized-keys.ts';
import type {
  AuthorizedKey,
  AuthorizedKeysResult,
  KeyProblem
} from '../../src/ssh/authorized-keys.ts';
import { encodeString } from '../../src/ssh/wire.ts';
import {
  keygenFingerprints,
  keygenFingerprintsOf,
  requireSshKeygen,
  sshKeygen,
  tempDir
} from './ssh-keygen.ts';
import type { GeneratedKey, TempDir } from './ssh-keygen.ts';
import { skEcdsaPublicKey, skEd25519PublicKey } from './sk-keys.ts';

let dir: TempDir;
const keys: Record<string, GeneratedKey> = {};

beforeAll(() => {
  requireSshKeygen();
  dir = tempDir('authorized-keys-');
  keys.ed25519 = sshKeygen(dir, 'ed25519', 'ed25519');
  keys.ecdsa256 = sshKeygen(dir, 'ecdsa256', 'ecdsa', 256);
  keys.ecdsa384 = sshKeygen(dir, 'ecdsa384', 'ecdsa', 384);
  keys.ecdsa521 = sshKeygen(dir, 'ecdsa521', 'ecdsa', 521);
  keys.rsa1024 = sshKeygen(dir, 'rsa1024', 'rsa', 1024);
  keys.rsa2048 = sshKeygen(dir, 'rsa2048', 'rsa', 2048);
  keys.rsa3072 = sshKeygen(dir, 'rsa3072', 'rsa', 3072);
  keys.dsa = sshKeygen(dir, 'dsa', 'dsa');
  keys.rsaPem = sshKeygen(dir, 'rsa-pem', 'rsa', 1024, ['-m', 'PEM']);
  keys.ecPem = sshKeygen(dir, 'ec-pem', 'ecdsa', 256, ['-m', 'PEM']);
  keys.pkcs8 = sshKeygen(dir, 'pkcs8', 'ecdsa', 256, ['-m', 'PKCS8']);
});

afterAll(() => dir?.remove());

function expectKeys(result: AuthorizedKeysResult): AuthorizedKey[] {
  if (!result.ok) throw new Error(`expected keys, got ${JSON.stringify(result.errors)}`);
  return result.keys;
}

function expectErrors(result: AuthorizedKeysResult): {
  errors: KeyProblem[];
  secretsToMask: string[];
} {
  if (result.ok) throw new Error('expected errors, got keys');
  return result;
}

function messages(result: AuthorizedKeysResult): string[] {
  return expectErrors(result).errors.map(e => e.message);
}

describe('accepted keys', () => {
  test.each([
    ['ed25519', 'ssh-ed25519', 256],
    ['ecdsa256', 'ecdsa-sha2-nistp256', 256],
    ['ecdsa384', 'ecdsa-sha2-nistp384', 384],
    ['ecdsa521', 'ecdsa-sha2-nistp521', 521],
    ['rsa3072', 'ssh-rsa', 3072]
  ])('%s key from ssh-keygen is accepted with the same fingerprint', (name, type, bits) => {
    const key = keys[name]!;
    const [parsed] = expectKeys(parseAuthorizedKeys(key.publicKey + '\n'));
    const [expected] = keygenFingerprints(key.publicPath);
    expect(parsed).toMatchObject({
      line: 1,
      type,
      bits,
      fingerprint: expected!.fingerprint,
      comment: `${name}@test`,
      options: [],
      normalized: key.publicKey
    });
    expect(expected!.bits).toBe(bits);
  });

  test.each([
    ['sk-ssh-ed25519@openssh.com', skEd25519PublicKey],
    ['sk-ecdsa-sha2-nistp256@openssh.com', skEcdsaPublicKey]
  ])('%s key is accepted with the fingerprint ssh-keygen computes', (type, make) => {
    const line = make('yubikey');
    const [parsed] = expectKeys(parseAuthorizedKeys(line));
    const [expected] = keygenFingerprintsOf(dir, `${type}.pub`, line + '\n');
    expect(parsed).toMatchObject({ type, bits: 256, comment: 'yubikey' });
    expect(parsed!.fingerprint).toBe(expected!.fingerprint);
    expect(expected!.bits).toBe(256);
  });

  test('blank lines, comments, CRLF and surrounding spaces are tolerated; line numbers count every line', () => {
    const input = [
      '# team keys',
      '',
      `  ${keys.ed25519!.publicKey}  `,
      '   ',
      keys.ecdsa256!.publicKey
    ].join('\r\n');
    const parsed = expectKeys(parseAuthorizedKeys('\uFEFF' + input));
    expect(parsed.map(k => [k.line, k.type])).toEqual([
      [3, 'ssh-ed25519'],
      [5, 'ecdsa-sha2-nistp256']
    ]);
    expect(parsed[0]!.normalized).toBe(keys.ed25519!.publicKey);
  });

  test('a key without comment and a comment with spaces are both kept as given', () => {
    const [type, data] = keys.ed25519!.publicKey.split(' ');
    const parsed = expectKeys(
      parseAuthorizedKeys(
        `${type} ${data}\n${keys.ecdsa256!.publicKey.split(' ').slice(0, 2).join(' ')} Jane Doe laptop`
      )
    );
    expect(parsed[0]).toMatchObject({ comment: '', normalized: `${type} ${data}` });
    expect(parsed[1]!.comment).toBe('Jane Doe laptop');
    expect(parsed[1]!.normalized.endsWith(' Jane Doe laptop')).toBe(true);
  });

  test('the same key twice is kept once', () => {
    const line = keys.ed25519!.publicKey;
    const parsed = expectKeys(parseAuthorizedKeys(`${line}\n${line.replace(/\S+$/, 'other')}`));
    expect(parsed).toHaveLength(1);
    expect(parsed[0]!.line).toBe(1);
  });

  test('the rendered authorized_keys file lists each key and ssh-keygen reads it', () => {
    const parsed = expectKeys(
      parseAuthorizedKeys(
        [
          keys.ed25519!.publicKey,
          `restrict,port-forwarding,from="10.0.0.0/8,192.168.1.*" ${keys.rsa3072!.publicKey}`
        ].join('\n')
      )
    );
    const file = renderAuthorizedKeysFile(parsed);
    expect(file.endsWith('\n')).toBe(true);
    expect(file.trim().split('\n')).toHaveLength(2);
    const path = dir.file('authorized_keys');
    writeFileSync(path, file);
    expect(keygenFingerprints(path).map(f => f.fingerprint)).toEqual(
      parsed.map(k => k.fingerprint)
    );
  });
});

describe('options', () => {
  const key = () => keys.ed25519!.publicKey;

  test('narrowing options are accepted and kept in the normalised line', () => {
    const [parsed] = expectKeys(
      parseAuthorizedKeys(
        `restrict,port-forwarding,no-pty,from="10.1.2.0/24",expiry-time="20991231" ${key()}`
      )
    );
    expect(parsed!.options).toEqual([
      { name: 'restrict' },
      { name: 'port-forwarding' },
      { name: 'no-pty' },
      { name: 'from', value: '10.1.2.0/24' },
      { name: 'expiry-time', value: '20991231' }
    ]);
    expect(parsed!.normalized).toBe(
      `restrict,port-forwarding,no-pty,from="10.1.2.0/24",expiry-time="20991231" ${key()}`
    );
  });

  test.each([
    ['command="/bin/sh"', /line 1: option command is not accepted/],
    ['cert-authority', /line 1: option cert-authority is not accepted/],
    ['no-touch-required', /line 1: option no-touch-required is not accepted/],
    ['environment="A=b"', /line 1: option environment is not accepted/],
    ['no-port-forwarding', /line 1: option no-port-forwarding would block the tunnel/],
    ['restrict', /line 1: option restrict without port-forwarding would block the tunnel/],
    ['from', /line 1: option from needs a value/],
    ['from="a\\"b"', /not in the form name or name="value"/],
    ['from="10.0.0.1', /not an OpenSSH public key|unterminated quote/]
  ])('%s is refused', (options, message) => {
    const result = messages(parseAuthorizedKeys(`${options} ${key()}`));
    expect(result).toHaveLength(1);
    expect(result[0]).toMatch(message);
    expect(result[0]).not.toContain('/bin/sh');
  });
});

describe('refused keys', () => {
  test.each([
    ['rsa1024', 1024],
    ['rsa2048', 2048]
  ])('%s is refused with its size', (name, bits) => {
    const input = `${keys.ed25519!.publicKey}\n${keys[name]!.publicKey}`;
    expect(messages(parseAuthorizedKeys(input))).toEqual([
      `line 2: ssh-rsa key of ${bits} bits is too short; at least 3072 bits are accepted`
    ]);
  });

  test('ssh-dss is refused', () => {
    expect(messages(parseAuthorizedKeys(keys.dsa!.publicKey))).toEqual([
      'line 1: ssh-dss keys are not accepted'
    ]);
  });

  test('certificates and unknown key types are refused by type', () => {
    const data = keys.ed25519!.publicKey.split(' ')[1];
    const result = messages(
      parseAuthorizedKeys(
        `ssh-ed25519-cert-v01@openssh.com ${data}\nssh-foo ${data}\necdsa-sha2-nistp999 ${data}`
      )
    );
    expect(result[0]).toMatch(
      /^line 1: certificates \(ssh-ed25519-cert-v01@openssh.com\) are not accepted/
    );
    expect(result[1]).toMatch(
      /^line 2: ssh-foo keys are not accepted; accepted types are ssh-ed25519, /
    );
    expect(result[2]).toMatch(/^line 3: ecdsa-sha2-nistp999 keys are not accepted/);
  });

  test('garbage lines are refused with their line numbers and without echoing them', () => {
    const input = [
      keys.ed25519!.publicKey,
      'hello world',
      '# fine',
      'ssh-ed25519',
      'ssh-ed25519 not*base64 comment',
      'ssh-ed25519 AAAA',
      'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY'
    ].join('\n');
    const result = expectErrors(parseAuthorizedKeys(input));
    expect(result.errors.map(e => [e.line, e.reason])).toEqual([
      [2, 'not an OpenSSH public key'],
      [4, 'the key data is missing'],
      [5, 'the key data is not valid base64'],
      [6, expect.stringMatching(/^the ssh-ed25519 key data is malformed/)],
      [7, 'not an OpenSSH public key']
    ]);
    expect(JSON.stringify(result.errors)).not.toContain('hello');
    expect(result.secretsToMask).toEqual(['QUJDREVGR0hJSktMTU5PUFFSU1RVVldY']);
  });

  test('truncated key data is refused', () => {
    const [type, data] = keys.rsa3072!.publicKey.split(' ');
    const truncated = data!.slice(0, 200);
    expect(messages(parseAuthorizedKeys(`${type} ${truncated}`))[0]).toMatch(
      /^line 1: the ssh-rsa key data is malformed/
    );
  });

  test('key data of another type than declared is refused', () => {
    const ecData = keys.ecdsa256!.publicKey.split(' ')[1];
    const edData = keys.ed25519!.publicKey.split(' ')[1];
    expect(
      messages(
        parseAuthorizedKeys(
          `ssh-ed25519 ${ecData}\necdsa-sha2-nistp384 ${ecData}\nssh-rsa ${edData}`
        )
      )
    ).toEqual([
      'line 1: the key is declared as ssh-ed25519 but its data is a ecdsa-sha2-nistp256 key',
      'line 2: the key is declared as ecdsa-sha2-nistp384 but its data is a ecdsa-sha2-nistp256 key',
      'line 3: the key is declared as ssh-rsa but its data is a ssh-ed25519 key'
    ]);
  });

  test('an ECDSA point that is not on the curve is refused', () => {
    const type = 'ecdsa-sha2-nistp256';
    const point = Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]);
    const blob = Buffer.concat([encodeString(type), encodeString('nistp256'), encodeString(point)]);
    expect(messages(parseAuthorizedKeys(`${type} ${blob.toString('base64')}`))).toEqual([
      'line 1: the nistp256 public point is not on the curve'
    ]);
  });

  test('trailing bytes after the key material are refused', () => {
    const [type, data] = keys.ed25519!.publicKey.split(' ');
    const blob = Buffer.concat([Buffer.from(data!, 'base64'), Buffer.from([0])]);
    expect(messages(parseAuthorizedKeys(`${type} ${blob.toString('base64')}`))[0]).toMatch(
      /unexpected trailing data/
    );
  });

  test('an sk key without application is refused', () => {
    const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
    const type = 'sk-ssh-ed25519@openssh.com';
    const blob = Buffer.concat([
      encodeString(type),
      encodeString(Buffer.from(jwk.x!, 'base64url')),
      encodeString('')
    ]);
    expect(messages(parseAuthorizedKeys(`${type} ${blob.toString('base64')}`))).toEqual([
      'line 1: the security key application is empty'
    ]);
  });

  test('empty input and comment-only input are refused', () => {
    for (const input of ['', '\n  \n# nothing here\n']) {
      expect(expectErrors(parseAuthorizedKeys(input)).errors).toEqual([
        { line: null, reason: 'no public keys were given', message: 'no public keys were given' }
      ]);
    }
  });

  test('one bad line makes the whole input fail', () => {
    const result = parseAuthorizedKeys(`${keys.ed25519!.publicKey}\n${keys.dsa!.publicKey}`);
    expect(result.ok).toBe(false);
  });
});

describe('private keys given by mistake', () => {
  const PUTTY = [
    'PuTTY-User-Key-File-3: ssh-ed25519',
    'Encryption: none',
    'Comment: eddsa-key-20240101',
    'Public-Lines: 2',
    'AAAAC3NzaC1lZDI1NTE5AAAAIHxMHb9mYa5IBl5J3nXEhgQ3XWpVJbGEJ0kmxAQF',
    'Lo4s',
    'Private-Lines: 1',
    'AAAAIDT7xZpS+9yAIyc1s/M6Ek4Ho3b6y3TiSvv9xW84p3sqRw1UtJtGhgEcbQ',
    'Private-MAC: 3a1e9d5b4c7f2e8a6b0d1c3f5e7a9b2d4f6e8a0c1b3d5f7e9a2b4c6d8e0f1a3b'
  ].join('\n');
  const SSH_COM = [
    '---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----',
    'Comment: "2048-bit rsa"',
    'P2/56wAAA+oAAAA3aWYtbW9kbntzaWdue3JzYS1wa2NzMS1zaGExfSxlbmNyeXB0e3JzYS1wa2NzMXYyLW9hZXB9fQAAAARub25l',
    'AAADmwAAA5cAAAARAQABAAAH/1Fx2Z4uSbQc0WpyT1jFJ6G6kO2Rr0lRCFBOr2DmSgw3T0dY6b',
    '---- END SSH2 ENCRYPTED PRIVATE KEY ----'
  ].join('\n');

  function bodyLines(text: string): string[] {
    return text
      .split('\n')
      .map(l => l.trim())
      .filter(l => l !== '' && !/^-{4,5} ?(BEGIN|END) /.test(l));
  }

  test.each([
    ['OpenSSH', () => keys.ed25519!.privateKey, 'OpenSSH'],
    ['PEM RSA', () => keys.rsaPem!.privateKey, 'PEM RSA'],
    ['PEM EC', () => keys.ecPem!.privateKey, 'PEM EC'],
    ['PKCS#8', () => keys.pkcs8!.privateKey, 'PKCS#8'],
    ['PuTTY', () => PUTTY, 'PuTTY'],
    ['ssh.com', () => SSH_COM, 'ssh.com']
  ])(
    '%s private key is refused without echoing it and its lines are given to mask',
    (_, text, format) => {
      const privateKey = text();
      const input = `${keys.ed25519!.publicKey}\n\n${privateKey}\n${keys.ecdsa256!.publicKey}\n`;
      const lineCount = privateKey.trim().split('\n').length;
      const result = expectErrors(parseAuthorizedKeys(input));
      expect(result.errors).toHaveLength(1);
      expect(result.errors[0]!.line).toBe(3);
      expect(result.errors[0]!.message).toBe(
        `lines 3-${2 + lineCount}: this is a private key (${format} format), not a public key; ` +
          'its content is not shown. Give the public key (the .pub file) instead, and treat this private key as exposed'
      );
      const shown = JSON.stringify(result.errors);
      for (const line of bodyLines(privateKey)) {
        expect(shown).not.toContain(line.slice(0, 12));
        expect(result.secretsToMask).toContain(line);
      }
    }
  );

  test('an unterminated private key block swallows the rest of the input', () => {
    const body = keys.ed25519!.privateKey.trim().split('\n').slice(0, -1);
    const result = expectErrors(
      parseAuthorizedKeys([...body, keys.ecdsa256!.publicKey].join('\n'))
    );
    expect(result.errors.map(e => e.message)).toEqual([
      expect.stringMatching(/^lines 1-\d+: this is a private key \(OpenSSH format\)/)
    ]);
    for (const line of body.slice(1)) expect(result.secretsToMask).toContain(line);
  });
});

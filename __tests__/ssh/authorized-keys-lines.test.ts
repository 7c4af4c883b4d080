import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { parseAuthorizedKeys } from '../../src/ssh/authorized-keys.ts';
import { sshKeygen, tempDir } from './ssh-keygen.ts';
import type { GeneratedKey, TempDir } from './ssh-keygen.ts';

let dir: TempDir;
let key: GeneratedKey;

beforeAll(() => {
  dir = tempDir('authorized-keys-lines-');
  key = sshKeygen(dir, 'ed25519', 'ed25519');
});

afterAll(() => dir?.remove());

function problems(input: string): { messages: string[]; masked: string[] } {
  const result = parseAuthorizedKeys(input);
  if (result.ok) throw new Error('the input was accepted');
  return { messages: result.errors.map(e => e.message), masked: result.secretsToMask };
}

describe('what each refused line is told', () => {
  test('a long key type is shown cut to 64 characters; one of 64 is shown whole', () => {
    const long = `ssh-${'a'.repeat(70)}`;
    expect(problems(`${long} AAAA`).messages[0]).toMatch(
      new RegExp(`^line 1: ${long.slice(0, 64)}\\.\\.\\. keys are not accepted`)
    );
    const exact = `ssh-${'b'.repeat(60)}`;
    expect(problems(`${exact} AAAA`).messages[0]).toMatch(
      new RegExp(`^line 1: ${exact} keys are not accepted`)
    );
  });

  test.each([
    ['characters outside base64', 'AAAA*AAA'],
    ['junk before the data', '*AAAA'],
    ['junk after the padding', 'AAAA=x'],
    ['bits past the end', 'AB==']
  ])('key data with %s is not valid base64', (_, data) => {
    expect(problems(`ssh-ed25519 ${data} c`).messages).toEqual([
      'line 1: the key data is not valid base64'
    ]);
  });

  test.each([['xssh-ed25519'], ['ssh-ed25519*']])(
    'a first word that is not a key type (%s) is not a public key',
    type => {
      const data = key.publicKey.split(' ')[1]!;
      expect(problems(`${type} ${data}`).messages[0]).toMatch(/^line 1: /);
      expect(problems(`${type} ${data}`).messages[0]).not.toContain('keys are not accepted');
    }
  );

  test('problems are listed in line order, private keys among them', () => {
    const privateLines = key.privateKey.trim().split('\n');
    const { messages } = problems(['ssh-ed25519 AB==', '', ...privateLines].join('\n'));
    expect(messages).toHaveLength(2);
    expect(messages[0]).toBe('line 1: the key data is not valid base64');
    expect(messages[1]).toMatch(
      new RegExp(`^lines 3-${privateLines.length + 2}: this is a private key`)
    );
  });

  test('only whole lines of encoded text are masked as key fragments', () => {
    const fragment = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldY';
    expect(problems(fragment).masked).toEqual([fragment]);
    expect(problems(`x! ${fragment}`).masked).toEqual([]);
    expect(problems(`${fragment} !x`).masked).toEqual([]);
  });
});

describe('where a refusal points', () => {
  test('a key type with nothing after it is told its key data is missing', () => {
    expect(problems('ssh-ed25519').messages).toEqual(['line 1: the key data is missing']);
    expect(problems(`${key.publicKey.trim()}\nssh-ed25519   `).messages).toEqual([
      'line 2: the key data is missing'
    ]);
  });

  test('a pasted private key is placed by its lines: one line, or the first to the last', () => {
    const block = [
      '-----BEGIN OPENSSH PRIVATE KEY-----',
      'b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW',
      '-----END OPENSSH PRIVATE KEY-----'
    ];
    const many = problems([key.publicKey.trim(), ...block].join('\n'));
    expect(many.messages).toHaveLength(1);
    expect(many.messages[0]).toMatch(/^lines 2-4: this is a private key \(OpenSSH format\)/);
    // Cut off after its first line: the block is that one line.
    const one = problems([key.publicKey.trim(), block[0]].join('\n'));
    expect(one.messages[0]).toMatch(/^line 2: this is a private key/);
  });

  test('a byte order mark is dropped at the start of the input only', () => {
    const parsed = (input: string) => {
      const result = parseAuthorizedKeys(input);
      if (!result.ok) throw new Error(result.errors.map(e => e.message).join('\n'));
      return result.keys;
    };
    expect(parsed(`\uFEFF${key.publicKey.trim()}`)).toHaveLength(1);
    // One inside a comment is part of the comment.
    expect(parsed(`${key.publicKey.trim()} site\uFEFFa`)[0]?.comment).toMatch(/ site\uFEFFa$/);
  });
});

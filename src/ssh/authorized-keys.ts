/**
 * Parses the `authorized-keys` action input: one OpenSSH public key per line,
 * as found in a `.pub` file or an authorized_keys file.
 *
 * - Blank lines and lines starting with `#` are ignored; `\r\n` line endings
 *   and a leading byte order mark are tolerated.
 * - Accepted key types: ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa of
 *   at least 3072 bits, sk-ssh-ed25519@openssh.com and
 *   sk-ecdsa-sha2-nistp256@openssh.com. The type embedded in the key data must
 *   match the declared one.
 * - An options prefix is allowed when it only narrows what the key may do;
 *   see authorized-key-options.ts for the exact list.
 * - The comment after the key data is kept.
 * - The same key given twice is kept once (the first occurrence).
 *
 * Problems are reported per line without quoting the line, so nothing a user
 * pasted by mistake ends up in a log. Pasted private keys are reported as such
 * and their lines are returned in `secretsToMask`; the caller should pass each
 * to `core.setSecret` before logging anything else.
 */
import { sha256Fingerprint } from './fingerprint.ts';
import {
  ACCEPTED_KEY_TYPES,
  PublicKeyBlobError,
  decodePublicKeyBlob,
  isAcceptedKeyType
} from './public-key-blob.ts';
import type { AcceptedKeyType } from './public-key-blob.ts';
import {
  KeyOptionsError,
  formatKeyOptions,
  parseKeyOptions,
  splitOptionsField
} from './authorized-key-options.ts';
import type { KeyOption } from './authorized-key-options.ts';
import { findPastedPrivateKeys } from './pasted-secrets.ts';

export interface AuthorizedKey {
  /** 1-based line number in the input. */
  line: number;
  type: AcceptedKeyType;
  bits: number;
  /** `SHA256:...` as printed by `ssh-keygen -lf`. */
  fingerprint: string;
  /** The text after the key data, or '' when there is none. */
  comment: string;
  options: KeyOption[];
  /** The key as it will be written to the server's authorized_keys file. */
  normalized: string;
}

export interface KeyProblem {
  /** 1-based line number, or null for a problem with the input as a whole. */
  line: number | null;
  reason: string;
  /** `line N: reason`, or just the reason when `line` is null. */
  message: string;
}

export type AuthorizedKeysResult =
  | { ok: true; keys: AuthorizedKey[] }
  | { ok: false; errors: KeyProblem[]; secretsToMask: string[] };

const KEY_TYPE_SHAPE = /^(ssh|ecdsa|sk|x509v3|rsa|pgp|spki)-[A-Za-z0-9@.+_-]*$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
/** Unrecognised lines that look like a fragment of encoded key material. */
const ENCODED_FRAGMENT = /^[A-Za-z0-9+/=]{16,}$/;

class LineError extends Error {
  override name = 'LineError';
}

function problem(line: number | null, reason: string): KeyProblem {
  return { line, reason, message: line === null ? reason : `line ${line}: ${reason}` };
}

function showType(type: string): string {
  return type.length > 64 ? type.slice(0, 64) + '...' : type;
}

function checkKeyType(type: string): AcceptedKeyType {
  if (isAcceptedKeyType(type)) return type;
  if (type === 'ssh-dss') throw new LineError('ssh-dss keys are not accepted');
  if (type.endsWith('-cert-v01@openssh.com')) {
    throw new LineError(
      `certificates (${showType(type)}) are not accepted; give the plain public key`
    );
  }
  throw new LineError(
    `${showType(type)} keys are not accepted; accepted types are ${ACCEPTED_KEY_TYPES.join(', ')}`
  );
}

function decodeBase64(text: string | undefined): Buffer {
  if (text === undefined || text === '') throw new LineError('the key data is missing');
  if (!BASE64.test(text)) throw new LineError('the key data is not valid base64');
  const blob = Buffer.from(text, 'base64');
  if (blob.toString('base64').replace(/=+$/, '') !== text.replace(/=+$/, '')) {
    throw new LineError('the key data is not valid base64');
  }
  return blob;
}

function splitFirstToken(text: string): [string, string] {
  const match = /^(\S+)\s*(.*)$/.exec(text);
  return match ? [match[1]!, match[2]!] : ['', ''];
}

function parseKeyLine(text: string, lineNumber: number): AuthorizedKey {
  let options: KeyOption[] = [];
  let [type, rest] = splitFirstToken(text);
  if (!KEY_TYPE_SHAPE.test(type)) {
    const split = splitOptionsField(text);
    [type, rest] = splitFirstToken(split.rest);
    if (!KEY_TYPE_SHAPE.test(type)) throw new LineError('not an OpenSSH public key');
    options = parseKeyOptions(split.options);
  }
  const acceptedType = checkKeyType(type);
  const [data, comment] = splitFirstToken(rest);
  const blob = decodeBase64(data);
  const { bits } = decodePublicKeyBlob(acceptedType, blob);
  const normalized = [
    options.length > 0 ? formatKeyOptions(options) : '',
    acceptedType,
    blob.toString('base64'),
    comment.trim()
  ]
    .filter(part => part !== '')
    .join(' ');
  return {
    line: lineNumber,
    type: acceptedType,
    bits,
    fingerprint: sha256Fingerprint(blob),
    comment: comment.trim(),
    options,
    normalized
  };
}

function reasonOf(error: unknown): string {
  if (
    error instanceof LineError ||
    error instanceof PublicKeyBlobError ||
    error instanceof KeyOptionsError
  ) {
    return error.message;
  }
  throw error;
}

/** Parses the `authorized-keys` input; see the module comment for the rules. */
export function parseAuthorizedKeys(input: string): AuthorizedKeysResult {
  const lines = input.replace(/^\uFEFF/, '').split(/\r?\n/);
  const errors: KeyProblem[] = [];
  const secretsToMask: string[] = [];
  const skip = new Set<number>();

  for (const block of findPastedPrivateKeys(lines)) {
    const where =
      block.firstLine === block.lastLine
        ? `line ${block.firstLine}`
        : `lines ${block.firstLine}-${block.lastLine}`;
    const reason = `this is a private key (${block.format} format), not a public key; its content is not shown. Give the public key (the .pub file) instead, and treat this private key as exposed`;
    errors.push({ line: block.firstLine, reason, message: `${where}: ${reason}` });
    secretsToMask.push(...block.lines);
    for (let n = block.firstLine; n <= block.lastLine; n++) skip.add(n);
  }

  const keys: AuthorizedKey[] = [];
  const seen = new Set<string>();
  lines.forEach((raw, index) => {
    const lineNumber = index + 1;
    const text = raw.trim();
    if (skip.has(lineNumber) || text === '' || text.startsWith('#')) return;
    try {
      const key = parseKeyLine(text, lineNumber);
      if (!seen.has(key.fingerprint)) {
        seen.add(key.fingerprint);
        keys.push(key);
      }
    } catch (error) {
      errors.push(problem(lineNumber, reasonOf(error)));
      if (ENCODED_FRAGMENT.test(text)) secretsToMask.push(text);
    }
  });

  if (errors.length > 0) {
    errors.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
    return { ok: false, errors, secretsToMask };
  }
  if (keys.length === 0) {
    return { ok: false, errors: [problem(null, 'no public keys were given')], secretsToMask };
  }
  return { ok: true, keys };
}

/** The server's authorized_keys file content for parsed keys. */
export function renderAuthorizedKeysFile(keys: readonly AuthorizedKey[]): string {
  return keys.map(key => key.normalized + '\n').join('');
}

/**
 * The openssh-key-v1 private key container ("-----BEGIN OPENSSH PRIVATE
 * KEY-----"), unencrypted, as written by `ssh-keygen` and read by `sshd`:
 *
 *   "openssh-key-v1\0" | string cipher "none" | string kdf "none" |
 *   string kdfoptions "" | uint32 1 | string public key blob |
 *   string (uint32 check | uint32 check | private key fields |
 *           string comment | padding 1, 2, 3, ... to a multiple of 8)
 *
 * See PROTOCOL.key in the OpenSSH sources.
 */
import type { KeyObject, JsonWebKey } from 'node:crypto';
import { createPrivateKey, randomBytes } from 'node:crypto';
import { WireReader, encodeMpint, encodeString, encodeUint32 } from './wire.ts';
import { EC_CURVES, b64url, curveOf, ecPoint, padStart, publicBlobOf } from './key-object-blob.ts';
import type { HostKeyType } from './key-object-blob.ts';

const MAGIC = Buffer.from('openssh-key-v1\0', 'latin1');
const BEGIN = '-----BEGIN OPENSSH PRIVATE KEY-----';
const END = '-----END OPENSSH PRIVATE KEY-----';
const BLOCK_SIZE = 8;

export class PrivateKeyFormatError extends Error {
  override name = 'PrivateKeyFormatError';
}

export interface DecodedPrivateKey {
  type: HostKeyType;
  privateKey: KeyObject;
  publicBlob: Buffer;
  comment: string;
}

function privateFields(key: KeyObject, type: HostKeyType): Buffer {
  const jwk = key.export({ format: 'jwk' });
  switch (key.asymmetricKeyType) {
    case 'ed25519': {
      const pub = b64url(jwk.x);
      return Buffer.concat([
        encodeString(type),
        encodeString(pub),
        encodeString(Buffer.concat([b64url(jwk.d), pub]))
      ]);
    }
    case 'ec': {
      const curve = curveOf(jwk);
      return Buffer.concat([
        encodeString(type),
        encodeString(curve.name),
        encodeString(ecPoint(jwk, curve.bytes)),
        encodeMpint(b64url(jwk.d))
      ]);
    }
    case 'rsa':
      return Buffer.concat([
        encodeString(type),
        encodeMpint(b64url(jwk.n)),
        encodeMpint(b64url(jwk.e)),
        encodeMpint(b64url(jwk.d)),
        encodeMpint(b64url(jwk.qi)),
        encodeMpint(b64url(jwk.p)),
        encodeMpint(b64url(jwk.q))
      ]);
    default:
      throw new Error(`unsupported key algorithm ${String(key.asymmetricKeyType)}`);
  }
}

function wrap(base64: string, width: number): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += width) lines.push(base64.slice(i, i + width));
  return lines.join('\n');
}

/** Serialises an unencrypted private key in openssh-key-v1 format. */
export function encodeOpenSshPrivateKey(
  privateKey: KeyObject,
  comment: string,
  checkInt: number = randomBytes(4).readUInt32BE()
): string {
  if (privateKey.type !== 'private') throw new Error('a private key object is required');
  const { type, blob } = publicBlobOf(privateKey);
  const body = Buffer.concat([
    encodeUint32(checkInt),
    encodeUint32(checkInt),
    privateFields(privateKey, type),
    encodeString(comment)
  ]);
  const padLength = (BLOCK_SIZE - (body.length % BLOCK_SIZE)) % BLOCK_SIZE;
  const padding = Buffer.from(Array.from({ length: padLength }, (_, i) => i + 1));
  const container = Buffer.concat([
    MAGIC,
    encodeString('none'),
    encodeString('none'),
    encodeString(''),
    encodeUint32(1),
    encodeString(blob),
    encodeString(Buffer.concat([body, padding]))
  ]);
  return `${BEGIN}\n${wrap(container.toString('base64'), 70)}\n${END}\n`;
}

function toBigInt(value: Buffer): bigint {
  return value.length === 0 ? 0n : BigInt('0x' + value.toString('hex'));
}

function fromBigInt(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? '0' + hex : hex, 'hex');
}

function readPrivateKey(type: string, reader: WireReader): { key: KeyObject; type: HostKeyType } {
  let jwk: JsonWebKey;
  if (type === 'ssh-ed25519') {
    const pub = reader.string();
    const both = reader.string();
    if (pub.length !== 32 || both.length !== 64 || !both.subarray(32).equals(pub)) {
      throw new PrivateKeyFormatError('the ed25519 private key is malformed');
    }
    jwk = {
      kty: 'OKP',
      crv: 'Ed25519',
      x: pub.toString('base64url'),
      d: both.subarray(0, 32).toString('base64url')
    };
  } else if (type.startsWith('ecdsa-sha2-')) {
    const entry = Object.entries(EC_CURVES).find(([, c]) => `ecdsa-sha2-${c.name}` === type);
    if (!entry) throw new PrivateKeyFormatError('unsupported ECDSA curve');
    const [crv, curve] = entry;
    if (reader.text() !== curve.name) throw new PrivateKeyFormatError('ECDSA curve mismatch');
    const point = reader.string();
    const d = reader.mpint();
    if (point.length !== 1 + 2 * curve.bytes || point[0] !== 4) {
      throw new PrivateKeyFormatError('the ECDSA public point is malformed');
    }
    jwk = {
      kty: 'EC',
      crv,
      x: point.subarray(1, 1 + curve.bytes).toString('base64url'),
      y: point.subarray(1 + curve.bytes).toString('base64url'),
      d: padStart(d, curve.bytes).toString('base64url')
    };
  } else if (type === 'ssh-rsa') {
    const [n, e, d, iqmp, p, q] = Array.from({ length: 6 }, () => reader.mpint()) as [
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer,
      Buffer
    ];
    const [bn, bd, bp, bq] = [n, d, p, q].map(toBigInt) as [bigint, bigint, bigint, bigint];
    if (bp * bq !== bn || bp < 2n || bq < 2n) {
      throw new PrivateKeyFormatError('the RSA private key is inconsistent');
    }
    jwk = {
      kty: 'RSA',
      n: n.toString('base64url'),
      e: e.toString('base64url'),
      d: d.toString('base64url'),
      p: p.toString('base64url'),
      q: q.toString('base64url'),
      dp: fromBigInt(bd % (bp - 1n)).toString('base64url'),
      dq: fromBigInt(bd % (bq - 1n)).toString('base64url'),
      qi: iqmp.toString('base64url')
    };
  } else {
    throw new PrivateKeyFormatError(`unsupported private key type ${type.slice(0, 64)}`);
  }
  try {
    return { key: createPrivateKey({ key: jwk, format: 'jwk' }), type: type as HostKeyType };
  } catch {
    throw new PrivateKeyFormatError(`the ${type} private key is invalid`);
  }
}

/**
 * Parses an unencrypted openssh-key-v1 private key and checks that its public
 * half matches the private key.
 */
export function decodeOpenSshPrivateKey(pem: string): DecodedPrivateKey {
  const text = pem.trim();
  if (!text.startsWith(BEGIN) || !text.endsWith(END)) {
    throw new PrivateKeyFormatError('not an OpenSSH private key');
  }
  const body = text.slice(BEGIN.length, text.length - END.length).replace(/\s+/g, '');
  const container = Buffer.from(body, 'base64');
  if (!container.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw new PrivateKeyFormatError('not an openssh-key-v1 container');
  }
  try {
    const outer = new WireReader(container.subarray(MAGIC.length));
    const cipher = outer.text();
    const kdf = outer.text();
    outer.string();
    if (cipher !== 'none' || kdf !== 'none') {
      throw new PrivateKeyFormatError('the private key is encrypted');
    }
    if (outer.uint32() !== 1) throw new PrivateKeyFormatError('expected exactly one key');
    const publicBlob = Buffer.from(outer.string());
    const inner = new WireReader(outer.string());
    outer.end();
    if (inner.uint32() !== inner.uint32()) {
      throw new PrivateKeyFormatError('the check integers do not match');
    }
    const { key, type } = readPrivateKey(inner.text(), inner);
    const comment = inner.string().toString('utf8');
    const padding = inner.bytes(inner.remaining);
    if (padding.length >= BLOCK_SIZE || padding.some((b, i) => b !== i + 1)) {
      throw new PrivateKeyFormatError('the padding is malformed');
    }
    if (!publicBlobOf(key).blob.equals(publicBlob)) {
      throw new PrivateKeyFormatError('the public key does not match the private key');
    }
    return { type, privateKey: key, publicBlob, comment };
  } catch (error) {
    if (error instanceof PrivateKeyFormatError) throw error;
    throw new PrivateKeyFormatError(`the private key is malformed (${(error as Error).message})`, {
      cause: error
    });
  }
}

/**
 * Converts node:crypto key objects to OpenSSH public key blobs, for the key
 * algorithms used as host keys: Ed25519, ECDSA (P-256/384/521) and RSA.
 */
import type { KeyObject, JsonWebKey } from 'node:crypto';
import { createPublicKey } from 'node:crypto';
import { encodeMpint, encodeString } from './wire.ts';

export type HostKeyType =
  'ssh-ed25519' | 'ecdsa-sha2-nistp256' | 'ecdsa-sha2-nistp384' | 'ecdsa-sha2-nistp521' | 'ssh-rsa';

export const EC_CURVES = {
  'P-256': { name: 'nistp256', bytes: 32 },
  'P-384': { name: 'nistp384', bytes: 48 },
  'P-521': { name: 'nistp521', bytes: 66 }
} as const;

export type JwkCurve = keyof typeof EC_CURVES;

export function b64url(value: string | undefined): Buffer {
  if (value === undefined) throw new Error('key is missing a component');
  return Buffer.from(value, 'base64url');
}

/** Left-pads a big-endian magnitude to `length` bytes. */
export function padStart(value: Buffer, length: number): Buffer {
  if (value.length >= length) return value;
  return Buffer.concat([Buffer.alloc(length - value.length), value]);
}

export function ecPoint(jwk: JsonWebKey, bytes: number): Buffer {
  return Buffer.concat([
    Buffer.from([4]),
    padStart(b64url(jwk.x), bytes),
    padStart(b64url(jwk.y), bytes)
  ]);
}

export function curveOf(jwk: JsonWebKey): (typeof EC_CURVES)[JwkCurve] {
  const curve = EC_CURVES[jwk.crv as JwkCurve];
  if (!curve) throw new Error(`unsupported EC curve ${String(jwk.crv)}`);
  return curve;
}

/** The OpenSSH type name and public key blob of a (public or private) key object. */
export function publicBlobOf(key: KeyObject): { type: HostKeyType; blob: Buffer } {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  const jwk = pub.export({ format: 'jwk' });
  switch (pub.asymmetricKeyType) {
    case 'ed25519': {
      const type = 'ssh-ed25519';
      return { type, blob: Buffer.concat([encodeString(type), encodeString(b64url(jwk.x))]) };
    }
    case 'ec': {
      const curve = curveOf(jwk);
      const type = `ecdsa-sha2-${curve.name}` as HostKeyType;
      return {
        type,
        blob: Buffer.concat([
          encodeString(type),
          encodeString(curve.name),
          encodeString(ecPoint(jwk, curve.bytes))
        ])
      };
    }
    case 'rsa': {
      const type = 'ssh-rsa';
      return {
        type,
        blob: Buffer.concat([
          encodeString(type),
          encodeMpint(b64url(jwk.e)),
          encodeMpint(b64url(jwk.n))
        ])
      };
    }
    default:
      throw new Error(`unsupported key algorithm ${String(pub.asymmetricKeyType)}`);
  }
}

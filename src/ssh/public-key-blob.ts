/**
 * Decodes and checks OpenSSH public key blobs (the base64 part of a public key
 * line) for the key types the jump server accepts.
 */
import { createPublicKey } from 'node:crypto';
import { WireReader, WireFormatError, bitLength } from './wire.ts';

export const ACCEPTED_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com'
] as const;

export type AcceptedKeyType = (typeof ACCEPTED_KEY_TYPES)[number];

/** RSA keys shorter than this are refused. */
export const MIN_RSA_BITS = 3072;

export function isAcceptedKeyType(type: string): type is AcceptedKeyType {
  return (ACCEPTED_KEY_TYPES as readonly string[]).includes(type);
}

export interface PublicKeyInfo {
  type: AcceptedKeyType;
  bits: number;
}

/** A blob that is well-formed but not acceptable, or not well-formed at all. */
export class PublicKeyBlobError extends Error {
  override name = 'PublicKeyBlobError';
}

const CURVES = {
  nistp256: { jwk: 'P-256', bits: 256, coordinateBytes: 32 },
  nistp384: { jwk: 'P-384', bits: 384, coordinateBytes: 48 },
  nistp521: { jwk: 'P-521', bits: 521, coordinateBytes: 66 }
} as const;

type CurveName = keyof typeof CURVES;

function checkEcPoint(curve: CurveName, point: Buffer): void {
  const { jwk, coordinateBytes } = CURVES[curve];
  if (point.length !== 1 + 2 * coordinateBytes || point[0] !== 0x04) {
    throw new PublicKeyBlobError(`the ${curve} public point is malformed`);
  }
  try {
    createPublicKey({
      key: {
        kty: 'EC',
        crv: jwk,
        x: point.subarray(1, 1 + coordinateBytes).toString('base64url'),
        y: point.subarray(1 + coordinateBytes).toString('base64url')
      },
      format: 'jwk'
    });
  } catch {
    throw new PublicKeyBlobError(`the ${curve} public point is not on the curve`);
  }
}

function readEcdsa(reader: WireReader, expectedCurve: CurveName): number {
  const curve = reader.text();
  if (curve !== expectedCurve) {
    throw new PublicKeyBlobError(`the key names curve ${curve} instead of ${expectedCurve}`);
  }
  checkEcPoint(expectedCurve, reader.string());
  return CURVES[expectedCurve].bits;
}

function readEd25519(reader: WireReader): number {
  if (reader.string().length !== 32) {
    throw new PublicKeyBlobError('the ed25519 public key is not 32 bytes');
  }
  return 256;
}

function readRsa(reader: WireReader): number {
  const e = reader.mpint();
  const n = reader.mpint();
  if (e.length === 0 || (e[e.length - 1]! & 1) === 0) {
    throw new PublicKeyBlobError('the RSA public exponent is invalid');
  }
  return bitLength(n);
}

function readSkApplication(reader: WireReader): void {
  if (reader.string().length === 0) {
    throw new PublicKeyBlobError('the security key application is empty');
  }
}

function readKeyBody(type: AcceptedKeyType, reader: WireReader): number {
  switch (type) {
    case 'ssh-ed25519':
      return readEd25519(reader);
    case 'ecdsa-sha2-nistp256':
      return readEcdsa(reader, 'nistp256');
    case 'ecdsa-sha2-nistp384':
      return readEcdsa(reader, 'nistp384');
    case 'ecdsa-sha2-nistp521':
      return readEcdsa(reader, 'nistp521');
    case 'ssh-rsa':
      return readRsa(reader);
    case 'sk-ssh-ed25519@openssh.com': {
      const bits = readEd25519(reader);
      readSkApplication(reader);
      return bits;
    }
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      const bits = readEcdsa(reader, 'nistp256');
      readSkApplication(reader);
      return bits;
    }
  }
}

/**
 * Decodes a public key blob whose line declared `declaredType`. The type
 * embedded in the blob must match the declared one, the key material must be
 * well-formed, and RSA keys must be at least {@link MIN_RSA_BITS} long.
 */
export function decodePublicKeyBlob(declaredType: AcceptedKeyType, blob: Buffer): PublicKeyInfo {
  const reader = new WireReader(blob);
  let bits: number;
  try {
    const embedded = reader.text();
    if (embedded !== declaredType) {
      throw new PublicKeyBlobError(
        `the key is declared as ${declaredType} but its data is a ${embedded.slice(0, 64)} key`
      );
    }
    bits = readKeyBody(declaredType, reader);
    reader.end();
  } catch (error) {
    if (error instanceof WireFormatError) {
      throw new PublicKeyBlobError(`the ${declaredType} key data is malformed (${error.message})`);
    }
    throw error;
  }
  if (declaredType === 'ssh-rsa' && bits < MIN_RSA_BITS) {
    throw new PublicKeyBlobError(
      `ssh-rsa key of ${bits} bits is too short; at least ${MIN_RSA_BITS} bits are accepted`
    );
  }
  return { type: declaredType, bits };
}

/**
 * Security-key public keys for tests. Generating real ones needs a FIDO
 * token, so the public key lines are assembled from their wire format; the
 * key material is a valid Ed25519 / P-256 public key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { encodeString } from '../../src/ssh/wire.ts';

export function skEd25519PublicKey(comment: string, application = 'ssh:'): string {
  const jwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' });
  const type = 'sk-ssh-ed25519@openssh.com';
  const blob = Buffer.concat([
    encodeString(type),
    encodeString(Buffer.from(jwk.x!, 'base64url')),
    encodeString(application)
  ]);
  return `${type} ${blob.toString('base64')} ${comment}`;
}

export function skEcdsaPublicKey(comment: string, application = 'ssh:'): string {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({
    format: 'jwk'
  });
  const type = 'sk-ecdsa-sha2-nistp256@openssh.com';
  const point = Buffer.concat([
    Buffer.from([4]),
    Buffer.from(jwk.x!, 'base64url'),
    Buffer.from(jwk.y!, 'base64url')
  ]);
  const blob = Buffer.concat([
    encodeString(type),
    encodeString('nistp256'),
    encodeString(point),
    encodeString(application)
  ]);
  return `${type} ${blob.toString('base64')} ${comment}`;
}

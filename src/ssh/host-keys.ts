/**
 * Host keys for the jump server: generated with node:crypto, stored as
 * OpenSSH private key files (one Secret entry per key), and turned into public
 * key lines, fingerprints and known_hosts lines for the people who connect.
 */
import { generateKeyPairSync } from 'node:crypto';
import { sha256Fingerprint } from './fingerprint.ts';
import { bitLength, WireReader } from './wire.ts';
import { publicBlobOf } from './key-object-blob.ts';
import type { HostKeyType } from './key-object-blob.ts';
import { decodeOpenSshPrivateKey, encodeOpenSshPrivateKey } from './openssh-private-key.ts';

/** What a host key file can hold. */
export type HostKeyAlgorithm = 'ed25519' | 'ecdsa' | 'rsa';

/**
 * The host keys the jump server generates and serves. ECDSA (a NIST curve) fails ssh-audit's
 * hardened policy: an ECDSA key left in a Secret by an earlier version is read only to be
 * reported and dropped (see {@link retiredHostKeysFromSecretData}).
 */
export const HOST_KEY_ALGORITHMS = ['ed25519', 'rsa'] as const;
export type ServedHostKeyAlgorithm = (typeof HOST_KEY_ALGORITHMS)[number];
const RETIRED_HOST_KEY_ALGORITHMS = ['ecdsa'] as const;

/** File names used in the host key Secret and inside the container. */
export const HOST_KEY_FILE_NAMES: Readonly<Record<HostKeyAlgorithm, string>> = {
  ed25519: 'ssh_host_ed25519_key',
  ecdsa: 'ssh_host_ecdsa_key',
  rsa: 'ssh_host_rsa_key'
};

/** ssh-audit's hardened policy asks for 4096-bit RSA host keys. */
export const RSA_HOST_KEY_BITS = 4096;

export interface HostKey {
  algorithm: HostKeyAlgorithm;
  type: HostKeyType;
  bits: number;
  fileName: string;
  /** The openssh-key-v1 private key file content. */
  privateKey: string;
  /** `type base64 comment`, as in a .pub file. */
  publicKey: string;
  /** `SHA256:...`, as printed by `ssh-keygen -lf`. */
  fingerprint: string;
  comment: string;
}

function algorithmOf(type: HostKeyType): HostKeyAlgorithm {
  if (type === 'ssh-ed25519') return 'ed25519';
  if (type === 'ssh-rsa') return 'rsa';
  return 'ecdsa';
}

function bitsOf(type: HostKeyType, blob: Buffer): number {
  switch (type) {
    case 'ssh-ed25519':
      return 256;
    case 'ecdsa-sha2-nistp256':
      return 256;
    case 'ecdsa-sha2-nistp384':
      return 384;
    case 'ecdsa-sha2-nistp521':
      return 521;
    case 'ssh-rsa': {
      const reader = new WireReader(blob);
      reader.string();
      reader.mpint();
      return bitLength(reader.mpint());
    }
  }
}

function describe(privateKey: string, type: HostKeyType, blob: Buffer, comment: string): HostKey {
  const algorithm = algorithmOf(type);
  return {
    algorithm,
    type,
    bits: bitsOf(type, blob),
    fileName: HOST_KEY_FILE_NAMES[algorithm],
    privateKey,
    publicKey: [type, blob.toString('base64'), comment].filter(p => p !== '').join(' '),
    fingerprint: sha256Fingerprint(blob),
    comment
  };
}

/** Generates one host key: ed25519, or RSA of {@link RSA_HOST_KEY_BITS} bits. */
export function generateHostKey(
  algorithm: ServedHostKeyAlgorithm,
  comment = 'gadgetron-jumpserver'
): HostKey {
  const { privateKey } =
    algorithm === 'ed25519'
      ? generateKeyPairSync('ed25519')
      : generateKeyPairSync('rsa', { modulusLength: RSA_HOST_KEY_BITS });
  const { type, blob } = publicBlobOf(privateKey);
  return describe(encodeOpenSshPrivateKey(privateKey, comment), type, blob, comment);
}

/** Generates one host key of each algorithm in {@link HOST_KEY_ALGORITHMS}. */
export function generateHostKeys(comment?: string): HostKey[] {
  return HOST_KEY_ALGORITHMS.map(algorithm => generateHostKey(algorithm, comment));
}

/** Reads back a host key from its OpenSSH private key file content. */
export function parseHostKey(privateKey: string): HostKey {
  const decoded = decodeOpenSshPrivateKey(privateKey);
  return describe(privateKey, decoded.type, decoded.publicBlob, decoded.comment);
}

/**
 * Secret `data` for host keys: file name to base64 of the private key file.
 * The same names are what the container expects in its host key mount.
 */
export function hostKeysToSecretData(keys: readonly HostKey[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const key of keys)
    data[key.fileName] = Buffer.from(key.privateKey, 'utf8').toString('base64');
  return data;
}

/**
 * Reads host keys back from a Secret's `data` (base64 values). Entries whose
 * names are not host key file names are ignored; the result follows
 * {@link HOST_KEY_ALGORITHMS} order and throws if an entry does not hold a
 * valid key of the algorithm its name says.
 */
export function hostKeysFromSecretData(data: Readonly<Record<string, string>>): HostKey[] {
  return readKeys(data, HOST_KEY_ALGORITHMS);
}

/**
 * Host keys of algorithms the jump server no longer serves (ECDSA) found in a Secret's
 * `data`: the next apply drops them, and the run says so.
 */
export function retiredHostKeysFromSecretData(data: Readonly<Record<string, string>>): HostKey[] {
  return readKeys(data, RETIRED_HOST_KEY_ALGORITHMS);
}

function readKeys(
  data: Readonly<Record<string, string>>,
  algorithms: readonly HostKeyAlgorithm[]
): HostKey[] {
  const keys: HostKey[] = [];
  for (const algorithm of algorithms) {
    const fileName = HOST_KEY_FILE_NAMES[algorithm];
    const encoded = data[fileName];
    if (encoded === undefined) continue;
    let key: HostKey;
    try {
      key = parseHostKey(Buffer.from(encoded, 'base64').toString('utf8'));
    } catch (error) {
      throw new Error(`host key ${fileName} cannot be read: ${(error as Error).message}`, {
        cause: error
      });
    }
    if (key.algorithm !== algorithm) {
      throw new Error(`host key ${fileName} holds a ${key.type} key`);
    }
    keys.push(key);
  }
  return keys;
}

/** The known_hosts host field: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsHost(hostOrIp: string, port: number): string {
  if (!/^[A-Za-z0-9.:_-]+$/.test(hostOrIp)) {
    throw new Error('the host must be a host name or an IP address');
  }
  return port === 22 ? hostOrIp : `[${hostOrIp}]:${port}`;
}

/**
 * known_hosts lines for the server's public keys. `publicKeys` may be host
 * keys or public key lines (`type base64 [comment]`); comments are dropped.
 */
export function knownHostsLines(
  hostOrIp: string,
  port: number,
  publicKeys: readonly (HostKey | string)[]
): string[] {
  const host = knownHostsHost(hostOrIp, port);
  return publicKeys.map(key => {
    const line = typeof key === 'string' ? key : key.publicKey;
    const [type, data] = line.trim().split(/\s+/);
    if (!type || !data) throw new Error('a public key line needs a type and key data');
    return `${host} ${type} ${data}`;
  });
}

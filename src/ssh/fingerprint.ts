import { createHash } from 'node:crypto';

/**
 * The SHA256 fingerprint of a public key blob, exactly as `ssh-keygen -lf`
 * prints it: `SHA256:` followed by unpadded base64.
 */
export function sha256Fingerprint(blob: Buffer): string {
  return 'SHA256:' + createHash('sha256').update(blob).digest('base64').replace(/=+$/, '');
}

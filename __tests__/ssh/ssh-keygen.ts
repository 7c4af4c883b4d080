/** Test helpers around the real OpenSSH `ssh-keygen`. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function requireSshKeygen(): void {
  try {
    execFileSync('ssh-keygen', ['-?'], { stdio: 'pipe' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error('ssh-keygen is not installed; run `bash .ci/install-sshd.sh` first', {
        cause: error
      });
    }
  }
}

export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): void;
}

export function tempDir(prefix = 'ssh-test-'): TempDir {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return {
    path,
    file: name => join(path, name),
    remove: () => rmSync(path, { recursive: true, force: true })
  };
}

export interface GeneratedKey {
  privateKey: string;
  publicKey: string;
  privatePath: string;
  publicPath: string;
}

/** Runs `ssh-keygen -t type [-b bits] [extra...]` and returns both files. */
export function sshKeygen(
  dir: TempDir,
  name: string,
  type: string,
  bits?: number,
  extra: string[] = []
): GeneratedKey {
  const privatePath = dir.file(name);
  const args = ['-q', '-t', type, '-N', '', '-C', `${name}@test`, '-f', privatePath, ...extra];
  if (bits !== undefined) args.push('-b', String(bits));
  execFileSync('ssh-keygen', args, { stdio: 'pipe' });
  return {
    privateKey: readFileSync(privatePath, 'utf8'),
    publicKey: readFileSync(`${privatePath}.pub`, 'utf8').trim(),
    privatePath,
    publicPath: `${privatePath}.pub`
  };
}

export interface KeygenFingerprint {
  bits: number;
  fingerprint: string;
  comment: string;
  type: string;
}

/** Parses every line `ssh-keygen -lf FILE` prints. */
export function keygenFingerprints(path: string): KeygenFingerprint[] {
  const out = execFileSync('ssh-keygen', ['-lf', path], { encoding: 'utf8', stdio: 'pipe' });
  return out
    .trim()
    .split('\n')
    .map(line => {
      const match = /^(\d+) (SHA256:\S+) (.*) \(([A-Z0-9-]+)\)$/.exec(line);
      if (!match) throw new Error(`unexpected ssh-keygen -lf output: ${line}`);
      return {
        bits: Number(match[1]),
        fingerprint: match[2]!,
        comment: match[3]!,
        type: match[4]!
      };
    });
}

/** `ssh-keygen -lf` of some text written to a file. */
export function keygenFingerprintsOf(
  dir: TempDir,
  name: string,
  content: string
): KeygenFingerprint[] {
  const path = dir.file(name);
  writeFileSync(path, content, { mode: 0o600 });
  return keygenFingerprints(path);
}

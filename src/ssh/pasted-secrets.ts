/**
 * Finds private keys pasted where public keys belong: PEM blocks such as
 * `-----BEGIN OPENSSH PRIVATE KEY-----` or `-----BEGIN RSA PRIVATE KEY-----`,
 * ssh.com `---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----` blocks and PuTTY `.ppk`
 * files. Only the line range and a fixed format label are reported; the lines
 * themselves are handed back separately so the caller can mask them.
 */

export interface PastedPrivateKey {
  /** 1-based line numbers of the first and last line of the block. */
  firstLine: number;
  lastLine: number;
  /** A fixed name of the format (e.g. `OpenSSH`, `PuTTY`), never text from the input. */
  format: string;
  /** Every non-blank line of the block, trimmed, for log masking. */
  lines: string[];
}

const PEM_FORMATS: ReadonlyArray<[RegExp, string]> = [
  [/OPENSSH PRIVATE KEY/, 'OpenSSH'],
  [/RSA PRIVATE KEY/, 'PEM RSA'],
  [/DSA PRIVATE KEY/, 'PEM DSA'],
  [/EC PRIVATE KEY/, 'PEM EC'],
  [/ENCRYPTED PRIVATE KEY/, 'encrypted PKCS#8'],
  [/PRIVATE KEY/, 'PKCS#8']
];

const PEM_BEGIN = /^-{4,5} ?BEGIN [A-Z0-9 #]*PRIVATE KEY ?-{4,5}/;
const PEM_END = /^-{4,5} ?END [A-Z0-9 #]*PRIVATE KEY ?-{4,5}/;
const PUTTY_BEGIN = /^PuTTY-User-Key-File-\d+:/;
const PUTTY_END = /^Private-(MAC|Hash):/;

function pemFormat(header: string): string {
  if (header.includes('SSH2 ENCRYPTED')) return 'ssh.com';
  for (const [pattern, label] of PEM_FORMATS) {
    if (pattern.test(header)) return label;
  }
  return 'PEM';
}

/** Returns the private key blocks found in `lines` (0-based array, 1-based results). */
export function findPastedPrivateKeys(lines: readonly string[]): PastedPrivateKey[] {
  const found: PastedPrivateKey[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!.trim();
    let end: RegExp | undefined;
    let format = '';
    if (PEM_BEGIN.test(line)) {
      end = PEM_END;
      format = pemFormat(line);
    } else if (PUTTY_BEGIN.test(line)) {
      end = PUTTY_END;
      format = 'PuTTY';
    }
    if (!end) {
      i++;
      continue;
    }
    const start = i;
    while (i < lines.length && !(i > start && end.test(lines[i]!.trim()))) i++;
    const last = Math.min(i, lines.length - 1);
    found.push({
      firstLine: start + 1,
      lastLine: last + 1,
      format,
      lines: lines
        .slice(start, last + 1)
        .map(l => l.trim())
        .filter(l => l !== '')
    });
    i = last + 1;
  }
  return found;
}

/**
 * The options prefix of an authorized_keys line (sshd(8), AUTHORIZED_KEYS
 * FILE FORMAT), e.g. `restrict,port-forwarding,from="10.0.0.0/8"`.
 *
 * Only options that narrow what a key may do are accepted. Options that widen
 * it (`cert-authority`, `no-touch-required`, `environment=`, ...) or that only
 * make sense for shells and commands the server never runs are refused, and so
 * is anything that would stop the key from opening the one tunnel the server
 * exists for (`no-port-forwarding`, or `restrict` without `port-forwarding`).
 */

export interface KeyOption {
  name: string;
  /** The unquoted value of `name="value"` options. */
  value?: string;
}

const FLAG_OPTIONS = new Set([
  'restrict',
  'port-forwarding',
  'no-agent-forwarding',
  'no-x11-forwarding',
  'no-pty',
  'no-user-rc',
  'verify-required'
]);

const VALUE_OPTIONS = new Set(['from', 'expiry-time']);

/** Thrown with a reason that never quotes option values. */
export class KeyOptionsError extends Error {
  override name = 'KeyOptionsError';
}

/**
 * Splits `text` into the leading options field and the rest of the line. The
 * options field ends at the first whitespace outside double quotes; inside
 * quotes a backslash escapes the next character, as sshd reads it.
 */
export function splitOptionsField(text: string): { options: string; rest: string } {
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && inQuotes) {
      i++;
    } else if (ch === '"') {
      inQuotes = !inQuotes;
    } else if (!inQuotes && (ch === ' ' || ch === '\t')) {
      return { options: text.slice(0, i), rest: text.slice(i).trimStart() };
    }
  }
  return { options: text, rest: '' };
}

function splitOptions(field: string): string[] {
  const parts: string[] = [];
  let current = '';
  let inQuotes = false;
  for (let i = 0; i < field.length; i++) {
    const ch = field[i]!;
    if (ch === '\\' && inQuotes && i + 1 < field.length) {
      current += ch + field[i + 1]!;
      i++;
      continue;
    }
    if (ch === '"') inQuotes = !inQuotes;
    if (ch === ',' && !inQuotes) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  if (inQuotes) throw new KeyOptionsError('the options have an unterminated quote');
  parts.push(current);
  return parts;
}

function parseOne(part: string): KeyOption {
  const match = /^([A-Za-z0-9-]+)(?:="([^"\\]*)")?$/.exec(part);
  if (!match) {
    throw new KeyOptionsError(
      'the options are not in the form name or name="value" (values may not contain quotes or backslashes)'
    );
  }
  const name = match[1]!.toLowerCase();
  const value = match[2];
  if (value === undefined) {
    if (FLAG_OPTIONS.has(name)) return { name };
    if (VALUE_OPTIONS.has(name)) throw new KeyOptionsError(`option ${name} needs a value`);
  } else {
    if (VALUE_OPTIONS.has(name)) return { name, value };
    if (FLAG_OPTIONS.has(name)) throw new KeyOptionsError(`option ${name} takes no value`);
  }
  if (name === 'no-port-forwarding') {
    throw new KeyOptionsError('option no-port-forwarding would block the tunnel');
  }
  return reject(name);
}

function reject(name: string): never {
  const shown = name.length > 32 ? name.slice(0, 32) + '...' : name;
  throw new KeyOptionsError(
    `option ${shown} is not accepted; accepted options are ` +
      [...FLAG_OPTIONS, ...[...VALUE_OPTIONS].map(n => `${n}="..."`)].join(', ')
  );
}

/** Parses and checks an options field; see the module comment for the rules. */
export function parseKeyOptions(field: string): KeyOption[] {
  const options = splitOptions(field).map(parseOne);
  const names = new Set(options.map(o => o.name));
  if (names.has('restrict') && !names.has('port-forwarding')) {
    throw new KeyOptionsError(
      'option restrict without port-forwarding would block the tunnel; use restrict,port-forwarding'
    );
  }
  return options;
}

/** Renders options back into an authorized_keys options field. */
export function formatKeyOptions(options: readonly KeyOption[]): string {
  return options.map(o => (o.value === undefined ? o.name : `${o.name}="${o.value}"`)).join(',');
}

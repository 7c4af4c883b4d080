import { ValueProblem } from './problem.ts';
import type { Parser } from './read.ts';

const show = (raw: string): string =>
  JSON.stringify(raw.length > 80 ? `${raw.slice(0, 77)}...` : raw);

export const text: Parser<string> = raw => raw;

export function integer(min: number, max: number): Parser<number> {
  const accepted = `a whole number from ${min} to ${max}`;
  return raw => {
    if (!/^-?\d+$/.test(raw))
      throw new ValueProblem(`${show(raw)} is not a whole number`, accepted);
    const value = Number(raw);
    if (value < min || value > max) throw new ValueProblem(`${value} is out of range`, accepted);
    return value;
  };
}

// The same spellings @actions/core's getBooleanInput accepts (YAML 1.2 core schema).
const TRUE = new Set(['true', 'True', 'TRUE']);
const FALSE = new Set(['false', 'False', 'FALSE']);

export const boolean: Parser<boolean> = raw => {
  if (TRUE.has(raw)) return true;
  if (FALSE.has(raw)) return false;
  throw new ValueProblem(`${show(raw)} is not a boolean`, 'true or false');
};

export function oneOf<const T extends string>(...choices: T[]): Parser<T> {
  const accepted = `one of ${choices.join(', ')}`;
  return raw => {
    if ((choices as string[]).includes(raw)) return raw as T;
    throw new ValueProblem(`${show(raw)} is not a known value`, accepted);
  };
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Durations such as `90s`, `15m`, `1h30m`; returns milliseconds. */
export function duration(maxMs = 24 * 3_600_000): Parser<number> {
  const accepted = 'a duration such as 90s, 15m, 1h or 1h30m (at least 1s, at most 24h)';
  return raw => {
    if (!/^(\d+(ms|s|m|h))+$/.test(raw)) {
      throw new ValueProblem(`${show(raw)} is not a duration`, accepted);
    }
    let total = 0;
    for (const [, amount, unit] of raw.matchAll(/(\d+)(ms|s|m|h)/g)) {
      total += Number(amount) * (DURATION_UNITS[unit as string] as number);
    }
    if (total < 1000 || total > maxMs) throw new ValueProblem(`${raw} is out of range`, accepted);
    return total;
  };
}

/** Kubernetes CPU quantity: `2`, `1.5`, `500m`. Returned in canonical text form. */
export const cpuQuantity: Parser<string> = raw => {
  const accepted = 'CPU cores such as 2, 1.5 or 500m';
  const match = /^(\d+(?:\.\d{1,3})?)(m?)$/.exec(raw);
  if (!match) throw new ValueProblem(`${show(raw)} is not a CPU quantity`, accepted);
  const millicores = match[2] ? Number(match[1]) : Number(match[1]) * 1000;
  if (!Number.isInteger(millicores) || millicores <= 0) {
    throw new ValueProblem(`${raw} is not a positive whole number of millicores`, accepted);
  }
  return raw;
};

/** Kubernetes memory quantity with a binary or decimal suffix: `4Gi`, `512Mi`, `8G`. */
export const memoryQuantity: Parser<string> = raw => {
  const accepted = 'memory such as 4Gi, 512Mi or 8G';
  if (!/^[1-9]\d*(Ki|Mi|Gi|Ti|k|M|G|T)$/.test(raw)) {
    throw new ValueProblem(`${show(raw)} is not a memory quantity`, accepted);
  }
  return raw;
};

// DNS-1035 label: what Service names must be.
const DNS_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/** A name used as a prefix for other object names, so it must leave room for suffixes. */
export function resourceName(maxLength: number): Parser<string> {
  const accepted = `lower-case letters, digits and '-', starting with a letter, ending with a letter or digit, at most ${maxLength} characters`;
  return raw => {
    if (raw.length > maxLength)
      throw new ValueProblem(`${show(raw)} is ${raw.length} characters long`, accepted);
    if (!DNS_LABEL.test(raw)) throw new ValueProblem(`${show(raw)} is not a valid name`, accepted);
    return raw;
  };
}

/** Namespaces and claims are RFC 1123 labels or subdomains; labels are strict enough here. */
export function kubernetesName(kind: string): Parser<string> {
  const accepted = `a ${kind} name: lower-case letters, digits and '-', starting and ending with a letter or digit, at most 63 characters`;
  return raw => {
    if (raw.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(raw)) {
      throw new ValueProblem(`${show(raw)} is not a valid ${kind} name`, accepted);
    }
    return raw;
  };
}

const IMAGE_ACCEPTED =
  'a full image reference with a tag or digest, such as ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2 or name@sha256:<64 hex digits>';
const IMAGE_NAME =
  /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const REGISTRY =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::\d+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;

export interface ImageReference {
  readonly reference: string;
  /** The tag, or the digest when there is no tag. */
  readonly version: string;
}

/** An OCI image reference that pins a version: a tag, a digest, or both. */
export const imageReference: Parser<ImageReference> = raw => {
  if (/\s/.test(raw)) throw new ValueProblem(`${show(raw)} contains whitespace`, IMAGE_ACCEPTED);
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest))
      throw new ValueProblem(`${show(digest)} is not a sha256 digest`, IMAGE_ACCEPTED);
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw new ValueProblem(`${show(tag)} is not a valid tag`, IMAGE_ACCEPTED);
  }
  if (!tag && !digest)
    throw new ValueProblem(`${show(raw)} has neither a tag nor a digest`, IMAGE_ACCEPTED);
  const slash = rest.indexOf('/');
  const first = slash >= 0 ? rest.slice(0, slash) : '';
  const hasRegistry =
    slash >= 0 && (first.includes('.') || first.includes(':') || first === 'localhost');
  const path = hasRegistry ? rest.slice(slash + 1) : rest;
  if ((hasRegistry && !REGISTRY.test(first)) || !IMAGE_NAME.test(path)) {
    throw new ValueProblem(`${show(raw)} is not a valid image name`, IMAGE_ACCEPTED);
  }
  return { reference: raw, version: tag ?? (digest as string) };
};

/** Non-empty lines, with `#` comments and blank lines dropped. */
export function lines(raw: string): string[] {
  return raw
    .split(/\r?\n/)
    .map(line => line.trim())
    .filter(line => line && !line.startsWith('#'));
}

const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

/** `key=value` lines whose keys and values are valid Kubernetes label keys and values. */
export const labelMap: Parser<Record<string, string>> = raw => {
  const accepted =
    'lines of key=value with Kubernetes label keys and values, such as agentpool=gadgetron';
  const result: Record<string, string> = {};
  lines(raw).forEach((line, index) => {
    const eq = line.indexOf('=');
    const key = eq >= 0 ? line.slice(0, eq).trim() : '';
    const value = eq >= 0 ? line.slice(eq + 1).trim() : '';
    if (eq < 0 || !LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
      throw new ValueProblem(`line ${index + 1} (${show(line)}) is not key=value`, accepted);
    }
    result[key] = value;
  });
  return result;
};

export interface Toleration {
  key?: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

const EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'] as const;

/**
 * Tolerations written like the taints they tolerate (`kubectl taint` syntax): `key=value:Effect`
 * tolerates exactly that taint, `key:Effect` any value of the key, `key` any effect, `key=value`
 * that value with any effect.
 */
export const tolerations: Parser<Toleration[]> = raw => {
  const accepted = `lines in kubectl taint syntax: key=value:Effect, key:Effect, key=value or key, with Effect one of ${EFFECTS.join(', ')}`;
  return lines(raw).map((line, index) => {
    const match = /^([^=:\s]+)(?:=([^:\s]*))?(?::(\w+))?$/.exec(line);
    const problem = (what: string): ValueProblem =>
      new ValueProblem(`line ${index + 1} (${show(line)}) ${what}`, accepted);
    if (!match) throw problem('is not a taint');
    const [, key, value, effect] = match;
    if (!LABEL_KEY.test(key as string)) throw problem('has an invalid key');
    if (value !== undefined && !LABEL_VALUE.test(value)) throw problem('has an invalid value');
    if (effect !== undefined && !(EFFECTS as readonly string[]).includes(effect)) {
      throw problem(`has an unknown effect ${show(effect)}`);
    }
    const toleration: Toleration = {
      key: key as string,
      operator: value === undefined ? 'Exists' : 'Equal'
    };
    if (value !== undefined) toleration.value = value;
    if (effect !== undefined) toleration.effect = effect as Toleration['effect'];
    return toleration;
  });
};

export interface Cidr {
  readonly cidr: string;
  readonly family: 4 | 6;
  readonly prefix: number;
}

/** IPv4 or IPv6 networks in CIDR form, separated by commas or new lines. */
export const cidrList: Parser<Cidr[]> = raw => {
  const accepted =
    'IPv4 or IPv6 networks in CIDR form such as 203.0.113.0/24 or 2001:db8::/32, separated by commas or new lines';
  const entries = raw
    .split(/[\n,]/)
    .map(entry => entry.trim())
    .filter(entry => entry && !entry.startsWith('#'));
  if (entries.length === 0) throw new ValueProblem('lists no network', accepted);
  return entries.map(entry => {
    const slash = entry.indexOf('/');
    const address = slash >= 0 ? entry.slice(0, slash) : entry;
    const prefixText = slash >= 0 ? entry.slice(slash + 1) : '';
    const family = isIPv4(address) ? 4 : isIPv6(address) ? 6 : undefined;
    if (!family) throw new ValueProblem(`${show(entry)} is not an IP network`, accepted);
    const max = family === 4 ? 32 : 128;
    if (!/^\d{1,3}$/.test(prefixText) || Number(prefixText) > max) {
      throw new ValueProblem(
        `${show(entry)} needs a prefix length from 0 to ${max} after '/'`,
        accepted
      );
    }
    return { cidr: `${address}/${Number(prefixText)}`, family, prefix: Number(prefixText) };
  });
};

function isIPv4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts.every(p => /^(0|[1-9]\d{0,2})$/.test(p) && Number(p) <= 255);
}

function isIPv6(address: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(address) || address.includes(':::')) return false;
  const halves = address.split('::');
  if (halves.length > 2) return false;
  const groups = halves.flatMap(h => (h ? h.split(':') : []));
  const last = groups[groups.length - 1] ?? '';
  const ipv4Tail = last.includes('.');
  if (ipv4Tail && !isIPv4(last)) return false;
  const hexGroups = ipv4Tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every(g => /^[0-9a-fA-F]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (ipv4Tail ? 2 : 0);
  return halves.length === 2 ? count < 8 : count === 8;
}

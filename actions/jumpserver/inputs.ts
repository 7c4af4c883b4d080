import { DECLARED_INPUTS } from './declared-inputs.ts';
import {
  environmentInputs,
  field,
  readInputs,
  type InputSource,
  type InputValues
} from '../../src/inputs/read.ts';
import {
  boolean,
  cidrList,
  duration,
  imageReference,
  integer,
  kubernetesName,
  oneOf,
  resourceName,
  type Cidr,
  type ImageReference
} from '../../src/inputs/parsers.ts';
import { existingFile } from '../../src/inputs/files.ts';
import { InputProblem, InvalidInputs, ValueProblem } from '../../src/inputs/problem.ts';
import { issueCommand } from '../../src/runtime/commands.ts';
import { parseAuthorizedKeys, type AuthorizedKey } from '../../src/ssh/authorized-keys.ts';

/**
 * The version of the jump server image this copy of the action runs by default: the
 * repository's release version (package.json), which the release workflow uses as the
 * image's tag. A test keeps the two equal.
 */
export const JUMPSERVER_IMAGE_VERSION = '1.0.0';

/** `ghcr.io/OWNER/gadgetron-actions/jumpserver:VERSION` for the repository the action came from. */
export function defaultImage(env: NodeJS.ProcessEnv = process.env): string | undefined {
  // GITHUB_ACTION_REPOSITORY names the action's repository when a workflow uses it as
  // OWNER/gadgetron-actions/actions/jumpserver@REF; a workflow of this repository that uses
  // ./actions/jumpserver leaves it empty, and then the workflow's own repository is it.
  const repository = env.GITHUB_ACTION_REPOSITORY || env.GITHUB_REPOSITORY || '';
  const owner = repository.split('/')[0]?.toLowerCase() ?? '';
  if (!/^[a-z0-9][a-z0-9-]*$/.test(owner)) return undefined;
  return `ghcr.io/${owner}/gadgetron-actions/jumpserver:${JUMPSERVER_IMAGE_VERSION}`;
}

export interface Target {
  readonly host: string;
  readonly port: number;
  /** The host is an IP address rather than a name. */
  readonly isAddress: boolean;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** `host:port`, with an IPv6 address in brackets; the host exactly as users will write it. */
export const target = (raw: string): Target => {
  const accepted =
    'HOST:PORT, where HOST is a Service name (NAME, NAME.NAMESPACE or NAME.NAMESPACE.svc.cluster.local) or an IP address (IPv6 in brackets), such as gadgetron-frontend:9002';
  const match = /^(?:\[([^\]]+)\]|([^:\s]+)):(\d{1,5})$/.exec(raw);
  if (!match) throw new ValueProblem(`${JSON.stringify(raw)} is not HOST:PORT`, accepted);
  const [, v6, name, portText] = match;
  const port = Number(portText);
  if (port < 1 || port > 65535) {
    throw new ValueProblem(`port ${port} is out of range (1 to 65535)`, accepted);
  }
  if (v6 !== undefined) {
    if (parseAddress(v6)?.family !== 6) {
      throw new ValueProblem(`${JSON.stringify(v6)} is not an IPv6 address`, accepted);
    }
    return { host: formatAddress(parseAddress(v6) as Address), port, isAddress: true };
  }
  const host = name as string;
  if (parseAddress(host)?.family === 4) return { host, port, isAddress: true };
  if (!HOST_NAME.test(host)) {
    throw new ValueProblem(`${JSON.stringify(host)} is not a valid host name`, accepted);
  }
  return { host, port, isAddress: false };
};

/** Azure's rule for a public IP's DNS label. */
export const dnsLabel = (raw: string): string => {
  if (!/^[a-z][a-z0-9-]{1,61}[a-z0-9]$/.test(raw)) {
    throw new ValueProblem(
      `${JSON.stringify(raw)} is not a valid DNS label`,
      'lower-case letters, digits and hyphens, 3 to 63 characters, starting with a letter and ending with a letter or digit'
    );
  }
  return raw;
};

export interface Address {
  readonly family: 4 | 6;
  readonly value: bigint;
}

/** Parses an IPv4 or IPv6 address (IPv6 may end in dotted IPv4). */
export function parseAddress(text: string): Address | undefined {
  const v4 = (part: string): bigint | undefined => {
    const octets = part.split('.');
    if (
      octets.length !== 4 ||
      !octets.every(o => /^(0|[1-9]\d{0,2})$/.test(o) && Number(o) < 256)
    ) {
      return undefined;
    }
    return octets.reduce((sum, o) => (sum << 8n) | BigInt(o), 0n);
  };
  if (!text.includes(':')) {
    const value = v4(text);
    return value === undefined ? undefined : { family: 4, value };
  }
  if (!/^[0-9a-fA-F:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groups = (half: string): bigint[] | undefined => {
    if (half === '') return [];
    const parts = half.split(':');
    const result: bigint[] = [];
    for (const [index, part] of parts.entries()) {
      if (index === parts.length - 1 && part.includes('.')) {
        const tail = v4(part);
        if (tail === undefined) return undefined;
        result.push(tail >> 16n, tail & 0xffffn);
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        result.push(BigInt(`0x${part}`));
      } else {
        return undefined;
      }
    }
    return result;
  };
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const all = [...head, ...Array<bigint>(missing).fill(0n), ...tail];
  return { family: 6, value: all.reduce((sum, g) => (sum << 16n) | g, 0n) };
}

/** The canonical text of an address (RFC 5952 for IPv6). */
export function formatAddress(address: Address): string {
  if (address.family === 4) {
    return [24n, 16n, 8n, 0n].map(shift => String((address.value >> shift) & 0xffn)).join('.');
  }
  const groups = [...Array(8).keys()].map(i =>
    Number((address.value >> BigInt(112 - 16 * i)) & 0xffffn)
  );
  // The longest run of two or more zero groups becomes '::' (the first of equal runs).
  let best = { start: -1, length: 1 };
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.length) best = { start: i, length: j - i };
    i = j;
  }
  const hex = groups.map(g => g.toString(16));
  if (best.start < 0) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`;
}

/**
 * The allowed networks, canonical and without repeats. Every network must be written as
 * its first address (no host bits), so a typo cannot silently widen or shift it, and a
 * network covering every address must be spelled 0.0.0.0/0 or ::/0.
 */
export const allowedCidrs = (raw: string): Cidr[] => {
  const networks = cidrList(raw);
  const accepted =
    'IPv4 or IPv6 networks in CIDR form such as 203.0.113.0/24, 198.51.100.7/32 or 2001:db8::/32, separated by commas or new lines';
  const seen = new Set<string>();
  const result: Cidr[] = [];
  for (const network of networks) {
    const [addressText = ''] = network.cidr.split('/');
    const address = parseAddress(addressText) as Address;
    const bits = network.family === 4 ? 32 : 128;
    const hostBits = BigInt(bits - network.prefix);
    const first = (address.value >> hostBits) << hostBits;
    const canonical = formatAddress({ family: network.family, value: first });
    if (network.prefix === 0 && address.value !== 0n) {
      throw new ValueProblem(
        `${network.cidr} covers every address; write ${network.family === 4 ? '0.0.0.0/0' : '::/0'} if that is really meant`,
        accepted
      );
    }
    if (first !== address.value) {
      throw new ValueProblem(
        `${network.cidr} has bits set after the first ${network.prefix}; write ${canonical}/${network.prefix} for the network or ${formatAddress(address)}/${bits} for the one address`,
        accepted
      );
    }
    const cidr = `${canonical}/${network.prefix}`;
    if (seen.has(cidr)) continue;
    seen.add(cidr);
    result.push({ cidr, family: network.family, prefix: network.prefix });
  }
  return result;
};

// Defaults live in action.yml (applied from declared-inputs.ts when an input is absent);
// `required` marks inputs that always have a value there, so an explicitly emptied one is an
// error rather than a silent default.
// authorized-keys is read on its own first (see readJumpserverInputs).
const FIELDS = {
  'allowed-cidrs': field(allowedCidrs, { required: true }),
  namespace: field(kubernetesName('namespace'), { required: true }),
  // Leaves room for the longest derived name, NAME-authorized-keys.
  name: field(resourceName(40), { required: true }),
  target: field(target, { required: true }),
  image: field(imageReference),
  'client-alive-interval': field(integer(1, 3600), { required: true }),
  'service-type': field(oneOf('LoadBalancer', 'NodePort', 'ClusterIP'), { required: true }),
  internal: field(boolean, { required: true }),
  'dns-label': field(dnsLabel),
  'local-port': field(integer(1, 65535), { required: true }),
  'rotate-host-keys': field(boolean, { required: true }),
  timeout: field(duration(), { required: true }),
  kubeconfig: field(existingFile)
};

export type JumpserverInputs = Omit<InputValues<typeof FIELDS>, 'image'> & {
  'authorized-keys': AuthorizedKey[];
  image: ImageReference;
};

const KEYS_ACCEPTED =
  'OpenSSH public keys, one per line (ssh-ed25519, ecdsa-sha2-nistp256/384/521, ssh-rsa of at least 3072 bits, sk-ssh-ed25519@openssh.com, sk-ecdsa-sha2-nistp256@openssh.com), as in a .pub file';

/**
 * The authorized keys, one problem per bad line. A private key pasted by mistake is masked
 * before anything else is written, and no problem quotes the input.
 */
function readAuthorizedKeys(
  source: InputSource,
  mask: (secret: string) => void,
  problems: InputProblem[]
): AuthorizedKey[] {
  const result = parseAuthorizedKeys(source('authorized-keys') ?? '');
  if (result.ok) return result.keys;
  for (const secret of result.secretsToMask) mask(secret);
  const nothing = result.errors.length === 1 && result.errors[0]?.line === null;
  for (const error of result.errors) {
    problems.push(
      new InputProblem(
        'authorized-keys',
        nothing && (source('authorized-keys') ?? '').trim() === ''
          ? 'is required but was not given'
          : error.message,
        KEYS_ACCEPTED
      )
    );
  }
  return [];
}

function maskCommand(secret: string): void {
  issueCommand('add-mask', {}, secret);
}

/** Reads every input, then checks the rules that span several of them. */
export function readJumpserverInputs(
  source: InputSource = environmentInputs(),
  env: NodeJS.ProcessEnv = process.env,
  mask: (secret: string) => void = maskCommand
): JumpserverInputs {
  const problems: InputProblem[] = [];
  const keys = readAuthorizedKeys(source, mask, problems);
  let inputs: InputValues<typeof FIELDS> | undefined;
  try {
    inputs = readInputs(FIELDS, DECLARED_INPUTS, source);
  } catch (error) {
    if (!(error instanceof InvalidInputs)) throw error;
    problems.push(...error.problems);
  }
  if (inputs === undefined) throw new InvalidInputs(problems);

  const type = inputs['service-type'];
  if (inputs.internal && type !== 'LoadBalancer') {
    problems.push(
      new InputProblem(
        'internal',
        `an internal load balancer needs service-type LoadBalancer, not ${type}`,
        'false, or service-type LoadBalancer'
      )
    );
  }
  if (inputs['dns-label'] && type !== 'LoadBalancer') {
    problems.push(
      new InputProblem(
        'dns-label',
        `a DNS label names a load balancer's address and needs service-type LoadBalancer, not ${type}`,
        'an empty value, or service-type LoadBalancer'
      )
    );
  }
  let image = inputs.image;
  if (image === undefined) {
    const fallback = defaultImage(env);
    if (fallback === undefined) {
      problems.push(
        new InputProblem(
          'image',
          'has no default here: the repository the action comes from is unknown (GITHUB_ACTION_REPOSITORY and GITHUB_REPOSITORY are unset)',
          `a jump server image with a tag or digest, such as ghcr.io/OWNER/gadgetron-actions/jumpserver:${JUMPSERVER_IMAGE_VERSION}`
        )
      );
    } else {
      image = imageReference(fallback);
    }
  }
  if (problems.length > 0 || image === undefined) throw new InvalidInputs(problems);
  return { ...inputs, 'authorized-keys': keys, image };
}

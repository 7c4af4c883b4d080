/** What a Gadgetron deployment is rendered from, and the checks it must pass first. */

export interface Toleration {
  key?: string;
  operator: 'Equal' | 'Exists';
  value?: string;
  effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

export interface GadgetronSpec {
  /** Base of every object name: NAME, NAME-frontend, NAME-workers, NAME-storage, ... */
  name: string;
  namespace: string;
  image: string;
  replicas: { min: number; max: number; cpuUtilization: number };
  resources: {
    cpuRequest: string;
    memoryRequest: string;
    cpuLimit?: string;
    memoryLimit?: string;
    gpus: number;
  };
  nodeSelector: Record<string, string>;
  tolerations: Toleration[];
  /** Claim mounted at /tmp/gadgetron_data; undefined: no data volume. */
  dataClaim?: string;
  /** Claim holding the storage server's blobs; undefined: they stay on its own disk. */
  dependenciesClaim?: string;
  /** The shared storage server; undefined: none, each Gadgetron process runs a private one. */
  storageServer?: { image: string };
  terminationGracePeriodSeconds: number;
  /**
   * Seconds a terminating pod keeps serving (drain.sh) even with no connection open, while it
   * leaves the workers' DNS answer; below terminationGracePeriodSeconds.
   */
  drainSettleSeconds: number;
  /** Whether Gadgetron discovers the other pods as remote workers. */
  remoteWorkers: boolean;
}

/** Longest suffix added to the name ("-storage-db"); names must stay DNS labels of 63. */
const LONGEST_SUFFIX = '-storage-db'.length;

// RFC 1035 label: Service names must start with a letter.
const DNS_1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)([KMGTPE]i|[numkMGTPE]|[eE][+-]?\d+)?$/;

function isInteger(value: number, min: number): boolean {
  return Number.isInteger(value) && value >= min;
}

/** Every problem with the spec, as readable sentences; empty when it can be rendered. */
export function specProblems(spec: GadgetronSpec): string[] {
  const problems: string[] = [];
  const maxName = 63 - LONGEST_SUFFIX;
  if (!DNS_1035.test(spec.name) || spec.name.length > maxName) {
    problems.push(
      `name "${spec.name}" must be lower-case letters, digits and '-', start with a letter and have at most ${maxName} characters`
    );
  }
  if (!DNS_1123.test(spec.namespace) || spec.namespace.length > 63) {
    problems.push(`namespace "${spec.namespace}" is not a valid namespace name`);
  }
  for (const [what, image] of [
    ['image', spec.image],
    ['storageServer.image', spec.storageServer?.image]
  ] as const) {
    if (image !== undefined && (image === '' || /\s/.test(image))) {
      problems.push(`${what} "${image}" is not an image reference`);
    }
  }

  const { min, max, cpuUtilization } = spec.replicas;
  if (!isInteger(min, 1)) problems.push(`replicas.min must be an integer of at least 1`);
  if (!isInteger(max, 1) || max < min) {
    problems.push(`replicas.max must be an integer of at least replicas.min`);
  }
  if (!isInteger(cpuUtilization, 1)) {
    problems.push(`replicas.cpuUtilization must be a positive integer (percent of the request)`);
  }

  const { gpus, ...quantities } = spec.resources;
  for (const [field, quantity] of Object.entries(quantities)) {
    if (quantity !== undefined && !QUANTITY.test(quantity)) {
      problems.push(`resources.${field} "${quantity}" is not a Kubernetes quantity`);
    }
  }
  if (!isInteger(gpus, 0)) problems.push(`resources.gpus must be a whole number`);

  spec.tolerations.forEach((toleration, i) => {
    if (toleration.operator === 'Exists' && toleration.value) {
      problems.push(`tolerations[${i}]: operator Exists takes no value`);
    }
    if (toleration.operator === 'Equal' && !toleration.key) {
      problems.push(`tolerations[${i}]: operator Equal needs a key`);
    }
  });

  for (const [what, claim] of [
    ['dataClaim', spec.dataClaim],
    ['dependenciesClaim', spec.dependenciesClaim]
  ] as const) {
    if (claim !== undefined && (!DNS_SUBDOMAIN.test(claim) || claim.length > 253)) {
      problems.push(`${what} "${claim}" is not a valid claim name`);
    }
  }
  if (!isInteger(spec.terminationGracePeriodSeconds, 0)) {
    problems.push(`terminationGracePeriodSeconds must be a whole number of seconds`);
  }
  if (
    !isInteger(spec.drainSettleSeconds, 0) ||
    spec.drainSettleSeconds >= spec.terminationGracePeriodSeconds
  ) {
    problems.push(
      `drainSettleSeconds must be a whole number of seconds below terminationGracePeriodSeconds`
    );
  }
  return problems;
}

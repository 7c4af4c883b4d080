import * as core from '@actions/core';
import type { KubernetesObject, V1Secret, V1Service } from '@kubernetes/client-node';
import type { JumpserverInputs } from './inputs.ts';
import {
  jumpserverNames,
  renderJumpserver,
  SERVICE_PORT,
  type JumpserverSpec,
  type TargetPeer
} from '../../src/render/jumpserver.ts';
import { connect, type KubeClient } from '../../src/kubernetes/connect.ts';
import { applyObjects, type AppliedObject } from '../../src/kubernetes/apply.ts';
import { listInstance } from '../../src/kubernetes/inventory.ts';
import { waitForLoadBalancer } from '../../src/kubernetes/load-balancer.ts';
import { retryPolicy } from '../../src/kubernetes/logging.ts';
import { withRetry } from '../../src/kubernetes/retry.ts';
import { describeApiError, isNotFound } from '../../src/kubernetes/errors.ts';
import { ProgressReporter } from '../../src/runtime/progress.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';
import {
  generateHostKey,
  HOST_KEY_ALGORITHMS,
  hostKeysFromSecretData,
  knownHostsLines,
  retiredHostKeysFromSecretData,
  type HostKey
} from '../../src/ssh/host-keys.ts';
import { LOGIN_USER } from '../../src/ssh/layout.ts';
import { writeJumpserverSummary, type HostKeyOrigin, type JumpserverReport } from './summary.ts';
import { ensureNamespace } from '../../src/kubernetes/namespace.ts';
import { followRollout } from '../../src/kubernetes/follow.ts';

const MANAGED_TYPES = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }
];

const PROGRESS_INTERVAL_MS = 10_000;

export async function deployJumpserver(inputs: JumpserverInputs): Promise<void> {
  const deadline = Date.now() + inputs.timeout;
  const world = inputs['allowed-cidrs'].filter(c => c.prefix === 0).map(c => c.cidr);
  if (world.length > 0) {
    core.warning(
      `allowed-cidrs includes ${world.join(' and ')}: every address on the internet may try to log in to the jump server. ` +
        'List the networks of your scanners and sites instead.',
      { title: 'The jump server is open to the world' }
    );
  }

  const client = connect(inputs.kubeconfig);
  core.info(`Cluster: ${client.server}`);
  const names = jumpserverNames(inputs.name);

  const targetPeer = await core.group('Target', () => resolveTarget(client, inputs));
  const hostKeys = await core.group('Host keys', () => loadHostKeys(client, inputs));
  const spec: JumpserverSpec = {
    name: inputs.name,
    namespace: inputs.namespace,
    image: inputs.image.reference,
    target: { host: inputs.target.host, port: inputs.target.port },
    targetPeer,
    clientAliveInterval: inputs['client-alive-interval'],
    serviceType: inputs['service-type'],
    internal: inputs.internal,
    dnsLabel: inputs['dns-label'],
    allowedCidrs: inputs['allowed-cidrs'].map(c => c.cidr),
    authorizedKeys: inputs['authorized-keys'],
    hostKeys: hostKeys.keys
  };
  const objects = renderJumpserver(spec);
  const applied = await core.group('Apply', () => apply(client, spec, objects));

  const endpoint = await core.group('Address', () =>
    address(client, spec, applied, remaining(deadline))
  );
  const rollout = await core.group('Roll out', () =>
    followRollout(client, spec.namespace, names.deployment, remaining(deadline))
  );
  if (rollout.result !== 'complete') {
    for (const problem of rollout.problems) {
      core.error(
        `Pod ${problem.pod}: ${problem.reason}${problem.message ? `: ${problem.message}` : ''}`
      );
    }
    if (rollout.events.length > 0) core.info(`Recent events:\n  ${rollout.events.join('\n  ')}`);
    throw new ActionFailure(
      `The jump server ${spec.namespace}/${names.deployment} did not become ready: ${rollout.summary}`
    );
  }

  const sshCommand = tunnelCommand(inputs['local-port'], spec.target, endpoint.host, endpoint.port);
  const knownHosts = knownHostsLines(endpoint.host, endpoint.port, hostKeys.keys);
  const fingerprints = hostKeys.keys.map(fingerprintLine);
  core.setOutput('external-ip', endpoint.host);
  core.setOutput('ssh-command', sshCommand);
  core.setOutput('known-hosts', knownHosts.join('\n'));
  core.setOutput('host-key-fingerprints', fingerprints.join('\n'));
  core.info(`Tunnel: ${sshCommand}`);
  core.info(`Host key fingerprints:\n  ${fingerprints.join('\n  ')}`);

  const report: JumpserverReport = {
    spec,
    applied,
    endpoint,
    sshCommand,
    knownHosts,
    hostKeys: hostKeys.keys,
    hostKeyOrigin: hostKeys.origin,
    droppedHostKeys: hostKeys.dropped
  };
  await writeJumpserverSummary(report);
}

function remaining(deadline: number): number {
  return Math.max(1000, deadline - Date.now());
}

/** `ssh -N -L ...`: a tunnel with no session, which is all the jump server allows. */
export function tunnelCommand(
  localPort: number,
  target: { host: string; port: number },
  host: string,
  port: number
): string {
  const targetHost = target.host.includes(':') ? `[${target.host}]` : target.host;
  return [
    'ssh -N',
    `-L ${localPort}:${targetHost}:${target.port}`,
    ...(port === 22 ? [] : [`-p ${port}`]),
    `${LOGIN_USER}@${host}`
  ].join(' ');
}

const TYPE_NAMES: Record<HostKey['algorithm'], string> = {
  ed25519: 'ED25519',
  ecdsa: 'ECDSA',
  rsa: 'RSA'
};

/** One line as `ssh-keygen -lf` prints it: bits, fingerprint, comment, type. */
export function fingerprintLine(key: HostKey): string {
  return `${key.bits} ${key.fingerprint} ${key.comment || 'no comment'} (${TYPE_NAMES[key.algorithm]})`;
}

/**
 * Where forwards to the target end up, for the NetworkPolicy: the pods behind the target
 * Service on the port the Service sends the target port to, or the target's address.
 */
async function resolveTarget(client: KubeClient, inputs: JumpserverInputs): Promise<TargetPeer> {
  const { host, port, isAddress } = inputs.target;
  if (isAddress) {
    core.info(`Target ${host}:${port} is an address; the jump server may reach only it.`);
    return { kind: 'address', cidr: `${host}/${host.includes(':') ? 128 : 32}`, port };
  }
  const parts = host.split('.');
  const [serviceName = '', serviceNamespace = inputs.namespace, svc] = parts;
  if (parts.length > 2 && svc !== 'svc') {
    throw new ActionFailure(
      `The target ${host} is not the name of a Service in this cluster (NAME, NAME.NAMESPACE or NAME.NAMESPACE.svc.cluster.local) ` +
        "nor an IP address, so the jump server's network policy cannot allow it. Use the Service name of Gadgetron, e.g. gadgetron-frontend:9002."
    );
  }
  let service: V1Service;
  try {
    service = await withRetry(
      `read Service ${serviceNamespace}/${serviceName}`,
      () => client.core.readNamespacedService({ name: serviceName, namespace: serviceNamespace }),
      retryPolicy()
    );
  } catch (error) {
    if (!isNotFound(error)) {
      throw new ActionFailure(
        `Could not read the target Service ${serviceNamespace}/${serviceName}: ${describeApiError(error)}`
      );
    }
    throw new ActionFailure(
      `The target Service ${serviceNamespace}/${serviceName} (input 'target') does not exist. ` +
        'Deploy Gadgetron first (deploy-gadgetron creates NAME-frontend), or set target to the Service users should reach.'
    );
  }
  const selector = service.spec?.selector ?? {};
  if (Object.keys(selector).length === 0) {
    throw new ActionFailure(
      `The target Service ${serviceNamespace}/${serviceName} selects no pods, so the jump server's network policy cannot single them out.`
    );
  }
  const servicePort = service.spec?.ports?.find(p => p.port === port);
  if (servicePort === undefined) {
    const ports = (service.spec?.ports ?? []).map(p => p.port).join(', ') || 'none';
    throw new ActionFailure(
      `The target Service ${serviceNamespace}/${serviceName} has no port ${port} (its ports: ${ports}); fix the port in input 'target'.`
    );
  }
  const podPort = servicePort.targetPort ?? servicePort.port;
  core.info(
    `Target ${host}:${port}: Service ${serviceNamespace}/${serviceName}, pods ${Object.entries(
      selector
    )
      .map(([k, v]) => `${k}=${v}`)
      .join(',')} on port ${podPort}.`
  );
  return {
    kind: 'pods',
    selector,
    ...(serviceNamespace === inputs.namespace ? {} : { namespace: serviceNamespace }),
    port: podPort,
    protocol: servicePort.protocol ?? 'TCP'
  };
}

/**
 * The host keys: those in the Secret when it exists (so clients keep trusting the server),
 * new ones on the first run or with rotate-host-keys. Only public parts are ever printed.
 */
async function loadHostKeys(
  client: KubeClient,
  inputs: JumpserverInputs
): Promise<{ keys: HostKey[]; origin: HostKeyOrigin; dropped: HostKey[] }> {
  const name = jumpserverNames(inputs.name).hostKeys;
  const comment = `${inputs.name}.${inputs.namespace}`;
  const generate = (): HostKey[] => HOST_KEY_ALGORITHMS.map(a => generateHostKey(a, comment));
  if (inputs['rotate-host-keys']) {
    core.info(
      'rotate-host-keys is set: generating new host keys. Clients must update their known_hosts.'
    );
    return { keys: generate(), origin: 'rotated', dropped: [] };
  }
  let secret: V1Secret | undefined;
  try {
    secret = await withRetry(
      `read Secret ${inputs.namespace}/${name}`,
      () => client.core.readNamespacedSecret({ name, namespace: inputs.namespace }),
      retryPolicy()
    );
  } catch (error) {
    if (!isNotFound(error)) {
      throw new ActionFailure(
        `Could not read the host key Secret ${inputs.namespace}/${name}: ${describeApiError(error)}`
      );
    }
  }
  if (secret === undefined) {
    core.info(
      `No host keys yet: generating them; they are kept in Secret ${inputs.namespace}/${name}.`
    );
    return { keys: generate(), origin: 'generated', dropped: [] };
  }
  let kept: HostKey[];
  let dropped: HostKey[];
  try {
    kept = hostKeysFromSecretData(secret.data ?? {});
    dropped = retiredHostKeysFromSecretData(secret.data ?? {});
  } catch (error) {
    throw new ActionFailure(
      `The host key Secret ${inputs.namespace}/${name} cannot be used: ${(error as Error).message}. ` +
        'Set rotate-host-keys to true to replace the host keys (clients will see new fingerprints).'
    );
  }
  const keys = HOST_KEY_ALGORITHMS.map(
    algorithm => kept.find(k => k.algorithm === algorithm) ?? generateHostKey(algorithm, comment)
  );
  const added = keys.length - kept.length;
  core.info(
    `Keeping the ${kept.length} host key(s) in Secret ${inputs.namespace}/${name}` +
      (added > 0 ? `; generated ${added} missing one(s).` : '.')
  );
  for (const key of dropped) {
    core.warning(
      `The ${key.type} host key ${key.fingerprint} is no longer served (NIST curves fail ssh-audit's hardened policy) and is removed from Secret ${inputs.namespace}/${name}. ` +
        'Clients that trust only that key must add one of the known-hosts lines of this run.',
      { title: 'ECDSA host key dropped' }
    );
  }
  return { keys, origin: added > 0 ? 'completed' : 'kept', dropped };
}

async function apply(
  client: KubeClient,
  spec: JumpserverSpec,
  objects: KubernetesObject[]
): Promise<AppliedObject[]> {
  const retry = retryPolicy();
  await ensureNamespace(client, spec.namespace, { retry });
  const selector = `app.kubernetes.io/name=gadgetron-jumpserver,app.kubernetes.io/instance=${spec.name},app.kubernetes.io/managed-by=gadgetron-actions`;
  const live = await listInstance(client, spec.namespace, MANAGED_TYPES, selector, retry);
  const applied = await applyObjects(client, objects, { live, retry });
  for (const { object, change } of applied) {
    core.info(`${change.padEnd(10)} ${object.kind} ${object.metadata?.name}`);
  }
  return applied;
}

export interface Endpoint {
  /** What clients connect to: the load balancer's address, a node's, or the cluster IP. */
  readonly host: string;
  readonly port: number;
  readonly how: string;
}

async function address(
  client: KubeClient,
  spec: JumpserverSpec,
  applied: AppliedObject[],
  timeoutMs: number
): Promise<Endpoint> {
  const name = jumpserverNames(spec.name).service;
  const service = applied.find(a => a.object.kind === 'Service')?.object as V1Service | undefined;
  if (spec.serviceType === 'ClusterIP') {
    const host = service?.spec?.clusterIP ?? '';
    core.info(`Service type ClusterIP: reachable inside the cluster at ${host}:${SERVICE_PORT}.`);
    return { host, port: SERVICE_PORT, how: 'cluster IP (inside the cluster only)' };
  }
  if (spec.serviceType === 'NodePort') {
    const nodePort = service?.spec?.ports?.find(p => p.name === 'ssh')?.nodePort;
    if (nodePort === undefined) throw new ActionFailure(`Service ${name} has no node port`);
    const host = await nodeAddress(client);
    core.info(`Service type NodePort: port ${nodePort} on every node, e.g. ${host}.`);
    return { host, port: nodePort, how: `node port ${nodePort} (any node's address)` };
  }

  const progress = new ProgressReporter(PROGRESS_INTERVAL_MS, line => core.info(line));
  const line = `Waiting for the load balancer to give Service ${spec.namespace}/${name} an address`;
  progress.report(line, true);
  const ticker = setInterval(() => progress.report(line), PROGRESS_INTERVAL_MS);
  const outcome = await waitForLoadBalancer(client, spec.namespace, name, timeoutMs, () =>
    progress.report(line)
  ).finally(() => clearInterval(ticker));
  if (outcome.result === 'timeout') {
    throw new ActionFailure(
      `Service ${spec.namespace}/${name} got no external address within the timeout. ` +
        "Check the Service's events (kubectl describe service) for load balancer errors, or raise timeout."
    );
  }
  core.info(`Load balancer address: ${outcome.address}`);
  return {
    host: outcome.address,
    port: SERVICE_PORT,
    how: spec.internal ? 'internal load balancer' : 'load balancer'
  };
}

/** A node's external address, else its internal one: where a NodePort Service is reached. */
async function nodeAddress(client: KubeClient): Promise<string> {
  try {
    const nodes = await withRetry('list nodes', () => client.core.listNode(), retryPolicy());
    for (const type of ['ExternalIP', 'InternalIP']) {
      for (const node of nodes.items) {
        const found = node.status?.addresses?.find(a => a.type === type)?.address;
        if (found) return found;
      }
    }
    throw new ActionFailure('No node reports an address for the node port.');
  } catch (error) {
    if (error instanceof ActionFailure) throw error;
    throw new ActionFailure(
      `Could not read the nodes' addresses for the node port: ${describeApiError(error)}. ` +
        'Allow the workflow to list nodes, or use service-type LoadBalancer.'
    );
  }
}

/**
 * Renders the jump server base (manifests/jumpserver/) for one installation: the base is
 * parsed into objects and the spec's values are set on their fields. The ConfigMap and the
 * two Secrets the base refers to are generated here from src/ssh, the single source of the
 * sshd configuration and key formats.
 */
import { createHash } from 'node:crypto';
import type {
  KubernetesObject,
  V1ConfigMap,
  V1Container,
  V1Deployment,
  V1NetworkPolicy,
  V1NetworkPolicyPeer,
  V1PodSpec,
  V1Secret,
  V1Service
} from '@kubernetes/client-node';
import type { AuthorizedKey } from '../ssh/authorized-keys.ts';
import { renderAuthorizedKeysFile } from '../ssh/authorized-keys.ts';
import type { HostKey } from '../ssh/host-keys.ts';
import { hostKeysToSecretData } from '../ssh/host-keys.ts';
import {
  CONFIG_MAP_KEYS,
  CONTAINER_CAPABILITIES,
  CONTAINER_PATHS,
  CONTAINER_PORT,
  renderJumpserverSshdConfig
} from '../ssh/layout.ts';
import { imageVersion } from './image.ts';
import { defaultManifestsDir, loadBase } from './manifests.ts';
import { setInstanceLabel } from './labels.ts';

export { toYaml } from './yaml.ts';

/** Name of the base's objects; the generated ones are BASE_NAME-suffix. */
const BASE_NAME = 'sshd-jumpserver';
const VERSION_LABEL = 'app.kubernetes.io/version';
/** Pod template annotation that changes whenever sshd's configuration or keys do. */
export const CHECKSUM_ANNOTATION = 'gadgetron-actions/config-checksum';
export const AZURE_INTERNAL_ANNOTATION = 'service.beta.kubernetes.io/azure-load-balancer-internal';
export const AZURE_DNS_LABEL_ANNOTATION = 'service.beta.kubernetes.io/azure-dns-label-name';
/**
 * The public host keys (one `type base64` line each) on the Service, so that whoever can read
 * the Service can verify the jump server (the status action prints its fingerprints and
 * known_hosts lines) without reading the Secret that holds the private keys.
 */
export const HOST_KEYS_ANNOTATION = 'gadgetron-actions.io/host-keys';
/** The port users connect to; the Service forwards it to sshd's CONTAINER_PORT. */
export const SERVICE_PORT = 22;

export type ServiceType = 'LoadBalancer' | 'NodePort' | 'ClusterIP';

/**
 * Where a forward to the target lands, for the NetworkPolicy's egress rule: the pods behind
 * the target Service (on their container port, which is what the policy sees after the
 * Service's address translation), or an IP address.
 */
export type TargetPeer =
  | {
      readonly kind: 'pods';
      readonly selector: Readonly<Record<string, string>>;
      /** Set when the pods are in another namespace than the jump server. */
      readonly namespace?: string;
      readonly port: number | string;
      readonly protocol: string;
    }
  | { readonly kind: 'address'; readonly cidr: string; readonly port: number };

export interface JumpserverSpec {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  /** The only destination of forwards, exactly as users write it after `-L PORT:`. */
  readonly target: { readonly host: string; readonly port: number };
  readonly targetPeer: TargetPeer;
  readonly clientAliveInterval: number;
  readonly serviceType: ServiceType;
  readonly internal: boolean;
  readonly dnsLabel?: string | undefined;
  /** Networks allowed to connect, in CIDR form. */
  readonly allowedCidrs: readonly string[];
  readonly authorizedKeys: readonly AuthorizedKey[];
  readonly hostKeys: readonly HostKey[];
}

/** Names of the objects of one installation. */
export function jumpserverNames(name: string): {
  deployment: string;
  service: string;
  networkPolicy: string;
  config: string;
  authorizedKeys: string;
  hostKeys: string;
} {
  return {
    deployment: name,
    service: name,
    networkPolicy: name,
    config: `${name}-config`,
    authorizedKeys: `${name}-authorized-keys`,
    hostKeys: `${name}-host-keys`
  };
}

/** The two files sshd reads besides its host keys, exactly as the container receives them. */
export function jumpserverFiles(spec: JumpserverSpec): {
  sshdConfig: string;
  authorizedKeys: string;
} {
  return {
    sshdConfig: renderJumpserverSshdConfig({
      port: CONTAINER_PORT,
      targetHost: spec.target.host,
      targetPort: spec.target.port,
      clientAliveInterval: spec.clientAliveInterval,
      hostKeyFileNames: spec.hostKeys.map(key => key.fileName)
    }),
    authorizedKeys: renderAuthorizedKeysFile(spec.authorizedKeys)
  };
}

function renamer(name: string): (baseName: string) => string {
  return baseName => {
    if (baseName === BASE_NAME) return name;
    if (baseName.startsWith(`${BASE_NAME}-`)) return name + baseName.slice(BASE_NAME.length);
    return baseName;
  };
}

function find<T extends KubernetesObject>(objects: KubernetesObject[], kind: string): T {
  const found = objects.find(o => o.kind === kind && o.metadata?.name === BASE_NAME);
  if (found === undefined) throw new Error(`the jump server base has no ${kind} ${BASE_NAME}`);
  return found as T;
}

function podSpec(deployment: V1Deployment): V1PodSpec {
  const spec = deployment.spec?.template.spec;
  if (spec === undefined) throw new Error('the jump server base Deployment has no pod');
  return spec;
}

function sshdContainer(pod: V1PodSpec): V1Container {
  const container = pod.containers[0];
  if (container === undefined) throw new Error('the jump server base Deployment has no container');
  return container;
}

/** A digest of everything sshd reads at start; public host keys stand for the private ones. */
function configChecksum(spec: JumpserverSpec, files: ReturnType<typeof jumpserverFiles>): string {
  const hash = createHash('sha256');
  for (const part of [
    files.sshdConfig,
    files.authorizedKeys,
    ...spec.hostKeys.map(k => k.publicKey)
  ]) {
    hash.update(part).update('\0');
  }
  return `sha256:${hash.digest('hex')}`;
}

function configureDeployment(
  deployment: V1Deployment,
  spec: JumpserverSpec,
  checksum: string,
  rename: (name: string) => string
): void {
  const template = deployment.spec?.template;
  if (template === undefined) throw new Error('the jump server base Deployment has no template');
  template.metadata = {
    ...template.metadata,
    annotations: { ...template.metadata?.annotations, [CHECKSUM_ANNOTATION]: checksum }
  };
  const pod = podSpec(deployment);
  const sshd = sshdContainer(pod);
  sshd.image = spec.image;
  for (const port of sshd.ports ?? []) if (port.name === 'ssh') port.containerPort = CONTAINER_PORT;
  if (sshd.readinessProbe?.tcpSocket) sshd.readinessProbe.tcpSocket.port = CONTAINER_PORT;
  if (sshd.securityContext?.capabilities) {
    sshd.securityContext.capabilities.add = [...CONTAINER_CAPABILITIES];
  }
  const mountPaths: Record<string, string> = {
    config: CONTAINER_PATHS.configDir,
    'host-keys': CONTAINER_PATHS.hostKeysDir,
    runtime: CONTAINER_PATHS.runtimeDir
  };
  for (const mount of sshd.volumeMounts ?? []) {
    const path = mountPaths[mount.name];
    if (path !== undefined) mount.mountPath = path;
  }
  for (const volume of pod.volumes ?? []) {
    if (volume.secret?.secretName) volume.secret.secretName = rename(volume.secret.secretName);
    for (const source of volume.projected?.sources ?? []) {
      if (source.configMap?.name) source.configMap.name = rename(source.configMap.name);
      if (source.secret?.name) source.secret.name = rename(source.secret.name);
    }
  }
}

function configureService(service: V1Service, spec: JumpserverSpec): void {
  const serviceSpec = service.spec;
  if (serviceSpec === undefined) throw new Error('the jump server base Service has no spec');
  serviceSpec.type = spec.serviceType;
  for (const port of serviceSpec.ports ?? []) if (port.name === 'ssh') port.port = SERVICE_PORT;
  // Source ranges are a load balancer's; the external traffic policy exists only for
  // Services reachable from outside the cluster.
  if (spec.serviceType === 'LoadBalancer') {
    serviceSpec.loadBalancerSourceRanges = [...spec.allowedCidrs];
  } else {
    delete serviceSpec.loadBalancerSourceRanges;
  }
  if (spec.serviceType === 'ClusterIP') delete serviceSpec.externalTrafficPolicy;
  const annotations: Record<string, string> = {
    ...service.metadata?.annotations,
    [HOST_KEYS_ANNOTATION]: spec.hostKeys
      .map(key => key.publicKey.trim().split(/\s+/).slice(0, 2).join(' '))
      .join('\n')
  };
  if (spec.serviceType === 'LoadBalancer' && spec.internal) {
    annotations[AZURE_INTERNAL_ANNOTATION] = 'true';
  }
  if (spec.serviceType === 'LoadBalancer' && spec.dnsLabel) {
    annotations[AZURE_DNS_LABEL_ANNOTATION] = spec.dnsLabel;
  }
  if (service.metadata) service.metadata.annotations = annotations;
}

function targetRulePeer(peer: TargetPeer): V1NetworkPolicyPeer {
  if (peer.kind === 'address') return { ipBlock: { cidr: peer.cidr } };
  return {
    podSelector: { matchLabels: { ...peer.selector } },
    ...(peer.namespace === undefined
      ? {}
      : {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': peer.namespace } }
        })
  };
}

function configureNetworkPolicy(policy: V1NetworkPolicy, spec: JumpserverSpec): void {
  const policySpec = policy.spec;
  const [sshRule] = policySpec?.ingress ?? [];
  const [targetRule, ...otherEgress] = policySpec?.egress ?? [];
  if (policySpec === undefined || sshRule === undefined || targetRule === undefined) {
    throw new Error('the jump server base NetworkPolicy lacks its ingress or target rule');
  }
  // The object stays in its YAML shape (`from`, not the client library's `_from`).
  (sshRule as { from?: V1NetworkPolicyPeer[] }).from = spec.allowedCidrs.map(cidr => ({
    ipBlock: { cidr }
  }));
  sshRule.ports = [{ protocol: 'TCP', port: CONTAINER_PORT }];
  const peer = spec.targetPeer;
  policySpec.egress = [
    {
      to: [targetRulePeer(peer)],
      ports: [{ protocol: peer.kind === 'pods' ? peer.protocol : 'TCP', port: peer.port }]
    },
    ...otherEgress
  ];
}

function generated(
  spec: JumpserverSpec,
  files: ReturnType<typeof jumpserverFiles>,
  labels: Record<string, string>
) {
  const names = jumpserverNames(spec.name);
  const metadata = (name: string) => ({ name, namespace: spec.namespace, labels: { ...labels } });
  const config: V1ConfigMap = {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: metadata(names.config),
    data: { [CONFIG_MAP_KEYS.sshdConfig]: files.sshdConfig }
  };
  const authorizedKeys: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(names.authorizedKeys),
    type: 'Opaque',
    data: {
      [CONFIG_MAP_KEYS.authorizedKeys]: Buffer.from(files.authorizedKeys, 'utf8').toString('base64')
    }
  };
  const hostKeys: V1Secret = {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: metadata(names.hostKeys),
    type: 'Opaque',
    data: hostKeysToSecretData(spec.hostKeys)
  };
  return [config, authorizedKeys, hostKeys] as KubernetesObject[];
}

/**
 * The objects of one jump server in apply order: ConfigMap, the authorized keys Secret,
 * the host keys Secret, Service, Deployment, NetworkPolicy. `manifestsDir` replaces the
 * base's location.
 */
export function renderJumpserver(
  spec: JumpserverSpec,
  manifestsDir?: URL | string
): KubernetesObject[] {
  if (spec.authorizedKeys.length === 0) throw new Error('the jump server needs authorized keys');
  if (spec.hostKeys.length === 0) throw new Error('the jump server needs host keys');
  if (spec.allowedCidrs.length === 0) throw new Error('the jump server needs allowed networks');

  const rename = renamer(spec.name);
  const base = loadBase(
    manifestsDir ?? defaultManifestsDir(new URL(import.meta.url), 'jumpserver')
  );
  const deployment = find<V1Deployment>(base, 'Deployment');
  const service = find<V1Service>(base, 'Service');
  const policy = find<V1NetworkPolicy>(base, 'NetworkPolicy');

  const files = jumpserverFiles(spec);
  const version = imageVersion(spec.image);
  for (const object of base) {
    const { name = '', namespace: _namespace, ...metadata } = object.metadata ?? {};
    object.metadata = { name: rename(name), namespace: spec.namespace, ...metadata };
    setInstanceLabel(object, spec.name);
    const labelSets = [object.metadata.labels];
    if (object.kind === 'Deployment')
      labelSets.push((object as V1Deployment).spec?.template.metadata?.labels);
    for (const labels of labelSets)
      if (labels && version !== undefined) labels[VERSION_LABEL] = version;
  }
  configureDeployment(deployment, spec, configChecksum(spec, files), rename);
  configureService(service, spec);
  configureNetworkPolicy(policy, spec);

  // The generated objects carry the instance's labels but not the image version, so an
  // image update leaves them alone.
  const { [VERSION_LABEL]: _version, ...labels } = service.metadata?.labels ?? {};
  return [...generated(spec, files, labels), service, deployment, policy];
}

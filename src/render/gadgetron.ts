/**
 * Renders the Gadgetron base (manifests/gadgetron/) for one deployment: the base is
 * parsed into objects and the spec's values are set on their fields.
 */
import type {
  KubernetesObject,
  V1Container,
  V1Deployment,
  V1PodSpec,
  V2HorizontalPodAutoscaler
} from '@kubernetes/client-node';
import { imageVersion } from './image.ts';
import { loadBase } from './manifests.ts';
import type { GadgetronSpec } from './spec.ts';
import { specProblems } from './spec.ts';
import { setInstanceLabel } from './labels.ts';

export type { GadgetronSpec, Toleration } from './spec.ts';
export { toYaml } from './yaml.ts';

/** Name of the base's main objects; its other objects are named BASE_NAME-suffix. */
const BASE_NAME = 'gadgetron';

const NAME_LABEL = 'app.kubernetes.io/name';
const COMPONENT_LABEL = 'app.kubernetes.io/component';
const VERSION_LABEL = 'app.kubernetes.io/version';
const STORAGE_COMPONENT = 'storage';
const STORAGE_APP = 'mrd-storage-server';
const GPU_RESOURCE = 'nvidia.com/gpu';
const REMOTE_WORKER_ENV = [
  'GADGETRON_REMOTE_WORKER_COMMAND',
  'GADGETRON_WORKER_SERVICE',
  'GADGETRON_WORKER_PORT',
  'GADGETRON_POD_IP'
];
/** The init container that waits for the storage server, and where it is told the address. */
const STORAGE_WAIT = 'wait-for-storage';
const STORAGE_URL_ENV = 'STORAGE_URL';
const DRAIN_SETTLE_ENV = 'DRAIN_SETTLE_SECONDS';

/** Apply order: what others refer to comes first. */
const KIND_ORDER = [
  'ConfigMap',
  'PersistentVolumeClaim',
  'Service',
  'Deployment',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
  'NetworkPolicy'
];

/** The names of an instance's objects that are looked up by name. */
export function gadgetronNames(name: string): {
  deployment: string;
  autoscaler: string;
  storage: string;
  frontend: string;
} {
  const rename = renamer(name);
  return {
    deployment: rename(BASE_NAME),
    autoscaler: rename(BASE_NAME),
    storage: rename(`${BASE_NAME}-storage`),
    frontend: rename(`${BASE_NAME}-frontend`)
  };
}

function renamer(name: string): (baseName: string) => string {
  return baseName => {
    if (baseName === BASE_NAME) return name;
    if (baseName.startsWith(`${BASE_NAME}-`)) return name + baseName.slice(BASE_NAME.length);
    return baseName;
  };
}

function find<T extends KubernetesObject>(
  objects: KubernetesObject[],
  kind: string,
  name: string
): T {
  const found = objects.find(o => o.kind === kind && o.metadata?.name === name);
  if (found === undefined) throw new Error(`the Gadgetron base has no ${kind} ${name}`);
  return found as T;
}

function podSpec(deployment: V1Deployment): V1PodSpec {
  const spec = deployment.spec?.template.spec;
  if (spec === undefined) throw new Error(`Deployment ${deployment.metadata?.name} has no pod`);
  return spec;
}

function container(deployment: V1Deployment): V1Container {
  const first = podSpec(deployment).containers[0];
  if (first === undefined) {
    throw new Error(`Deployment ${deployment.metadata?.name} has no container`);
  }
  return first;
}

/** Drops a volume and its mounts. */
function removeVolume(pod: V1PodSpec, volume: string): void {
  pod.volumes = pod.volumes?.filter(v => v.name !== volume);
  for (const c of pod.containers) c.volumeMounts = c.volumeMounts?.filter(m => m.name !== volume);
}

function setClaim(pod: V1PodSpec, volume: string, claim: string | undefined): void {
  if (claim === undefined) return removeVolume(pod, volume);
  const entry = pod.volumes?.find(v => v.name === volume);
  if (entry?.persistentVolumeClaim === undefined) {
    throw new Error(`the Gadgetron base has no claim volume ${volume}`);
  }
  entry.persistentVolumeClaim.claimName = claim;
}

/**
 * The version label goes on a Deployment and its pod template only: on Services, the
 * autoscaler or policies it would make every image bump rewrite objects that did not change,
 * and on (immutable) selectors it would make updates impossible.
 */
function setVersionLabel(deployment: V1Deployment, version: string | undefined): void {
  if (version === undefined) return;
  for (const labels of [deployment.metadata?.labels, deployment.spec?.template.metadata?.labels])
    if (labels !== undefined) labels[VERSION_LABEL] = version;
}

/** Storage server address for `-E`: the base's URL with the renamed Service as host. */
function storageUrl(baseUrl: string, rename: (name: string) => string): string {
  const url = new URL(baseUrl);
  return `${url.protocol}//${rename(url.hostname)}${url.port === '' ? '' : `:${url.port}`}`;
}

function configureServer(
  deployment: V1Deployment,
  spec: GadgetronSpec,
  rename: (name: string) => string
): void {
  const pod = podSpec(deployment);
  const server = container(deployment);
  server.image = spec.image;

  const args = [...(server.args ?? [])];
  const e = args.indexOf('-E');
  if (e >= 0) {
    if (spec.storageServer === undefined) args.splice(e, 2);
    else args[e + 1] = storageUrl(args[e + 1] ?? '', rename);
  }
  server.args = args;
  configureStorageWait(pod, spec, rename);

  const env = (server.env ?? []).filter(
    v => spec.remoteWorkers || !REMOTE_WORKER_ENV.includes(v.name)
  );
  for (const v of env) {
    if (v.name === 'GADGETRON_WORKER_SERVICE' && v.value) v.value = rename(v.value);
    if (v.name === DRAIN_SETTLE_ENV) v.value = String(spec.drainSettleSeconds);
  }
  if (!env.some(v => v.name === DRAIN_SETTLE_ENV)) {
    throw new Error(`the Gadgetron base sets no ${DRAIN_SETTLE_ENV}`);
  }
  server.env = env;

  const limits: Record<string, string> = {};
  if (spec.resources.cpuLimit) limits['cpu'] = spec.resources.cpuLimit;
  if (spec.resources.memoryLimit) limits['memory'] = spec.resources.memoryLimit;
  // Extended resources are requested through limits; the request defaults to the same.
  if (spec.resources.gpus > 0) limits[GPU_RESOURCE] = String(spec.resources.gpus);
  server.resources = {
    requests: { cpu: spec.resources.cpuRequest, memory: spec.resources.memoryRequest },
    ...(Object.keys(limits).length > 0 ? { limits } : {})
  };

  for (const volume of pod.volumes ?? []) {
    if (volume.configMap) volume.configMap.name = rename(volume.configMap.name ?? '');
  }
  setClaim(pod, 'data', spec.dataClaim);

  if (Object.keys(spec.nodeSelector).length > 0) pod.nodeSelector = { ...spec.nodeSelector };
  else delete pod.nodeSelector;
  if (spec.tolerations.length > 0) pod.tolerations = spec.tolerations.map(t => ({ ...t }));
  else delete pod.tolerations;
  pod.terminationGracePeriodSeconds = spec.terminationGracePeriodSeconds;
}

/**
 * The init container runs Gadgetron's image and waits for the renamed storage Service; without
 * a shared storage server there is nothing to wait for.
 */
function configureStorageWait(
  pod: V1PodSpec,
  spec: GadgetronSpec,
  rename: (name: string) => string
): void {
  const wait = pod.initContainers?.find(c => c.name === STORAGE_WAIT);
  if (wait === undefined) throw new Error(`the Gadgetron base has no ${STORAGE_WAIT} container`);
  if (spec.storageServer === undefined) {
    pod.initContainers = pod.initContainers?.filter(c => c !== wait);
    if (pod.initContainers?.length === 0) delete pod.initContainers;
    return;
  }
  wait.image = spec.image;
  const url = wait.env?.find(v => v.name === STORAGE_URL_ENV);
  if (url?.value === undefined) throw new Error(`${STORAGE_WAIT} has no ${STORAGE_URL_ENV}`);
  url.value = storageUrl(url.value, rename);
}

function configureStorage(
  deployment: V1Deployment,
  spec: GadgetronSpec,
  image: string,
  rename: (name: string) => string
): void {
  const pod = podSpec(deployment);
  container(deployment).image = image;
  const db = pod.volumes?.find(v => v.name === 'db')?.persistentVolumeClaim;
  if (db === undefined) throw new Error('the Gadgetron base has no storage database volume');
  db.claimName = rename(db.claimName);
  setClaim(pod, 'blobs', spec.dependenciesClaim);
}

function configureAutoscaler(
  hpa: V2HorizontalPodAutoscaler,
  spec: GadgetronSpec,
  rename: (name: string) => string
): void {
  const hpaSpec = hpa.spec;
  if (hpaSpec === undefined) throw new Error('the Gadgetron base has an empty autoscaler');
  hpaSpec.scaleTargetRef.name = rename(hpaSpec.scaleTargetRef.name);
  hpaSpec.minReplicas = spec.replicas.min;
  hpaSpec.maxReplicas = spec.replicas.max;
  const cpu = hpaSpec.metrics?.find(m => m.resource?.name === 'cpu')?.resource;
  if (cpu === undefined) throw new Error('the Gadgetron base autoscaler has no CPU metric');
  cpu.target.averageUtilization = spec.replicas.cpuUtilization;
}

function isStorage(object: KubernetesObject): boolean {
  return object.metadata?.labels?.[COMPONENT_LABEL] === STORAGE_COMPONENT;
}

function kindRank(object: KubernetesObject): number {
  const rank = KIND_ORDER.indexOf(object.kind ?? '');
  return rank < 0 ? KIND_ORDER.length : rank;
}

/**
 * The objects of one Gadgetron deployment in apply order: ConfigMap, PersistentVolumeClaim,
 * Services, Deployments (storage server first), HorizontalPodAutoscaler,
 * PodDisruptionBudget, NetworkPolicies. `manifestsDir` replaces the base's location.
 */
export function renderGadgetron(
  spec: GadgetronSpec,
  manifestsDir?: URL | string
): KubernetesObject[] {
  const problems = specProblems(spec);
  if (problems.length > 0) throw new Error(`invalid Gadgetron spec: ${problems.join('; ')}`);

  const rename = renamer(spec.name);
  const base = loadBase(manifestsDir);
  const server = find<V1Deployment>(base, 'Deployment', BASE_NAME);
  const storage = find<V1Deployment>(base, 'Deployment', `${BASE_NAME}-storage`);
  const hpa = find<V2HorizontalPodAutoscaler>(base, 'HorizontalPodAutoscaler', BASE_NAME);

  configureServer(server, spec, rename);
  configureAutoscaler(hpa, spec, rename);
  if (spec.storageServer) configureStorage(storage, spec, spec.storageServer.image, rename);

  const serverVersion = imageVersion(spec.image);
  const storageVersion = spec.storageServer ? imageVersion(spec.storageServer.image) : undefined;
  const objects = base.filter(o => spec.storageServer !== undefined || !isStorage(o));
  for (const object of objects) {
    const { name = '', namespace: _namespace, ...metadata } = object.metadata ?? {};
    object.metadata = { name: rename(name), namespace: spec.namespace, ...metadata };
    setInstanceLabel(object, spec.name);
    if (object.kind !== 'Deployment') continue;
    const app = object.metadata.labels?.[NAME_LABEL];
    if (app === BASE_NAME) setVersionLabel(object as V1Deployment, serverVersion);
    else if (app === STORAGE_APP) setVersionLabel(object as V1Deployment, storageVersion);
  }
  // Array.prototype.sort is stable: the base's order holds within a kind.
  return objects.sort((a, b) => kindRank(a) - kindRank(b));
}

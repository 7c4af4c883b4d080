/**
 * One read of a Gadgetron installation: what runs, where, how many, and what is wrong. Every
 * part that cannot be read (a missing right, an object that is not there) is reported as such
 * instead of failing the whole view: a status is most wanted when something is broken.
 */
import {
  VersionApi,
  type CoreV1Event,
  type V1Deployment,
  type V1Node,
  type V1Pod,
  type V1Service,
  type V2HorizontalPodAutoscaler
} from '@kubernetes/client-node';
import type { KubeClient } from '../../src/kubernetes/connect.ts';
import { describeApiError, isNotFound } from '../../src/kubernetes/errors.ts';
import { readRelease, type RunTrace } from '../../src/kubernetes/release.ts';
import { externalAddress } from '../../src/kubernetes/load-balancer.ts';
import { withRetry, type RetryPolicy } from '../../src/kubernetes/retry.ts';
import { gadgetronNames } from '../../src/render/gadgetron.ts';
import { HOST_KEYS_ANNOTATION, jumpserverNames } from '../../src/render/jumpserver.ts';
import { sha256Fingerprint } from '../../src/ssh/fingerprint.ts';
import { knownHostsLines } from '../../src/ssh/host-keys.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';
import { podState, type PodState } from './pod-state.ts';
import { reconstructionsInFlight } from './reconstructions.ts';
import type { StatusInputs } from './inputs.ts';

/** A part of the view that could not be read, and the API server's reason. */
export interface Unreadable {
  readonly unreadable: string;
}

export interface PodView {
  readonly name: string;
  readonly state: PodState;
  readonly ready: boolean;
  readonly restarts: number;
  readonly node: string;
  readonly image: string;
  readonly started?: string;
  /** Counted from the pod's log; undefined when the log could not be read. */
  readonly reconstructions?: number;
}

export interface PoolView {
  readonly name: string;
  readonly vmSize: string;
  readonly nodes: number;
  readonly ready: number;
  readonly gadgetronPods: number;
}

export interface AutoscalerView {
  readonly min: number;
  readonly max: number;
  readonly current: number;
  readonly desired: number;
  readonly targetCpu?: number;
  readonly currentCpu?: number;
  /** Why the autoscaler cannot act, from its conditions (e.g. no metrics). */
  readonly problems: readonly string[];
}

export interface JumpserverView {
  readonly address: string;
  readonly how: string;
  readonly image: string;
  readonly ready: boolean;
  readonly fingerprints: readonly { readonly type: string; readonly fingerprint: string }[];
  readonly knownHosts: readonly string[];
}

/** A pod that should serve and does not, with what it said last. */
export interface PodTrouble {
  readonly pod: string;
  readonly state: PodState;
  readonly logs: readonly string[] | Unreadable;
  readonly events: readonly string[];
}

export interface Installation {
  readonly namespace: string;
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly image: string;
  /** Absent when the instance has no record; unreadable without the right to read Secrets. */
  readonly release?:
    | {
        readonly revision: number;
        readonly completedAt: string;
        readonly run?: RunTrace;
      }
    | Unreadable;
  readonly replicas: {
    readonly desired: number;
    readonly ready: number;
    readonly updated: number;
  };
  readonly storageServer?: { readonly image: string; readonly ready: boolean };
  readonly autoscaler: AutoscalerView | Unreadable;
  readonly pools: readonly PoolView[] | Unreadable;
  readonly pods: readonly PodView[];
  readonly reconstructions: {
    /** Summed over the pods whose log could be read. */
    readonly inFlight?: number;
    /** Pods whose log could not be read (their reconstructions are not counted). */
    readonly uncounted: number;
    /** Old pods that stay until their reconstructions end. */
    readonly draining: number;
  };
  readonly jumpserver?: JumpserverView | Unreadable;
  readonly notReady: readonly PodTrouble[];
  readonly healthy: boolean;
}

/** Pools are told apart by AKS's label; other clusters' nodes share one unnamed pool. */
const POOL_LABEL = 'kubernetes.azure.com/agentpool';
const GADGETRON_CONTAINER = 'gadgetron';

export async function readInstallation(
  client: KubeClient,
  inputs: StatusInputs,
  retry: RetryPolicy
): Promise<Installation> {
  const { namespace, name } = inputs;
  const names = gadgetronNames(name);
  const read = <T>(what: string, call: () => Promise<T>): Promise<T> =>
    withRetry(what, call, retry);

  let deployment: V1Deployment;
  try {
    deployment = await read(`read Deployment ${namespace}/${names.deployment}`, () =>
      client.apps.readNamespacedDeployment({ name: names.deployment, namespace })
    );
  } catch (error) {
    if (isNotFound(error)) {
      throw new ActionFailure(
        `No Gadgetron instance ${name} in namespace ${namespace} (Deployment ${names.deployment} not found): ` +
          'check the inputs namespace and name against the deploy-gadgetron step that deployed it.'
      );
    }
    throw new ActionFailure(
      `Could not read Deployment ${namespace}/${names.deployment}: ${describeApiError(error)}`
    );
  }

  const selector = Object.entries(deployment.spec?.selector.matchLabels ?? {})
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  const [version, release, storage, autoscaler, nodes, podList] = await Promise.all([
    read('read the Kubernetes version', () =>
      client.config.makeApiClient(VersionApi).getCode()
    ).then(
      v => v.gitVersion,
      error => `unknown (${describeApiError(error)})`
    ),
    readRelease(client, namespace, name, retry).catch((error: unknown): Unreadable => ({
      unreadable: error instanceof Error ? error.message : String(error)
    })),
    read('read the storage server', () =>
      client.apps.readNamespacedDeployment({ name: names.storage, namespace })
    ).catch(() => undefined),
    readAutoscaler(client, namespace, names.autoscaler, retry),
    read('list nodes', () => client.core.listNode()).then(
      list => list.items,
      (error: unknown): Unreadable => ({ unreadable: describeApiError(error) })
    ),
    read('list the Gadgetron pods', () =>
      client.core.listNamespacedPod({ namespace, labelSelector: selector })
    )
  ]);

  const pods = await Promise.all(podList.items.map(pod => podView(client, namespace, pod)));
  const notReady = await Promise.all(
    pods
      .filter(pod => !pod.ready && pod.state.kind !== 'draining')
      .map(pod => trouble(client, namespace, pod, inputs['log-lines']))
  );
  const counted = pods.filter(p => p.reconstructions !== undefined);
  const replicas = {
    desired: deployment.spec?.replicas ?? 0,
    ready: deployment.status?.readyReplicas ?? 0,
    updated: deployment.status?.updatedReplicas ?? 0
  };
  const container = deployment.spec?.template.spec?.containers.find(
    c => c.name === GADGETRON_CONTAINER
  );
  return {
    namespace,
    name,
    kubernetesVersion: version ?? 'unknown',
    image: container?.image ?? '',
    ...(release === undefined
      ? {}
      : {
          release:
            'unreadable' in release
              ? release
              : {
                  revision: release.revision,
                  completedAt: release.completedAt,
                  ...(release.run ? { run: release.run } : {})
                }
        }),
    replicas,
    ...(storage
      ? {
          storageServer: {
            image: storage.spec?.template.spec?.containers[0]?.image ?? '',
            ready: (storage.status?.readyReplicas ?? 0) >= 1
          }
        }
      : {}),
    autoscaler,
    pools: Array.isArray(nodes) ? poolViews(nodes, pods) : nodes,
    pods,
    reconstructions: {
      ...(counted.length > 0
        ? { inFlight: counted.reduce((sum, p) => sum + (p.reconstructions ?? 0), 0) }
        : {}),
      uncounted: pods.length - counted.length,
      draining: pods.filter(p => p.state.kind === 'draining').length
    },
    ...(inputs['jumpserver-name']
      ? {
          jumpserver: await readJumpserver(
            client,
            inputs['jumpserver-namespace'] ?? namespace,
            inputs['jumpserver-name'],
            retry
          )
        }
      : {}),
    notReady,
    healthy: notReady.length === 0 && replicas.ready >= replicas.desired
  };
}

async function readAutoscaler(
  client: KubeClient,
  namespace: string,
  name: string,
  retry: RetryPolicy
): Promise<AutoscalerView | Unreadable> {
  let hpa: V2HorizontalPodAutoscaler;
  try {
    hpa = (await withRetry(
      `read HorizontalPodAutoscaler ${namespace}/${name}`,
      () =>
        client.objects.read({
          apiVersion: 'autoscaling/v2',
          kind: 'HorizontalPodAutoscaler',
          metadata: { name, namespace }
        }),
      retry
    )) as V2HorizontalPodAutoscaler;
  } catch (error) {
    return { unreadable: describeApiError(error) };
  }
  const cpu = (metrics: { resource?: { name: string } }[] | undefined) =>
    metrics?.find(m => m.resource?.name === 'cpu');
  const target = cpu(hpa.spec?.metrics) as
    { resource?: { target?: { averageUtilization?: number } } } | undefined;
  const current = cpu(hpa.status?.currentMetrics) as
    { resource?: { current?: { averageUtilization?: number } } } | undefined;
  return {
    min: hpa.spec?.minReplicas ?? 1,
    max: hpa.spec?.maxReplicas ?? 0,
    current: hpa.status?.currentReplicas ?? 0,
    desired: hpa.status?.desiredReplicas ?? 0,
    ...(target?.resource?.target?.averageUtilization !== undefined
      ? { targetCpu: target.resource.target.averageUtilization }
      : {}),
    ...(current?.resource?.current?.averageUtilization !== undefined
      ? { currentCpu: current.resource.current.averageUtilization }
      : {}),
    problems: (hpa.status?.conditions ?? [])
      .filter(c => c.status === 'False' && c.type !== 'ScalingLimited')
      .map(c => `${c.type}: ${c.reason ?? ''}${c.message ? ` (${c.message})` : ''}`)
  };
}

async function podView(client: KubeClient, namespace: string, pod: V1Pod): Promise<PodView> {
  const state = podState(pod);
  const main = pod.status?.containerStatuses?.find(c => c.name === GADGETRON_CONTAINER);
  const image =
    pod.spec?.containers.find(c => c.name === GADGETRON_CONTAINER)?.image ?? main?.image ?? '';
  const name = pod.metadata?.name ?? '';
  let reconstructions: number | undefined;
  if (main?.state?.running) {
    try {
      const log = await client.core.readNamespacedPodLog({
        name,
        namespace,
        container: GADGETRON_CONTAINER
      });
      reconstructions = reconstructionsInFlight(String(log ?? ''));
    } catch {
      reconstructions = undefined;
    }
  }
  return {
    name,
    state,
    ready: main?.ready === true && state.kind === 'ready',
    restarts: main?.restartCount ?? 0,
    node: pod.spec?.nodeName ?? '',
    image,
    ...(pod.status?.startTime ? { started: new Date(pod.status.startTime).toISOString() } : {}),
    ...(reconstructions !== undefined ? { reconstructions } : {})
  };
}

function poolViews(nodes: readonly V1Node[], pods: readonly PodView[]): PoolView[] {
  const pools = new Map<string, V1Node[]>();
  for (const node of nodes) {
    const pool = node.metadata?.labels?.[POOL_LABEL] ?? '(no pool label)';
    pools.set(pool, [...(pools.get(pool) ?? []), node]);
  }
  return [...pools.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, members]) => {
      const names = new Set(members.map(n => n.metadata?.name ?? ''));
      const sizes = new Set(
        members.map(n => n.metadata?.labels?.['node.kubernetes.io/instance-type'] ?? 'unknown')
      );
      return {
        name,
        vmSize: [...sizes].sort().join(', '),
        nodes: members.length,
        ready: members.filter(n =>
          n.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')
        ).length,
        gadgetronPods: pods.filter(p => names.has(p.node) && p.state.kind !== 'draining').length
      };
    });
}

async function trouble(
  client: KubeClient,
  namespace: string,
  pod: PodView,
  lines: number
): Promise<PodTrouble> {
  const [logs, events] = await Promise.all([
    client.core
      .readNamespacedPodLog({
        name: pod.name,
        namespace,
        container: GADGETRON_CONTAINER,
        tailLines: lines
      })
      .then(
        text =>
          String(text ?? '')
            .split('\n')
            .filter(Boolean),
        (error: unknown): Unreadable => ({ unreadable: describeApiError(error) })
      ),
    client.core
      .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${pod.name}` })
      .then(
        list =>
          list.items
            .sort((a, b) => eventTime(a) - eventTime(b))
            .slice(-10)
            .map(e => `${e.type}: ${e.reason}: ${e.message ?? ''}`),
        () => []
      )
  ]);
  return { pod: pod.name, state: pod.state, logs, events };
}

function eventTime(event: CoreV1Event): number {
  const time = event.lastTimestamp ?? event.eventTime ?? event.metadata.creationTimestamp;
  return time ? new Date(time).getTime() : 0;
}

async function readJumpserver(
  client: KubeClient,
  namespace: string,
  name: string,
  retry: RetryPolicy
): Promise<JumpserverView | Unreadable> {
  const names = jumpserverNames(name);
  let service: V1Service;
  let deployment: V1Deployment;
  try {
    [service, deployment] = await Promise.all([
      withRetry(
        `read Service ${namespace}/${names.service}`,
        () => client.core.readNamespacedService({ name: names.service, namespace }),
        retry
      ),
      withRetry(
        `read Deployment ${namespace}/${names.deployment}`,
        () => client.apps.readNamespacedDeployment({ name: names.deployment, namespace }),
        retry
      )
    ]);
  } catch (error) {
    return {
      unreadable: isNotFound(error)
        ? `no jump server ${name} in namespace ${namespace}`
        : describeApiError(error)
    };
  }
  const { host, port, how } = serviceEndpoint(service);
  const keys = (service.metadata?.annotations?.[HOST_KEYS_ANNOTATION] ?? '')
    .split('\n')
    .map(line => line.trim().split(/\s+/))
    .filter((parts): parts is [string, string] => parts.length >= 2);
  return {
    address: host ? `${host}:${port}` : '',
    how,
    image: deployment.spec?.template.spec?.containers[0]?.image ?? '',
    ready: (deployment.status?.readyReplicas ?? 0) >= 1,
    fingerprints: keys.map(([type, data]) => ({
      type,
      fingerprint: sha256Fingerprint(Buffer.from(data, 'base64'))
    })),
    knownHosts: host
      ? knownHostsLines(
          host,
          port,
          keys.map(k => k.join(' '))
        )
      : []
  };
}

/** Where clients reach the jump server's Service, by its type. */
function serviceEndpoint(service: V1Service): { host: string; port: number; how: string } {
  const ssh = service.spec?.ports?.find(p => p.name === 'ssh') ?? service.spec?.ports?.[0];
  const port = ssh?.port ?? 22;
  switch (service.spec?.type) {
    case 'LoadBalancer': {
      const host = externalAddress(service) ?? '';
      return { host, port, how: host ? 'load balancer' : 'load balancer (no address yet)' };
    }
    case 'NodePort':
      return { host: '', port: ssh?.nodePort ?? 0, how: `node port ${ssh?.nodePort ?? ''}` };
    default:
      return {
        host: service.spec?.clusterIP ?? '',
        port,
        how: 'cluster IP (inside the cluster only)'
      };
  }
}

/**
 * A stand-in for the cluster autoscaler: a pod the scheduler leaves Pending for lack of
 * resources makes the first pool whose node would take it grow by one node, after a delay (a
 * VM takes minutes to join on AKS). Like the real one, it reports `TriggeredScaleUp` on the pod,
 * or `NotTriggerScaleUp` when no pool could take it, and never grows a pool past its maximum.
 */
import * as k8s from '@kubernetes/client-node';
import { keepInformed, later } from './informer.ts';
import { allocatable, nodeOf, poolOf, type NodePool } from '../node-pools.ts';

interface Requests {
  cpuMilli: number;
  memoryBytes: number;
  gpus: number;
}

const UNITS: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  Ki: 1024,
  Mi: 1024 ** 2,
  Gi: 1024 ** 3,
  Ti: 1024 ** 4
};

export function quantity(value: string | undefined): number {
  if (!value) return 0;
  const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(value);
  const unit = match ? UNITS[match[2] as string] : undefined;
  if (!match || unit === undefined) throw new Error(`not a quantity: ${value}`);
  return Number(match[1]) * unit;
}

function requestsOf(pod: k8s.V1Pod): Requests {
  const sum = (containers: k8s.V1Container[] = []) =>
    containers.reduce(
      (total, c) => ({
        cpuMilli: total.cpuMilli + quantity(c.resources?.requests?.cpu) * 1000,
        memoryBytes: total.memoryBytes + quantity(c.resources?.requests?.memory),
        gpus: total.gpus + quantity(c.resources?.limits?.['nvidia.com/gpu'])
      }),
      { cpuMilli: 0, memoryBytes: 0, gpus: 0 }
    );
  const main = sum(pod.spec?.containers);
  // Init containers run one at a time before the others: the largest one counts.
  for (const init of pod.spec?.initContainers ?? []) {
    const one = sum([init]);
    main.cpuMilli = Math.max(main.cpuMilli, one.cpuMilli);
    main.memoryBytes = Math.max(main.memoryBytes, one.memoryBytes);
  }
  return main;
}

function tolerates(pod: k8s.V1Pod, taint: k8s.V1Taint): boolean {
  return (pod.spec?.tolerations ?? []).some(
    t =>
      (t.key === undefined || t.key === '' ? t.operator === 'Exists' : t.key === taint.key) &&
      (t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '')) &&
      (!t.effect || t.effect === taint.effect)
  );
}

function fits(pod: k8s.V1Pod, pool: NodePool, used: Requests): boolean {
  const template = nodeOf(pool, 0);
  const labels = template.metadata?.labels ?? {};
  const selector = pod.spec?.nodeSelector ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) return false;
  if (pool.taints.some(t => t.effect !== 'PreferNoSchedule' && !tolerates(pod, t))) return false;
  const room = allocatable(pool.vmSize);
  const want = requestsOf(pod);
  return (
    used.cpuMilli + want.cpuMilli <= quantity(room.cpu) * 1000 &&
    used.memoryBytes + want.memoryBytes <= quantity(room.memory) &&
    used.gpus + want.gpus <= pool.vmSize.gpus
  );
}

/** Unschedulable for want of room, not for a missing claim or a volume it cannot bind. */
function waitsForRoom(pod: k8s.V1Pod): boolean {
  if (pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return false;
  const scheduled = pod.status?.conditions?.find(c => c.type === 'PodScheduled');
  return (
    scheduled?.status === 'False' &&
    scheduled.reason === 'Unschedulable' &&
    !/persistentvolumeclaim|volume/i.test(scheduled.message ?? '')
  );
}

export function runAutoscaler(
  kc: k8s.KubeConfig,
  pools: readonly NodePool[],
  delayMs: number
): void {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const nodes = keepInformed<k8s.V1Node>(
    kc,
    '/api/v1/nodes',
    () => core.listNode(),
    () => {}
  );
  /** Nodes on their way, per pool, with what is already promised to each. */
  const coming = new Map<string, Requests[]>();
  /** Pods already answered, so each gets one event per scale-up. */
  const answered = new Map<string, string>();
  let created = 0;

  const event = (pod: k8s.V1Pod, reason: string, message: string, type = 'Normal') =>
    core
      .createNamespacedEvent({
        namespace: pod.metadata?.namespace ?? 'default',
        body: {
          metadata: { generateName: `${pod.metadata?.name}.` },
          involvedObject: {
            kind: 'Pod',
            apiVersion: 'v1',
            name: pod.metadata?.name,
            namespace: pod.metadata?.namespace,
            uid: pod.metadata?.uid
          },
          reason,
          message,
          type,
          source: { component: 'cluster-autoscaler' },
          firstTimestamp: new Date(),
          lastTimestamp: new Date(),
          count: 1
        }
      })
      .catch(() => {});

  const consider = (pod: k8s.V1Pod): void => {
    const uid = pod.metadata?.uid ?? '';
    if (!waitsForRoom(pod)) return;
    if (answered.has(uid)) return;
    // A node on its way with room left takes the pod.
    for (const pool of pools) {
      for (const promised of coming.get(pool.name) ?? []) {
        if (fits(pod, pool, promised)) {
          const want = requestsOf(pod);
          promised.cpuMilli += want.cpuMilli;
          promised.memoryBytes += want.memoryBytes;
          promised.gpus += want.gpus;
          answered.set(uid, pool.name);
          return;
        }
      }
    }
    const empty = { cpuMilli: 0, memoryBytes: 0, gpus: 0 };
    const pool = pools.find(p => {
      const size = nodes.list().filter(n => poolOf(n, pools) === p).length;
      return size + (coming.get(p.name)?.length ?? 0) < p.maxCount && fits(pod, p, empty);
    });
    answered.set(uid, pool?.name ?? '');
    if (!pool) {
      void event(
        pod,
        'NotTriggerScaleUp',
        "pod didn't trigger scale-up: no node group can take it"
      );
      return;
    }
    const size = nodes.list().filter(n => poolOf(n, pools) === pool).length;
    const promised = requestsOf(pod);
    const queue = coming.get(pool.name) ?? [];
    queue.push(promised);
    coming.set(pool.name, queue);
    const target = size + queue.length;
    void event(
      pod,
      'TriggeredScaleUp',
      `pod triggered scale-up: [{aks-${pool.name} ${target - 1}->${target} (max: ${pool.maxCount})}]`
    );
    later(delayMs, async () => {
      const taken = new Set(nodes.list().map(n => n.metadata?.name));
      let index = size + created;
      while (taken.has(nodeOf(pool, index).metadata?.name)) index++;
      created++;
      await core.createNode({ body: nodeOf(pool, index) });
      queue.splice(queue.indexOf(promised), 1);
      // Pods still waiting once the scheduler has seen the new node are looked at afresh.
      for (const [uid, name] of answered) if (name === pool.name) answered.delete(uid);
    });
  };

  const pods = keepInformed<k8s.V1Pod>(
    kc,
    '/api/v1/pods',
    () => core.listPodForAllNamespaces(),
    consider
  );
  // The scheduler does not rewrite a condition that did not change: look again now and then.
  setInterval(() => pods.list().forEach(consider), 2000).unref();
}

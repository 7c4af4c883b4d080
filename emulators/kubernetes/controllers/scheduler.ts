import { mustFind } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerContext } from './runtime.ts';
import { WorkQueue, nowIso } from './runtime.ts';

const POOL = 'aks-nodepool1-12345678-vmss';

/**
 * Binds pending pods to emulated nodes. Each node holds `nodeCapacityPods` pods; when a
 * pod does not fit, a cluster-autoscaler scale-up adds a node after `nodeScaleUpDelayMs`.
 */
export class Scheduler {
  readonly #ctx: ControllerContext;
  readonly #pods = mustFind('v1', 'Pod');
  readonly #nodes = mustFind('v1', 'Node');
  readonly #queue: WorkQueue;
  readonly #nodeNames: string[] = [];
  readonly #notified = new Set<string>();
  #scaleUpPending = false;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.timers, () => this.#schedule());
  }

  start(): void {
    this.#addNode();
    this.#ctx.store.subscribe(event => {
      if (event.resource !== this.#pods) return;
      if (event.type === 'DELETED') this.#notified.delete(String(event.object.metadata.uid));
      if (event.type !== 'MODIFIED' || !event.object.spec?.nodeName) this.#queue.add('schedule');
    });
  }

  #addNode(): void {
    const index = this.#nodeNames.length + 1;
    const name = `${POOL}00000${index - 1}`;
    this.#nodeNames.push(name);
    const capacity = Number.isFinite(this.#ctx.settings.nodeCapacityPods)
      ? String(this.#ctx.settings.nodeCapacityPods)
      : '110';
    const now = nowIso();
    this.#ctx.ops.create(
      this.#nodes,
      undefined,
      {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: {
          name,
          labels: {
            'kubernetes.io/hostname': name,
            'kubernetes.io/os': 'linux',
            'kubernetes.azure.com/agentpool': 'nodepool1'
          }
        },
        spec: { providerID: `emulator://${name}` }
      },
      { manager: 'kubelet' }
    );
    const node = this.#ctx.store.get(this.#nodes, undefined, name);
    if (node) {
      node.status = {
        capacity: { pods: capacity, cpu: '4', memory: '16Gi' },
        allocatable: { pods: capacity, cpu: '3860m', memory: '13Gi' },
        conditions: [
          {
            type: 'Ready',
            status: 'True',
            reason: 'KubeletReady',
            message: 'kubelet is posting ready status',
            lastHeartbeatTime: now,
            lastTransitionTime: now
          }
        ],
        addresses: [
          { type: 'InternalIP', address: `10.224.0.${index + 3}` },
          { type: 'Hostname', address: name }
        ],
        nodeInfo: {
          kubeletVersion: 'v1.32.0',
          operatingSystem: 'linux',
          architecture: 'amd64',
          containerRuntimeVersion: 'containerd://1.7.0'
        }
      };
      this.#ctx.store.update(this.#nodes, node);
    }
  }

  nodeAddress(nodeName: string): string {
    const index = this.#nodeNames.indexOf(nodeName);
    return `10.224.0.${index + 4}`;
  }

  #schedule(): void {
    const pods = this.#ctx.store.list(this.#pods);
    const perNode = new Map<string, number>(this.#nodeNames.map(n => [n, 0]));
    for (const p of pods) {
      const node = p.spec?.nodeName as string | undefined;
      if (node) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    }
    const pending = pods
      .filter(p => !p.spec?.nodeName && !p.metadata.deletionTimestamp)
      .sort((a, b) =>
        String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp))
      );
    const capacity = this.#ctx.settings.nodeCapacityPods;
    const unschedulable: KubeObject[] = [];
    for (const pod of pending) {
      const node = this.#nodeNames.find(n => (perNode.get(n) ?? 0) < capacity);
      if (!node) {
        unschedulable.push(pod);
        continue;
      }
      perNode.set(node, (perNode.get(node) ?? 0) + 1);
      this.#bind(pod, node);
    }
    if (unschedulable.length > 0) this.#reportUnschedulable(unschedulable);
  }

  #bind(pod: KubeObject, node: string): void {
    pod.spec.nodeName = node;
    const now = nowIso();
    pod.status = {
      ...pod.status,
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now }
      ],
      qosClass: pod.status?.qosClass ?? 'BestEffort'
    };
    const stored = this.#ctx.store.update(this.#pods, pod);
    this.#ctx.events.record(
      stored,
      'Normal',
      'Scheduled',
      `Successfully assigned ${String(pod.metadata.namespace)}/${String(pod.metadata.name)} to ${node}`,
      'default-scheduler'
    );
  }

  #reportUnschedulable(pods: KubeObject[]): void {
    const n = this.#nodeNames.length;
    const message = `0/${n} nodes are available: ${n} Too many pods. preemption: 0/${n} nodes are available: ${n} No preemption victims found for incoming pod.`;
    for (const pod of pods) {
      const uid = String(pod.metadata.uid);
      if (this.#notified.has(uid)) continue;
      this.#notified.add(uid);
      pod.status = {
        ...pod.status,
        phase: 'Pending',
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message,
            lastProbeTime: null,
            lastTransitionTime: nowIso()
          }
        ]
      };
      const stored = this.#ctx.store.update(this.#pods, pod);
      this.#ctx.events.record(stored, 'Warning', 'FailedScheduling', message, 'default-scheduler');
      this.#ctx.events.record(
        stored,
        'Normal',
        'TriggeredScaleUp',
        `pod triggered scale-up: [{${POOL} ${n}->${n + 1} (max: 100)}]`,
        'cluster-autoscaler'
      );
    }
    if (this.#scaleUpPending) return;
    this.#scaleUpPending = true;
    this.#ctx.timers.after(this.#ctx.settings.nodeScaleUpDelayMs, () => {
      this.#scaleUpPending = false;
      this.#addNode();
      const name = this.#nodeNames[this.#nodeNames.length - 1] ?? '';
      this.#ctx.timeline('node-added', '', name);
      for (const pod of pods) this.#notified.delete(String(pod.metadata.uid));
      this.#queue.add('schedule');
    });
  }
}

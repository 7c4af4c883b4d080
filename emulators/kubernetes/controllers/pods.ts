import { mustFind } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { scaledMs } from '../types.ts';
import type { ControllerContext } from './runtime.ts';
import { WorkQueue, keyOf, nowIso, splitKey } from './runtime.ts';

interface PodState {
  uid: string;
  ticks: number;
  pullAttempts: Map<string, number>;
  crashes: Map<string, number>;
  started: Set<string>;
  cancelTick: () => void;
  terminating: boolean;
  cancelGrace: () => void;
  stopIdleWatch: () => void;
  deleteDetail?: string;
}

const KUBELET = 'kubelet';

function isReady(pod: KubeObject | undefined): boolean {
  return (pod?.status?.conditions ?? []).some(
    (c: KubeObject) => c.type === 'Ready' && c.status === 'True'
  );
}

function setCondition(
  pod: KubeObject,
  type: string,
  status: boolean,
  reason?: string,
  message?: string
) {
  const conditions = (pod.status.conditions ??= []) as KubeObject[];
  const value = status ? 'True' : 'False';
  const index = conditions.findIndex(c => c.type === type);
  const existing = conditions[index];
  const next: KubeObject = {
    type,
    status: value,
    lastProbeTime: null,
    lastTransitionTime: existing?.status === value ? existing.lastTransitionTime : nowIso()
  };
  if (reason) next.reason = reason;
  if (message) next.message = message;
  if (index >= 0) conditions[index] = next;
  else conditions.push(next);
}

/**
 * The kubelet side of pods: image pulls, container starts, crash loops, readiness and
 * graceful termination that waits for open :9002 connections (the preStop hook).
 */
export class Kubelet {
  readonly #ctx: ControllerContext;
  readonly #pods = mustFind('v1', 'Pod');
  readonly #states = new Map<string, PodState>();
  readonly #queue: WorkQueue;
  readonly #nodeAddress: (node: string) => string;

  constructor(ctx: ControllerContext, nodeAddress: (node: string) => string) {
    this.#ctx = ctx;
    this.#nodeAddress = nodeAddress;
    this.#queue = new WorkQueue(ctx.timers, key => this.#reconcile(key));
  }

  start(): void {
    this.#ctx.store.subscribe(event => {
      if (event.resource !== this.#pods) return;
      const { namespace, name, uid } = event.object.metadata;
      if (event.type === 'ADDED') this.#ctx.timeline('pod-created', namespace, name);
      if (event.type === 'DELETED') {
        this.#onDeleted(event.object);
        return;
      }
      const state = this.#states.get(uid);
      if (
        event.object.spec?.nodeName &&
        (!state || (event.object.metadata.deletionTimestamp && !state.terminating))
      ) {
        this.#queue.add(keyOf(namespace, name));
      }
    });
  }

  #onDeleted(pod: KubeObject): void {
    const { namespace, name, uid } = pod.metadata;
    const state = this.#states.get(uid);
    this.#states.delete(uid);
    state?.cancelTick();
    state?.cancelGrace();
    state?.stopIdleWatch();
    if (isReady(pod)) this.#ctx.timeline('pod-not-ready', namespace, name);
    let detail = state?.deleteDetail ?? 'forced';
    if (this.#ctx.connections.cut(namespace, name) > 0) detail = 'connections-cut';
    this.#ctx.timeline('pod-deleted', namespace, name, detail);
  }

  #reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const pod = this.#ctx.store.get(this.#pods, namespace, name);
    if (!pod?.spec?.nodeName) return;
    let state = this.#states.get(pod.metadata.uid);
    if (!state) {
      state = {
        uid: pod.metadata.uid,
        ticks: 0,
        pullAttempts: new Map(),
        crashes: new Map(),
        started: new Set(),
        cancelTick: () => {},
        terminating: false,
        cancelGrace: () => {},
        stopIdleWatch: () => {}
      };
      this.#states.set(pod.metadata.uid, state);
      if (!pod.metadata.deletionTimestamp) {
        this.#beginStart(pod, state);
        return;
      }
    }
    if (pod.metadata.deletionTimestamp && !state.terminating) this.#beginTermination(pod, state);
  }

  #beginStart(pod: KubeObject, state: PodState): void {
    const now = nowIso();
    pod.status = {
      ...pod.status,
      phase: 'Pending',
      hostIP: this.#nodeAddress(pod.spec.nodeName),
      hostIPs: [{ ip: this.#nodeAddress(pod.spec.nodeName) }],
      podIP: this.#ctx.addresses.podIp(),
      startTime: now
    };
    pod.status.podIPs = [{ ip: pod.status.podIP }];
    setCondition(pod, 'PodReadyToStartContainers', true);
    setCondition(pod, 'Initialized', true);
    setCondition(pod, 'Ready', false, 'ContainersNotReady', this.#notReadyMessage(pod));
    setCondition(pod, 'ContainersReady', false, 'ContainersNotReady', this.#notReadyMessage(pod));
    setCondition(pod, 'PodScheduled', true);
    pod.status.containerStatuses = (pod.spec.containers as KubeObject[]).map(c => ({
      name: c.name,
      image: c.image,
      imageID: '',
      ready: false,
      started: false,
      restartCount: 0,
      state: { waiting: { reason: 'ContainerCreating' } },
      lastState: {}
    }));
    const stored = this.#ctx.store.update(this.#pods, pod);
    for (const c of pod.spec.containers as KubeObject[]) {
      this.#event(stored, 'Normal', 'Pulling', `Pulling image "${String(c.image)}"`, c.name);
    }
    const anyMissing = (pod.spec.containers as KubeObject[]).some(c =>
      this.#ctx.images.isMissing(c.image)
    );
    const delay = this.#ctx.settings.podReadyDelayMs;
    state.cancelTick = this.#ctx.timers.after(anyMissing ? delay / 2 : delay, () =>
      this.#tick(pod.metadata.namespace, pod.metadata.name, state)
    );
  }

  #notReadyMessage(pod: KubeObject): string {
    const names = (pod.spec.containers as KubeObject[]).map(c => String(c.name));
    return `containers with unready status: [${names.join(' ')}]`;
  }

  #event(
    pod: KubeObject,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
    container?: string
  ) {
    this.#ctx.events.record(
      pod,
      type,
      reason,
      message,
      KUBELET,
      container ? `spec.containers{${container}}` : undefined
    );
  }

  #tick(namespace: string, name: string, state: PodState): void {
    const pod = this.#ctx.store.get(this.#pods, namespace, name);
    if (
      !pod ||
      pod.metadata.uid !== state.uid ||
      pod.metadata.deletionTimestamp ||
      state.terminating
    )
      return;
    state.ticks++;
    const wasReady = isReady(pod);
    const podRef = `${name}_${namespace}(${state.uid})`;
    const now = nowIso();
    let waitingForPull = false;
    let crashing = false;
    const statuses = (pod.spec.containers as KubeObject[]).map((c): KubeObject => {
      const image = String(c.image);
      const previous =
        ((pod.status.containerStatuses ?? []) as KubeObject[]).find(s => s.name === c.name) ?? {};
      const base: KubeObject = {
        name: c.name,
        image,
        imageID: '',
        ready: false,
        started: false,
        restartCount: previous.restartCount ?? 0,
        lastState: previous.lastState ?? {}
      };
      if (this.#ctx.images.isMissing(image) && !state.started.has(c.name)) {
        waitingForPull = true;
        const attempts = (state.pullAttempts.get(c.name) ?? 0) + 1;
        state.pullAttempts.set(c.name, attempts);
        if (attempts % 2 === 1) {
          const detail = `rpc error: code = NotFound desc = failed to pull and unpack image "${image}": failed to resolve reference "${image}": ${image}: not found`;
          this.#event(
            pod,
            'Warning',
            'Failed',
            `Failed to pull image "${image}": ${detail}`,
            c.name
          );
          this.#event(pod, 'Warning', 'Failed', 'Error: ErrImagePull', c.name);
          return { ...base, state: { waiting: { reason: 'ErrImagePull', message: detail } } };
        }
        this.#event(pod, 'Normal', 'BackOff', `Back-off pulling image "${image}"`, c.name);
        this.#event(pod, 'Warning', 'Failed', 'Error: ImagePullBackOff', c.name);
        return {
          ...base,
          state: {
            waiting: { reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}"` }
          }
        };
      }
      const containerId = `containerd://${state.uid.replace(/-/g, '')}${c.name}`;
      const imageId = `${image.split(':')[0]}@sha256:${'0'.repeat(64)}`;
      if (!state.started.has(c.name)) {
        state.started.add(c.name);
        this.#event(
          pod,
          'Normal',
          'Pulled',
          `Successfully pulled image "${image}" in 1.2s (1.2s including waiting). Image size: 123456789 bytes.`,
          c.name
        );
        this.#event(pod, 'Normal', 'Created', `Created container: ${String(c.name)}`, c.name);
        this.#event(pod, 'Normal', 'Started', `Started container ${String(c.name)}`, c.name);
      }
      if (this.#ctx.images.isCrashing(image)) {
        crashing = true;
        const crashes = (state.crashes.get(c.name) ?? 0) + 1;
        state.crashes.set(c.name, crashes);
        const backoff = Math.min(10 * 2 ** (crashes - 1), 300);
        this.#event(
          pod,
          'Warning',
          'BackOff',
          `Back-off restarting failed container ${String(c.name)} in pod ${podRef}`,
          c.name
        );
        return {
          ...base,
          imageID: imageId,
          containerID: containerId,
          restartCount: crashes,
          state: {
            waiting: {
              reason: 'CrashLoopBackOff',
              message: `back-off ${backoff}s restarting failed container=${String(c.name)} pod=${podRef}`
            }
          },
          lastState: {
            terminated: {
              exitCode: 1,
              reason: 'Error',
              startedAt: now,
              finishedAt: now,
              containerID: containerId
            }
          }
        };
      }
      return {
        ...base,
        imageID: imageId,
        containerID: containerId,
        ready: true,
        started: true,
        state: { running: { startedAt: now } }
      };
    });
    const ready = statuses.every(s => s.ready === true);
    const anyStarted = statuses.some(s => s.containerID !== undefined);
    pod.status.containerStatuses = statuses;
    pod.status.phase = anyStarted ? 'Running' : 'Pending';
    const notReady = statuses.filter(s => !s.ready).map(s => String(s.name));
    const message = `containers with unready status: [${notReady.join(' ')}]`;
    setCondition(
      pod,
      'Ready',
      ready,
      ready ? undefined : 'ContainersNotReady',
      ready ? undefined : message
    );
    setCondition(
      pod,
      'ContainersReady',
      ready,
      ready ? undefined : 'ContainersNotReady',
      ready ? undefined : message
    );
    this.#ctx.store.update(this.#pods, pod);
    if (ready && !wasReady) this.#ctx.timeline('pod-ready', namespace, name);
    if (!ready && wasReady) this.#ctx.timeline('pod-not-ready', namespace, name);
    if (ready) return;
    const delay = this.#ctx.settings.podReadyDelayMs;
    const next = waitingForPull ? delay / 2 : crashing ? delay : delay;
    state.cancelTick = this.#ctx.timers.after(Math.max(next, 5), () =>
      this.#tick(namespace, name, state)
    );
  }

  #beginTermination(pod: KubeObject, state: PodState): void {
    state.terminating = true;
    state.cancelTick();
    const { namespace, name } = pod.metadata;
    const wasReady = isReady(pod);
    if (pod.status) {
      setCondition(pod, 'Ready', false, 'ContainersNotReady', this.#notReadyMessage(pod));
      setCondition(pod, 'ContainersReady', false, 'ContainersNotReady', this.#notReadyMessage(pod));
      for (const s of (pod.status.containerStatuses ?? []) as KubeObject[]) s.ready = false;
      this.#ctx.store.update(this.#pods, pod);
    }
    if (wasReady) this.#ctx.timeline('pod-not-ready', namespace, name);
    this.#ctx.timeline('pod-terminating', namespace, name);
    for (const c of pod.spec.containers as KubeObject[]) {
      this.#event(pod, 'Normal', 'Killing', `Stopping container ${String(c.name)}`, c.name);
    }
    const finish = (detail: string): void => {
      if (state.deleteDetail) return;
      state.deleteDetail = detail;
      state.cancelGrace();
      state.stopIdleWatch();
      this.#ctx.store.remove(this.#pods, namespace, name);
    };
    if (this.#ctx.connections.count(namespace, name) === 0) {
      state.cancelGrace = this.#ctx.timers.after(0, () => finish('graceful'));
      return;
    }
    state.stopIdleWatch = this.#ctx.connections.onIdle((ns, podName) => {
      if (ns === namespace && podName === name) this.#ctx.timers.after(0, () => finish('graceful'));
    });
    const graceMs = scaledMs(
      this.#ctx.settings,
      Number(pod.metadata.deletionGracePeriodSeconds ?? 30)
    );
    state.cancelGrace = this.#ctx.timers.after(graceMs, () => {
      this.#ctx.connections.cut(namespace, name);
      finish('connections-cut');
    });
  }
}

import { deepEqual } from '../fieldpaths.ts';
import { mustFind } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import { isActivePod, isPodReady } from './pod-status.ts';
import type { ControllerContext } from './runtime.ts';
import { WorkQueue, keyOf, splitKey } from './runtime.ts';

function selects(selector: Record<string, string> | undefined, pod: KubeObject): boolean {
  if (!selector || Object.keys(selector).length === 0) return false;
  const labels = (pod.metadata.labels ?? {}) as Record<string, string>;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

function resolveTargetPort(port: KubeObject, pod: KubeObject | undefined): number {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  for (const c of (pod?.spec?.containers ?? []) as KubeObject[]) {
    const named = ((c.ports ?? []) as KubeObject[]).find(p => p.name === target);
    if (named) return Number(named.containerPort);
  }
  return Number(port.port);
}

/** Assigns load balancer addresses and keeps Endpoints in step with ready pods. */
export class ServiceController {
  readonly #ctx: ControllerContext;
  readonly #services = mustFind('v1', 'Service');
  readonly #endpoints = mustFind('v1', 'Endpoints');
  readonly #pods = mustFind('v1', 'Pod');
  readonly #queue: WorkQueue;
  readonly #lbPending = new Set<string>();

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.timers, key => this.#reconcile(key));
  }

  start(): void {
    this.#ctx.store.subscribe(event => {
      const md = event.object.metadata;
      if (event.resource === this.#services) {
        if (event.type === 'DELETED') {
          this.#ctx.store.remove(this.#endpoints, md.namespace, md.name);
          this.#lbPending.delete(md.uid);
        } else {
          this.#queue.add(keyOf(md.namespace, md.name));
        }
      } else if (event.resource === this.#pods) {
        for (const svc of this.#ctx.store.list(this.#services, md.namespace)) {
          if (
            selects(svc.spec?.selector, event.object) ||
            (event.previous && selects(svc.spec?.selector, event.previous))
          ) {
            this.#queue.add(keyOf(md.namespace, svc.metadata.name));
          }
        }
      }
    });
  }

  #reconcile(key: string): void {
    const [namespace, name] = splitKey(key);
    const svc = this.#ctx.store.get(this.#services, namespace, name);
    if (!svc) return;
    this.#syncLoadBalancer(svc);
    if (svc.spec?.selector) this.#syncEndpoints(svc);
  }

  #syncLoadBalancer(svc: KubeObject): void {
    const uid = String(svc.metadata.uid);
    if (
      svc.spec.type !== 'LoadBalancer' ||
      (svc.status?.loadBalancer?.ingress ?? []).length > 0 ||
      this.#lbPending.has(uid)
    ) {
      return;
    }
    this.#lbPending.add(uid);
    this.#ctx.timers.after(this.#ctx.settings.loadBalancerDelayMs, () => {
      this.#lbPending.delete(uid);
      const current = this.#ctx.store.get(
        this.#services,
        svc.metadata.namespace,
        svc.metadata.name
      );
      if (!current || current.metadata.uid !== uid || current.spec.type !== 'LoadBalancer') return;
      const ip = current.spec.loadBalancerIP || this.#ctx.addresses.loadBalancerIp();
      current.status = { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } };
      this.#ctx.store.update(this.#services, current);
      this.#ctx.events.record(
        current,
        'Normal',
        'EnsuredLoadBalancer',
        'Ensured load balancer',
        'service-controller'
      );
      this.#ctx.timeline('lb-assigned', current.metadata.namespace, current.metadata.name, ip);
    });
  }

  #syncEndpoints(svc: KubeObject): void {
    const { namespace, name } = svc.metadata;
    const pods = this.#ctx.store
      .list(this.#pods, namespace)
      .filter(p => selects(svc.spec.selector, p) && p.status?.podIP && isActivePod(p));
    const address = (p: KubeObject) => ({
      ip: p.status.podIP,
      nodeName: p.spec.nodeName,
      targetRef: { kind: 'Pod', namespace, name: p.metadata.name, uid: p.metadata.uid }
    });
    const ready = pods.filter(isPodReady).map(address);
    const notReady = pods.filter(p => !isPodReady(p)).map(address);
    const ports = ((svc.spec.ports ?? []) as KubeObject[]).map(port => {
      const out: KubeObject = {
        port: resolveTargetPort(port, pods[0]),
        protocol: port.protocol ?? 'TCP'
      };
      if (port.name) out.name = port.name;
      return out;
    });
    const subsets: KubeObject[] = [];
    if (pods.length > 0) {
      const subset: KubeObject = { ports };
      if (ready.length) subset.addresses = ready;
      if (notReady.length) subset.notReadyAddresses = notReady;
      subsets.push(subset);
    }
    const existing = this.#ctx.store.get(this.#endpoints, namespace, name);
    if (existing) {
      if (deepEqual(existing.subsets ?? [], subsets)) return;
      existing.subsets = subsets;
      if (subsets.length === 0) delete existing.subsets;
      this.#ctx.store.update(this.#endpoints, existing);
      return;
    }
    const endpoints: KubeObject = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name, namespace, labels: svc.metadata.labels ?? {} }
    };
    if (subsets.length) endpoints.subsets = subsets;
    this.#ctx.ops.create(this.#endpoints, namespace, endpoints, { manager: 'endpoint-controller' });
  }
}

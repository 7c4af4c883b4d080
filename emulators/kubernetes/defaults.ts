import type { Addresses } from './ipam.ts';
import type { ResourceType } from './resources.ts';
import type { KubeObject } from './types.ts';

export interface DefaultingContext {
  addresses: Addresses;
  defaultStorageClass: string;
}

function imagePullPolicy(image: string): string {
  const lastPart = image.split('/').pop() ?? '';
  if (image.includes('@')) return 'IfNotPresent';
  const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: KubeObject): void {
  if (typeof c.image === 'string') c.imagePullPolicy ??= imagePullPolicy(c.image);
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  for (const p of (c.ports ?? []) as KubeObject[]) p.protocol ??= 'TCP';
  c.resources ??= {};
}

export function defaultPodSpec(spec: KubeObject | undefined): void {
  if (!spec) return;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  for (const c of (spec.containers ?? []) as KubeObject[]) defaultContainer(c);
  for (const c of (spec.initContainers ?? []) as KubeObject[]) defaultContainer(c);
}

function defaultDeployment(obj: KubeObject): void {
  const spec = (obj.spec ??= {});
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  const strategy = (spec.strategy ??= {});
  strategy.type ??= 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = (strategy.rollingUpdate ??= {});
    ru.maxSurge ??= '25%';
    ru.maxUnavailable ??= '25%';
  }
  defaultPodSpec(spec.template?.spec);
}

function defaultService(obj: KubeObject, previous: KubeObject | undefined, ctx: DefaultingContext) {
  const spec = (obj.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.type === 'ExternalName') return;
  for (const p of (spec.ports ?? []) as KubeObject[]) {
    p.protocol ??= 'TCP';
    p.targetPort ??= p.port;
  }
  // Updates that omit allocated values keep them, as the real API server does.
  if (previous?.spec?.clusterIP && spec.clusterIP === undefined) {
    spec.clusterIP = previous.spec.clusterIP;
  }
  if (spec.clusterIP === undefined || spec.clusterIP === '')
    spec.clusterIP = ctx.addresses.clusterIp();
  spec.clusterIPs = [spec.clusterIP];
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') {
    spec.externalTrafficPolicy ??= 'Cluster';
    if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
    const oldPorts = (previous?.spec?.ports ?? []) as KubeObject[];
    for (const p of (spec.ports ?? []) as KubeObject[]) {
      if (p.nodePort === undefined) {
        const old = oldPorts.find(o => o.port === p.port && o.protocol === p.protocol);
        p.nodePort = old?.nodePort ?? ctx.addresses.nodePort();
      } else {
        ctx.addresses.reserveNodePort(p.nodePort);
      }
    }
  }
}

function defaultSecret(obj: KubeObject): void {
  obj.type ??= 'Opaque';
  if (obj.stringData) {
    obj.data ??= {};
    for (const [k, v] of Object.entries(obj.stringData as Record<string, string>)) {
      obj.data[k] = Buffer.from(String(v)).toString('base64');
    }
    delete obj.stringData;
  }
}

/** Fills in the defaults the API server sets. `previous` is the stored object on updates. */
export function applyDefaults(
  resource: ResourceType,
  obj: KubeObject,
  previous: KubeObject | undefined,
  ctx: DefaultingContext
): void {
  switch (resource.kind) {
    case 'Deployment':
      defaultDeployment(obj);
      break;
    case 'ReplicaSet':
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      defaultPodSpec(obj.spec.template?.spec);
      break;
    case 'Pod':
      defaultPodSpec(obj.spec);
      if (obj.spec) {
        obj.spec.serviceAccountName ??= 'default';
        obj.spec.enableServiceLinks ??= true;
      }
      break;
    case 'Service':
      defaultService(obj, previous, ctx);
      break;
    case 'Secret':
      defaultSecret(obj);
      break;
    case 'PersistentVolumeClaim':
      obj.spec ??= {};
      obj.spec.volumeMode ??= 'Filesystem';
      if (!previous && obj.spec.storageClassName === undefined && ctx.defaultStorageClass) {
        obj.spec.storageClassName = ctx.defaultStorageClass;
      }
      break;
    case 'PersistentVolume':
      obj.spec ??= {};
      obj.spec.persistentVolumeReclaimPolicy ??= 'Retain';
      obj.spec.volumeMode ??= 'Filesystem';
      break;
    case 'Namespace':
      obj.spec ??= {};
      obj.spec.finalizers ??= ['kubernetes'];
      obj.metadata.labels = {
        ...obj.metadata.labels,
        'kubernetes.io/metadata.name': obj.metadata.name
      };
      obj.status ??= { phase: 'Active' };
      break;
    case 'HorizontalPodAutoscaler':
      obj.spec ??= {};
      obj.spec.minReplicas ??= 1;
      break;
    case 'StorageClass':
      obj.reclaimPolicy ??= 'Delete';
      obj.volumeBindingMode ??= 'Immediate';
      break;
    case 'ServiceAccount':
      break;
  }
}

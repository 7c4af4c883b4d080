import { mkdtempSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createServer } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connections } from './connections.ts';
import { AutoscalingController } from './controllers/autoscaling.ts';
import { DeploymentController } from './controllers/deployment.ts';
import { EventRecorder } from './controllers/events.ts';
import { GarbageCollector } from './controllers/garbage.ts';
import { NamespaceController } from './controllers/namespaces.ts';
import { Kubelet } from './controllers/pods.ts';
import { ReplicaSetController } from './controllers/replicaset.ts';
import type { ControllerContext } from './controllers/runtime.ts';
import { Timers } from './controllers/runtime.ts';
import { Scheduler } from './controllers/scheduler.ts';
import { ServiceController } from './controllers/services.ts';
import { VolumeController } from './controllers/volumes.ts';
import { FaultInjector } from './faults.ts';
import { Images } from './images.ts';
import { Addresses } from './ipam.ts';
import { kubeconfigYaml, selfSignedCertificate, writeKubeconfig } from './kubeconfig.ts';
import { Operations } from './operations.ts';
import { findByKind, mustFind } from './resources.ts';
import { createHandler } from './server.ts';
import { Store } from './store.ts';
import type {
  KubeObject,
  KubernetesEmulatorOptions,
  RequestRecord,
  Settings,
  TimelineEvent
} from './types.ts';

export type {
  Fault,
  KubeObject,
  KubernetesEmulatorOptions,
  RequestMatch,
  RequestRecord,
  TimelineEvent,
  TimelineType,
  Verb
} from './types.ts';
export type { FaultInjector } from './faults.ts';

export interface KubernetesEmulator {
  url: string;
  kubeconfigPath: string;
  requests: RequestRecord[];
  faults: FaultInjector;
  connections: {
    open(namespace: string, podName: string): { close(): void };
    count(namespace: string, podName: string): number;
  };
  timeline: TimelineEvent[];
  setImageMissing(image: string, missing: boolean): void;
  setImageCrashing(image: string, crashing: boolean): void;
  /** Stored objects for assertions (free-form JSON, so fields read as `any`). */
  getObject(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string
  ): KubeObject | undefined;
  listObjects(apiVersion: string, kind: string, namespace?: string): KubeObject[];
  /** Kubeconfig contents (same as the file at kubeconfigPath). */
  kubeconfig: string;
  close(): Promise<void>;
}

const TOKEN = 'emulator-token';

function settingsFrom(options: KubernetesEmulatorOptions): Settings {
  return {
    podReadyDelayMs: options.podReadyDelayMs ?? 150,
    loadBalancerDelayMs: options.loadBalancerDelayMs ?? 150,
    timeScale: options.timeScale ?? 0.001,
    nodeCapacityPods: options.nodeCapacityPods ?? Infinity,
    nodeScaleUpDelayMs: options.nodeScaleUpDelayMs ?? 500,
    defaultStorageClass: options.defaultStorageClass ?? 'default',
    watchHistorySize: options.watchHistorySize ?? 1000
  };
}

function seed(ops: Operations, settings: Settings): void {
  const namespaces = mustFind('v1', 'Namespace');
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    ops.create(
      namespaces,
      undefined,
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      { manager: 'kube-apiserver' }
    );
  }
  if (settings.defaultStorageClass) {
    ops.create(
      mustFind('storage.k8s.io/v1', 'StorageClass'),
      undefined,
      {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: settings.defaultStorageClass,
          annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' }
        },
        provisioner: 'disk.csi.azure.com',
        parameters: { skuname: 'StandardSSD_LRS' },
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
        allowVolumeExpansion: true
      },
      { manager: 'addon-manager' }
    );
  }
}

export async function startKubernetesEmulator(
  options: KubernetesEmulatorOptions = {}
): Promise<KubernetesEmulator> {
  const settings = settingsFrom(options);
  const store = new Store(settings.watchHistorySize);
  const addresses = new Addresses();
  const ops = new Operations(store, {
    addresses,
    defaultStorageClass: settings.defaultStorageClass
  });
  const timers = new Timers();
  const timeline: TimelineEvent[] = [];
  const connections = new Connections();
  const images = new Images(options.missingImages, options.crashingImages);
  const ctx: ControllerContext = {
    store,
    ops,
    settings,
    timers,
    events: new EventRecorder(store),
    addresses,
    connections,
    images,
    timeline: (type, namespace, name, detail) => {
      const event: TimelineEvent = { at: performance.now(), type, namespace, name };
      if (detail !== undefined) event.detail = detail;
      timeline.push(event);
    }
  };
  const scheduler = new Scheduler(ctx);
  const controllers = [
    new NamespaceController(ctx),
    new GarbageCollector(ctx),
    scheduler,
    new Kubelet(ctx, node => scheduler.nodeAddress(node)),
    new ReplicaSetController(ctx),
    new DeploymentController(ctx),
    new ServiceController(ctx),
    new VolumeController(ctx),
    new AutoscalingController(ctx)
  ];
  for (const c of controllers) c.start();
  seed(ops, settings);

  const dir = mkdtempSync(join(tmpdir(), 'k8s-emulator-'));
  const watches = new Set<() => void>();
  const requests: RequestRecord[] = [];
  const faults = new FaultInjector();
  let url = '';
  const handler = createHandler({
    store,
    operations: ops,
    faults,
    requests,
    token: TOKEN,
    serverAddress: () => new URL(url).host,
    trackWatch: end => {
      watches.add(end);
      return () => watches.delete(end);
    },
    bookmarkIntervalMs: 1000
  });
  const listener = (req: Parameters<typeof handler>[0], res: Parameters<typeof handler>[1]) => {
    void handler(req, res);
  };
  let caPem: string | undefined;
  let server: Server;
  if (options.tls) {
    const { key, cert } = selfSignedCertificate(dir);
    caPem = cert;
    server = createTlsServer({ key, cert }, listener);
  } else {
    server = createServer(listener);
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const kubeconfig = kubeconfigYaml(url, TOKEN, caPem);
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, kubeconfig);

  const find = (apiVersion: string, kind: string) => {
    const resource = findByKind(apiVersion, kind);
    if (!resource) throw new Error(`the emulator does not serve ${apiVersion} ${kind}`);
    return resource;
  };

  return {
    url,
    kubeconfigPath,
    kubeconfig,
    requests,
    faults,
    connections: {
      open: (namespace, podName) => connections.open(namespace, podName),
      count: (namespace, podName) => connections.count(namespace, podName)
    },
    timeline,
    setImageMissing: (image, missing) => images.setMissing(image, missing),
    setImageCrashing: (image, crashing) => images.setCrashing(image, crashing),
    getObject: (apiVersion, kind, namespace, name): KubeObject | undefined =>
      store.get(find(apiVersion, kind), namespace, name),
    listObjects: (apiVersion, kind, namespace) => store.list(find(apiVersion, kind), namespace),
    close: async () => {
      timers.close();
      for (const end of [...watches]) end();
      await new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await rm(dir, { recursive: true, force: true });
    }
  };
}

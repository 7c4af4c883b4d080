/**
 * What a new AKS cluster has before anyone deploys to it: its node pools, its storage classes
 * (the default one binds when a pod is scheduled, like AKS's managed-csi), and the default
 * service account that pods are admitted with.
 */
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_POOLS, nodeOf } from '../../emulators/kubernetes/node-pools.ts';
import { binaryPath, KWOK_LOGS_CRD } from './build.ts';
import { dirname, join } from 'node:path';

interface Component {
  readonly name: string;
  readonly exited: Promise<number | null>;
}

const STORAGE_CLASSES: k8s.V1StorageClass[] = [
  {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: {
      name: 'default',
      annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' }
    },
    provisioner: 'disk.csi.azure.com',
    parameters: { skuname: 'StandardSSD_LRS' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'WaitForFirstConsumer',
    allowVolumeExpansion: true
  },
  {
    apiVersion: 'storage.k8s.io/v1',
    kind: 'StorageClass',
    metadata: { name: 'azurefile-csi' },
    provisioner: 'file.csi.azure.com',
    parameters: { skuName: 'Standard_LRS' },
    reclaimPolicy: 'Delete',
    volumeBindingMode: 'Immediate',
    allowVolumeExpansion: true,
    mountOptions: ['mfsymlinks', 'actimeo=30', 'nosharesock']
  }
];

async function createIfMissing(call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (error) {
    if ((error as { code?: number }).code !== 409) throw error;
  }
}

/**
 * kwok's Logs type, before kwok starts watching it: a Logs object names a pod and the file its
 * container's log is read from, which the API server then serves as the pod's log.
 */
export async function installLogsType(kubeconfigPath: string): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
  const crd = parse(
    readFileSync(join(dirname(binaryPath('kwok')), KWOK_LOGS_CRD), 'utf8')
  ) as k8s.V1CustomResourceDefinition;
  await createIfMissing(() => objects.create(crd));
  const extensions = kc.makeApiClient(k8s.ApiextensionsV1Api);
  const name = crd.metadata?.name ?? '';
  for (;;) {
    const stored = await extensions.readCustomResourceDefinition({ name });
    if (stored.status?.conditions?.some(c => c.type === 'Established' && c.status === 'True')) {
      return;
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

export async function bootstrap(
  kubeconfigPath: string,
  components: readonly Component[],
  log: (message: string) => void
): Promise<void> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const storage = kc.makeApiClient(k8s.StorageV1Api);
  let failed: string | undefined;
  for (const c of components) {
    void c.exited.then(code => (failed ??= `${c.name} exited (${code})`));
  }

  for (const body of STORAGE_CLASSES) {
    await createIfMissing(() => storage.createStorageClass({ body }));
  }
  const nodes = DEFAULT_POOLS.flatMap(pool =>
    Array.from({ length: pool.count }, (_, i) => nodeOf(pool, i))
  );
  for (const body of nodes) await createIfMissing(() => core.createNode({ body }));
  log(`registered ${nodes.length} nodes in ${DEFAULT_POOLS.length} pools`);

  // Ready once kwok has taken every node and the service account controller has run.
  const deadline = Date.now() + 180_000;
  for (;;) {
    if (failed) throw new Error(`${failed}: see its log in the cluster folder's logs/`);
    const ready = await core.listNode().then(
      list =>
        list.items.filter(n =>
          n.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')
        ).length,
      () => 0
    );
    const account = await core
      .readNamespacedServiceAccount({ name: 'default', namespace: 'default' })
      .then(
        () => true,
        () => false
      );
    if (ready === nodes.length && account) return;
    if (Date.now() > deadline) {
      throw new Error(
        `cluster not ready after 180s: ${ready}/${nodes.length} nodes Ready, default service account ${account ? 'present' : 'missing'}`
      );
    }
    await new Promise(r => setTimeout(r, 250));
  }
}

/**
 * Azure's CSI controllers, as far as the API sees them: a claim of a class whose provisioner is
 * an Azure CSI driver gets a volume (once a pod using it is scheduled, for WaitForFirstConsumer
 * classes: the scheduler marks the claim with the node it chose), and a released volume of a
 * class that deletes is deleted. The PersistentVolume controller does the binding.
 */
import * as k8s from '@kubernetes/client-node';
import { keepInformed } from './informer.ts';

const PROVISIONERS = new Set(['disk.csi.azure.com', 'file.csi.azure.com']);

export function runVolumes(kc: k8s.KubeConfig): void {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const storage = kc.makeApiClient(k8s.StorageV1Api);
  const started = new Set<string>();

  const provision = async (claim: k8s.V1PersistentVolumeClaim): Promise<void> => {
    const { name = '', namespace = '', uid = '', annotations = {} } = claim.metadata ?? {};
    if (claim.spec?.volumeName || started.has(uid)) return;
    const driver = annotations['volume.kubernetes.io/storage-provisioner'];
    if (!driver || !PROVISIONERS.has(driver)) return;
    const className = claim.spec?.storageClassName ?? '';
    const storageClass = await storage.readStorageClass({ name: className });
    const waits = storageClass.volumeBindingMode === 'WaitForFirstConsumer';
    if (waits && !annotations['volume.kubernetes.io/selected-node']) return;
    started.add(uid);
    const volumeName = `pvc-${uid}`;
    await core.createPersistentVolume({
      body: {
        metadata: {
          name: volumeName,
          annotations: { 'pv.kubernetes.io/provisioned-by': driver }
        },
        spec: {
          capacity: { storage: claim.spec?.resources?.requests?.storage ?? '1Gi' },
          accessModes: claim.spec?.accessModes ?? ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: storageClass.reclaimPolicy ?? 'Delete',
          storageClassName: className,
          mountOptions: storageClass.mountOptions ?? [],
          volumeMode: claim.spec?.volumeMode ?? 'Filesystem',
          claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name, namespace, uid },
          csi: {
            driver,
            volumeHandle: `/subscriptions/local/resourceGroups/mc_local/providers/${driver}/${volumeName}`
          }
        }
      }
    });
  };

  keepInformed<k8s.V1PersistentVolumeClaim>(
    kc,
    '/api/v1/persistentvolumeclaims',
    () => core.listPersistentVolumeClaimForAllNamespaces(),
    claim => void provision(claim).catch(error => console.error(String(error)))
  );
  keepInformed<k8s.V1PersistentVolume>(
    kc,
    '/api/v1/persistentvolumes',
    () => core.listPersistentVolume(),
    volume => {
      const driver = volume.metadata?.annotations?.['pv.kubernetes.io/provisioned-by'];
      if (!driver || !PROVISIONERS.has(driver)) return;
      if (volume.status?.phase !== 'Released') return;
      if (volume.spec?.persistentVolumeReclaimPolicy !== 'Delete') return;
      void core.deletePersistentVolume({ name: volume.metadata?.name ?? '' }).catch(() => {});
    }
  );
}

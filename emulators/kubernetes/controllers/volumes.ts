import { mustFind } from '../resources.ts';
import type { KubeObject } from '../types.ts';
import type { ControllerContext } from './runtime.ts';
import { CONTROLLER_MANAGER, WorkQueue } from './runtime.ts';

/** Binds PersistentVolumeClaims: to a named or matching PV, or to a dynamically provisioned one. */
export class VolumeController {
  readonly #ctx: ControllerContext;
  readonly #claims = mustFind('v1', 'PersistentVolumeClaim');
  readonly #volumes = mustFind('v1', 'PersistentVolume');
  readonly #classes = mustFind('storage.k8s.io/v1', 'StorageClass');
  readonly #queue: WorkQueue;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
    this.#queue = new WorkQueue(ctx.timers, () => this.#reconcile());
  }

  start(): void {
    this.#ctx.store.subscribe(event => {
      if (event.resource === this.#claims || event.resource === this.#volumes) {
        if (event.type === 'DELETED' && event.resource === this.#claims)
          this.#release(event.object);
        this.#queue.add('all');
      }
    });
  }

  #reconcile(): void {
    for (const pv of this.#ctx.store.list(this.#volumes)) {
      if (!pv.status?.phase) this.#setPvPhase(pv, pv.spec.claimRef ? 'Bound' : 'Available');
    }
    for (const claim of this.#ctx.store.list(this.#claims)) {
      if (claim.status?.phase === 'Bound' || claim.metadata.deletionTimestamp) continue;
      this.#bind(claim);
    }
  }

  #setPvPhase(pv: KubeObject, phase: string): void {
    pv.status = { ...pv.status, phase };
    this.#ctx.store.update(this.#volumes, pv);
  }

  #bind(claim: KubeObject): void {
    const { namespace, name } = claim.metadata;
    const wanted = claim.spec.volumeName as string | undefined;
    const className = claim.spec.storageClassName as string | undefined;
    let pv: KubeObject | undefined;
    if (wanted) {
      pv = this.#ctx.store.get(this.#volumes, undefined, wanted);
      if (!pv) {
        this.#pending(claim, 'VolumeMismatch', `volume "${wanted}" not found`);
        return;
      }
      const ref = pv.spec.claimRef;
      if (ref && (ref.namespace !== namespace || ref.name !== name)) {
        this.#pending(
          claim,
          'VolumeMismatch',
          `volume "${wanted}" already bound to a different claim.`
        );
        return;
      }
    } else {
      pv = this.#ctx.store.list(this.#volumes).find(v => {
        const ref = v.spec.claimRef;
        if (ref) return ref.namespace === namespace && ref.name === name;
        return (
          v.status?.phase === 'Available' && (v.spec.storageClassName ?? '') === (className ?? '')
        );
      });
      if (!pv && className) pv = this.#provision(claim, className);
      if (!pv) {
        this.#pending(
          claim,
          'FailedBinding',
          'no persistent volumes available for this claim and no storage class is set'
        );
        return;
      }
    }
    pv.spec.claimRef = {
      kind: 'PersistentVolumeClaim',
      namespace,
      name,
      uid: claim.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: claim.metadata.resourceVersion
    };
    pv.status = { ...pv.status, phase: 'Bound' };
    this.#ctx.store.update(this.#volumes, pv);
    claim.spec.volumeName = pv.metadata.name;
    claim.metadata.annotations = {
      ...claim.metadata.annotations,
      'pv.kubernetes.io/bind-completed': 'yes',
      ...(wanted ? {} : { 'pv.kubernetes.io/bound-by-controller': 'yes' })
    };
    claim.status = {
      phase: 'Bound',
      accessModes: pv.spec.accessModes,
      capacity: pv.spec.capacity
    };
    this.#ctx.store.update(this.#claims, claim);
  }

  #provision(claim: KubeObject, className: string): KubeObject | undefined {
    const sc = this.#ctx.store.get(this.#classes, undefined, className);
    if (!sc) {
      this.#pending(
        claim,
        'ProvisioningFailed',
        `storageclass.storage.k8s.io "${className}" not found`
      );
      return undefined;
    }
    const created = this.#ctx.ops.create(
      this.#volumes,
      undefined,
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: {
          name: `pvc-${String(claim.metadata.uid)}`,
          annotations: { 'pv.kubernetes.io/provisioned-by': sc.provisioner }
        },
        spec: {
          capacity: { storage: claim.spec.resources.requests.storage },
          accessModes: claim.spec.accessModes,
          persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
          storageClassName: className,
          volumeMode: claim.spec.volumeMode ?? 'Filesystem',
          csi: { driver: sc.provisioner, volumeHandle: `emulated/${String(claim.metadata.uid)}` }
        }
      },
      { manager: CONTROLLER_MANAGER }
    );
    this.#ctx.events.record(
      claim,
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${String(created.metadata.name)}`,
      String(sc.provisioner)
    );
    return created;
  }

  #pending(claim: KubeObject, reason: string, message: string): void {
    if (claim.status?.phase !== 'Pending') {
      claim.status = { phase: 'Pending' };
      this.#ctx.store.update(this.#claims, claim);
      this.#ctx.events.record(claim, 'Warning', reason, message, 'persistentvolume-controller');
    }
  }

  #release(claim: KubeObject): void {
    const pvName = claim.spec?.volumeName as string | undefined;
    if (!pvName) return;
    const pv = this.#ctx.store.get(this.#volumes, undefined, pvName);
    if (!pv || pv.spec.claimRef?.uid !== claim.metadata.uid) return;
    if (pv.spec.persistentVolumeReclaimPolicy === 'Delete') {
      this.#ctx.store.remove(this.#volumes, undefined, pvName);
    } else {
      pv.status = { ...pv.status, phase: 'Released' };
      this.#ctx.store.update(this.#volumes, pv);
    }
  }
}

import type { KubernetesObject, V1Deployment, V1PodSpec } from '@kubernetes/client-node';
import type { GadgetronSpec } from '../../src/render/gadgetron.ts';

export function defaultSpec(overrides: Partial<GadgetronSpec> = {}): GadgetronSpec {
  return {
    name: 'gadgetron',
    namespace: 'gadgetron',
    image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2',
    replicas: { min: 1, max: 20, cpuUtilization: 60 },
    resources: { cpuRequest: '2', memoryRequest: '4Gi', memoryLimit: '8Gi', gpus: 0 },
    nodeSelector: {},
    tolerations: [],
    dataClaim: 'gtdata',
    dependenciesClaim: 'gtdependencies',
    storageServer: { image: 'ghcr.io/ismrmrd/mrd-storage-server:v0.0.12' },
    terminationGracePeriodSeconds: 3600,
    drainSettleSeconds: 60,
    remoteWorkers: true,
    ...overrides
  };
}

export function byKind(objects: KubernetesObject[], kind: string): KubernetesObject[] {
  return objects.filter(o => o.kind === kind);
}

export function named<T extends KubernetesObject = KubernetesObject>(
  objects: KubernetesObject[],
  kind: string,
  name: string
): T {
  const found = objects.find(o => o.kind === kind && o.metadata?.name === name);
  if (found === undefined) throw new Error(`no ${kind} ${name}`);
  return found as T;
}

export function pod(deployment: KubernetesObject): V1PodSpec {
  const spec = (deployment as V1Deployment).spec?.template.spec;
  if (spec === undefined) throw new Error('no pod spec');
  return spec;
}

/** Every label selector of an object for pods of its own namespace, as [where, labels]. */
export function selectors(object: KubernetesObject): [string, Record<string, string>][] {
  const o = object as {
    kind?: string;
    spec?: {
      selector?: Record<string, unknown>;
      podSelector?: { matchLabels?: Record<string, string> };
      ingress?: {
        from?: {
          podSelector?: { matchLabels?: Record<string, string> };
          namespaceSelector?: object;
        }[];
      }[];
    };
  };
  const found: [string, Record<string, string>][] = [];
  const selector = o.spec?.selector;
  if (selector !== undefined) {
    const labels = (selector['matchLabels'] ?? selector) as Record<string, string>;
    found.push(['spec.selector', labels]);
  }
  if (o.spec?.podSelector?.matchLabels) {
    found.push(['spec.podSelector', o.spec.podSelector.matchLabels]);
  }
  o.spec?.ingress?.forEach((rule, i) =>
    rule.from?.forEach((peer, j) => {
      // A peer with a namespace selector picks pods of other namespaces, not of this base.
      if (peer.podSelector?.matchLabels && peer.namespaceSelector === undefined) {
        found.push([`spec.ingress[${i}].from[${j}]`, peer.podSelector.matchLabels]);
      }
    })
  );
  return found;
}

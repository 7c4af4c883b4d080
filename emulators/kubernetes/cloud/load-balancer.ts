/**
 * The cloud controller's part for Services of type LoadBalancer: after a delay (Azure takes
 * tens of seconds to configure a load balancer rule and a public IP), the Service gets an
 * address. Addresses come from 198.51.100.0/24 (TEST-NET-2, RFC 5737): plainly emulated.
 * A Service with a loadBalancerClass belongs to another implementation, which the cloud's
 * default one ignores (ServiceSpec.loadBalancerClass in the Kubernetes API reference).
 */
import * as k8s from '@kubernetes/client-node';
import { keepInformed, later, mergePatch } from './informer.ts';

export function runLoadBalancers(kc: k8s.KubeConfig, delayMs: number): void {
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const assigned = new Map<string, string>();
  let next = 10;
  keepInformed<k8s.V1Service>(
    kc,
    '/api/v1/services',
    () => core.listServiceForAllNamespaces(),
    service => {
      const { name = '', namespace = '', uid = '' } = service.metadata ?? {};
      if (service.spec?.type !== 'LoadBalancer') return;
      if (service.spec.loadBalancerClass) return;
      if (service.status?.loadBalancer?.ingress?.length) return;
      if (assigned.has(uid)) return;
      const ip = `198.51.100.${next++ % 250}`;
      assigned.set(uid, ip);
      later(delayMs, () =>
        core.patchNamespacedServiceStatus(
          {
            name,
            namespace,
            body: { status: { loadBalancer: { ingress: [{ ip, ipMode: 'VIP' }] } } }
          },
          mergePatch
        )
      );
    }
  );
}

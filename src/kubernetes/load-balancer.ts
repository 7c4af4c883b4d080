import type { V1Service } from '@kubernetes/client-node';
import type { KubeClient } from './connect.ts';
import { observe } from './observe.ts';

export type LoadBalancerOutcome =
  | {
      readonly result: 'assigned';
      readonly address: string;
      readonly service: V1Service;
      readonly elapsedMs: number;
    }
  | { readonly result: 'timeout'; readonly elapsedMs: number };

/** The external address of a Service: a LoadBalancer's ingress IP or host name. */
export function externalAddress(service: V1Service): string | undefined {
  const ingress = service.status?.loadBalancer?.ingress?.[0];
  return ingress?.ip ?? ingress?.hostname ?? undefined;
}

/** Watches a LoadBalancer Service until the cloud assigns it an address. */
export async function waitForLoadBalancer(
  client: KubeClient,
  namespace: string,
  name: string,
  timeoutMs: number,
  onWaiting: () => void = () => {}
): Promise<LoadBalancerOutcome> {
  const startedAt = Date.now();
  let settle!: (service: V1Service | undefined) => void;
  const settled = new Promise<V1Service | undefined>(resolve => (settle = resolve));
  const watch = observe<V1Service>(
    client,
    {
      apiVersion: 'v1',
      kind: 'Service',
      path: `/api/v1/namespaces/${namespace}/services`,
      namespace,
      fieldSelector: `metadata.name=${name}`
    },
    services => {
      const service = services.get(name);
      if (service && externalAddress(service)) settle(service);
      else onWaiting();
    }
  );
  const timer = setTimeout(() => settle(undefined), timeoutMs);
  const service = await settled;
  clearTimeout(timer);
  await watch.stop();
  const elapsedMs = Date.now() - startedAt;
  return service
    ? { result: 'assigned', address: externalAddress(service) as string, service, elapsedMs }
    : { result: 'timeout', elapsedMs };
}

/**
 * The releases the local cluster is built from. One Kubernetes release for every component
 * (AKS supports 1.36); the staging modules (k8s.io/api, k8s.io/apimachinery, ...) follow it as
 * v0.<minor>.<patch>. kwok 0.8 is built against the 1.36 client libraries.
 */
export const KUBERNETES_VERSION = 'v1.36.3';
export const ETCD_VERSION = 'v3.6.16';
export const KWOK_VERSION = 'v0.8.0';

/** k8s.io/kubernetes v1.36.3 -> the staging modules' v0.36.3. */
export function stagingVersion(kubernetes: string = KUBERNETES_VERSION): string {
  const match = /^v1\.(\d+)\.(\d+)$/.exec(kubernetes);
  if (!match) throw new Error(`not a Kubernetes release: ${kubernetes}`);
  return `v0.${match[1]}.${match[2]}`;
}

/** Public types of the Azure Resource Manager emulator. */

export interface ArmDurations {
  resourceGroupDeleteMs?: number;
  clusterCreateMs?: number;
  clusterUpdateMs?: number;
  clusterDeleteMs?: number;
  /** Creating or updating one agent pool as its own resource (managedClusters/agentPools). */
  poolUpdateMs?: number;
  poolDeleteMs?: number;
  storageCreateMs?: number;
  shareCreateMs?: number;
}

export interface ArmEmulatorOptions {
  /** Listening port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  subscriptionId?: string;
  tenantId?: string;
  /** Simulated provisioning times (each defaults to 300 ms). */
  durations?: ArmDurations;
  /** Lifetime of issued access tokens (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Value of `Retry-After` on long-running operation responses (default 1; whole seconds). */
  pollRetryAfterSeconds?: number;
  /**
   * A polling interval below a second, for runs on a shortened time scale: long-running
   * operation responses then say `Retry-After` rounded up to whole seconds (as HTTP allows) and
   * the exact value in `retry-after-ms`, Azure's header for millisecond intervals. Overrides
   * pollRetryAfterSeconds.
   */
  pollRetryAfterMs?: number;
  /** API server URL written into kubeconfigs returned by listClusterUserCredential. */
  kubeconfigServer?: string;
  /** Base64 PEM CA for that server (`certificate-authority-data`); without it TLS checks are skipped. */
  kubeconfigCertificateAuthorityData?: string;
  /** Bearer token put in token-auth kubeconfigs (default: a random token per cluster). */
  kubeconfigToken?: string;
  /** listClusterUserCredential returns an exec (kubelogin) kubeconfig, as for Entra ID clusters. */
  aadCluster?: boolean;
  /**
   * A whole kubeconfig (YAML) that listClusterUserCredential returns as it is, instead of one
   * built from the options above: the sandbox points the clusters at the Kubernetes emulator or
   * at a real cluster this way.
   */
  kubeconfig?: string;
  /** Version reported when a cluster is created without kubernetesVersion. */
  defaultKubernetesVersion?: string;
  /** Region names of the subscription (default: Azure's public regions, see locations.ts). */
  locations?: string[];
  /** Directory of the ARM JSON schemas (see src/azure/template-schema.ts). */
  schemasDir?: string;
}

export interface ArmRequestRecord {
  method: string;
  path: string;
  apiVersion: string | undefined;
  status: number;
  at: number;
  /** e.g. `Microsoft.ContainerService/managedClusters` */
  resourceType?: string;
  /** e.g. `get`, `put`, `delete`, `list`, `listClusterUserCredential`, `token` */
  operation?: string;
  /**
   * Serial number of the access token the request carried, or for a token request the one it
   * obtained: requests of one process (which signs in once) share it.
   */
  caller?: number;
}

export type ArmTimelineType =
  'deployment-running' | 'deployment-succeeded' | 'deployment-failed' | 'resource-group-deleted';

/** A state change ARM made on its own (not in answer to a request), for timing what follows it. */
export interface ArmTimelineEvent {
  /** performance.now() of the process running the emulator. */
  at: number;
  type: ArmTimelineType;
  resourceGroup: string;
  /** The deployment's name (the group's for resource-group-deleted). */
  name: string;
}

export interface TokenRequestRecord {
  at: number;
  grantType: string;
  clientId?: string;
  clientAssertion?: string;
  clientSecret?: string;
  scope: string;
}

/** Which requests a fault applies to: a case-insensitive path substring, a RegExp on `METHOD path`, or a predicate. */
export type FaultMatch = string | RegExp | ((r: { method: string; path: string }) => boolean);

export type ArmFault =
  | {
      type: 'status';
      status: 429 | 500 | 503 | number;
      retryAfterSeconds?: number;
      times: number;
      match?: FaultMatch;
    }
  | { type: 'reset'; times: number; match?: FaultMatch }
  | {
      /**
       * Another operation starts on a cluster just before a matching request is handled (an
       * upgrade someone started, the autoscaler, AKS's own add-on updates): the cluster, or
       * the pool, shows `operation` as its provisioning state for durationMs and writes meanwhile
       * are answered 409 OperationNotAllowed.
       */
      type: 'busy';
      cluster: string;
      pool?: string;
      operation: string;
      durationMs: number;
      times: number;
      match?: FaultMatch;
    }
  | {
      type: 'deployment-failure';
      code: string;
      message: string;
      /** Fail at the first resource of this type (default: the first resource). */
      resourceType?: string;
      /** How many deployments fail (default 1). */
      times?: number;
    };

export interface ArmResource {
  id: string;
  name: string;
  type: string;
  location?: string;
  tags?: Record<string, string>;
  properties: Record<string, unknown>;
  sku?: Record<string, unknown>;
  kind?: string;
  identity?: Record<string, unknown>;
  managedBy?: string;
  [key: string]: unknown;
}

export interface ArmStateHelpers {
  resourceGroups(): ArmResource[];
  resources(): ArmResource[];
  getResourceGroup(name: string): ArmResource | undefined;
  /** Resource by id (case-insensitive); undefined when absent. */
  getResource(id: string): ArmResource | undefined;
  /** Creates (or replaces) a resource group directly, e.g. one the suite did not create. */
  seedResourceGroup(name: string, location: string, tags?: Record<string, string>): ArmResource;
  /** Stores a resource directly (no deployment); `id` decides where it lives. */
  seedResource(resource: ArmResource): ArmResource;
  setTag(id: string, key: string, value: string | undefined): void;
  /** Bytes used in a file share: GET share with `$expand=stats` reports it as shareUsageBytes. */
  setShareUsageBytes(shareId: string, bytes: number): void;
  /** Sets a pool's node count, as the cluster autoscaler does. */
  setPoolCount(clusterId: string, pool: string, count: number): void;
  /** Starts someone else's operation on a cluster or one of its pools (see the busy fault). */
  startClusterOperation(
    clusterId: string,
    op: { operation: string; pool?: string; durationMs: number }
  ): void;
  /** The bearer token in the token-auth kubeconfig of a cluster. */
  clusterUserToken(clusterId: string): string | undefined;
  /** Whether an access token was issued here and is still valid; its scope. */
  tokenInfo(token: string): { valid: boolean; expired: boolean; scope?: string; clientId?: string };
}

export interface ArmEmulator {
  /** https://127.0.0.1:PORT — the SDK `endpoint` and the credential `authorityHost`. */
  url: string;
  /** PEM of the CA that signed the server certificate (NODE_EXTRA_CA_CERTS / tlsOptions.ca). */
  caCertPath: string;
  caPem: string;
  subscriptionId: string;
  tenantId: string;
  requests: ArmRequestRecord[];
  tokenRequests: TokenRequestRecord[];
  /** Deployments turning Running, Succeeded or Failed, and resource groups going away. */
  timeline: ArmTimelineEvent[];
  faults: { inject(f: ArmFault): void; clear(): void };
  state: ArmStateHelpers;
  close(): Promise<void>;
}

import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  Watch
} from '@kubernetes/client-node';

/** The clients an action needs for one cluster, built from one kubeconfig. */
export interface KubeClient {
  readonly config: KubeConfig;
  readonly objects: KubernetesObjectApi;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly watcher: Watch;
  /** The API server URL, for logs. */
  readonly server: string;
}

/**
 * Loads the kubeconfig from `path` when given, else from the KUBECONFIG environment variable,
 * else the in-cluster service account (a self-hosted runner inside the cluster).
 */
export function connect(path?: string, env: NodeJS.ProcessEnv = process.env): KubeClient {
  const config = new KubeConfig();
  const fromEnv = env.KUBECONFIG?.split(':').find(Boolean);
  if (path) config.loadFromFile(path);
  else if (fromEnv) config.loadFromFile(fromEnv);
  else config.loadFromCluster();
  return {
    config,
    objects: KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    watcher: new Watch(config),
    server: config.getCurrentCluster()?.server ?? 'unknown'
  };
}

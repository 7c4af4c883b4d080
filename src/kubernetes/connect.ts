import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  Watch
} from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ActionFailure } from '../runtime/failure.ts';

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

export const NO_KUBECONFIG =
  'No cluster to talk to. Give the kubeconfig input (a kubeconfig file), set KUBECONFIG (as ' +
  'provision-cluster does for the steps after it), put one at ~/.kube/config, or run on a ' +
  'self-hosted runner inside the cluster (its service account is used).';

/**
 * Loads the kubeconfig from `path` when given, else from the KUBECONFIG environment variable,
 * else ~/.kube/config, else the in-cluster service account (a self-hosted runner inside the
 * cluster). Fails with the ways to give one when there is none.
 */
export function connect(
  path?: string,
  env: NodeJS.ProcessEnv = process.env,
  home: string = homedir()
): KubeClient {
  const config = new KubeConfig();
  const fromEnv = env.KUBECONFIG?.split(':').find(Boolean);
  const fromHome = join(home, '.kube', 'config');
  if (path) config.loadFromFile(path);
  else if (fromEnv) config.loadFromFile(fromEnv);
  else if (existsSync(fromHome)) config.loadFromFile(fromHome);
  // The client reads these two variables for the in-cluster address; without them it would
  // build https://undefined:undefined.
  else if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) config.loadFromCluster();
  else throw new ActionFailure(NO_KUBECONFIG);
  return {
    config,
    objects: KubernetesObjectApi.makeApiClient(config),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    watcher: new Watch(config),
    server: config.getCurrentCluster()?.server ?? 'unknown'
  };
}

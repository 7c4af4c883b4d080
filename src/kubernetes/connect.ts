import {
  HttpMethod,
  PatchStrategy,
  type KubernetesObject,
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  KubeConfig,
  KubernetesObjectApi,
  Observable,
  ServerConfiguration,
  Watch,
  type ObservableMiddleware
} from '@kubernetes/client-node';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ActionFailure } from '../runtime/failure.ts';

/**
 * Every write asks the API server for strict field validation: a misspelt or unknown field
 * fails the request with the server's message (`strict decoding error: unknown field ...`)
 * instead of being dropped with a warning nobody reads.
 */
const strictWrites: ObservableMiddleware = {
  pre: request => {
    if (['POST', 'PUT', 'PATCH'].includes(request.getHttpMethod())) {
      request.setQueryParam('fieldValidation', 'Strict');
    }
    return new Observable(Promise.resolve(request));
  },
  post: response => new Observable(Promise.resolve(response))
};

/** The generic object client, with strict validation and an apply that sends objects as they are. */
export class ObjectApi extends KubernetesObjectApi {
  constructor(config: KubeConfig, server: string) {
    super(
      createConfiguration({
        baseServer: new ServerConfiguration(server, {}),
        authMethods: { default: config },
        middleware: [strictWrites]
      })
    );
    this.setDefaultNamespace(config);
  }

  /**
   * Server-side applies `object` in the API's shape, as written. The client's typed models are
   * left out on the way there: they drop fields they do not know (a misspelt one would vanish
   * instead of failing strict validation) and name some differently (a NetworkPolicy rule's
   * `from` is the model's `_from`). The answer comes back as a model, like every other call's.
   */
  async applyAsIs<T extends KubernetesObject>(
    object: T,
    options: { readonly fieldManager: string; readonly dryRun: boolean }
  ): Promise<T> {
    const path = await this.specUriPath(object, 'patch');
    const request = this.configuration.baseServer.makeRequestContext(path, HttpMethod.PATCH);
    request.setHeaderParam('Accept', 'application/json');
    request.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    if (options.dryRun) request.setQueryParam('dryRun', 'All');
    request.setQueryParam('fieldManager', options.fieldManager);
    request.setQueryParam('force', 'true');
    request.setBody(JSON.stringify(object));
    return this.requestPromise<T>(request);
  }
}

/** The clients an action needs for one cluster, built from one kubeconfig. */
export interface KubeClient {
  readonly config: KubeConfig;
  readonly objects: ObjectApi;
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
  const server = config.getCurrentCluster()?.server ?? 'unknown';
  return {
    config,
    objects: new ObjectApi(config, server),
    core: config.makeApiClient(CoreV1Api),
    apps: config.makeApiClient(AppsV1Api),
    watcher: new Watch(config),
    server
  };
}

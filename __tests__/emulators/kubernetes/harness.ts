import * as k8s from '@kubernetes/client-node';
import type {
  KubernetesEmulator,
  KubernetesEmulatorOptions
} from '../../../emulators/kubernetes/index.ts';
import { startKubernetesEmulator } from '../../../emulators/kubernetes/index.ts';

export interface Clients {
  emulator: KubernetesEmulator;
  kc: k8s.KubeConfig;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  objects: k8s.KubernetesObjectApi;
}

export async function startWithClients(options: KubernetesEmulatorOptions = {}): Promise<Clients> {
  const emulator = await startKubernetesEmulator(options);
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(emulator.kubeconfigPath);
  return {
    emulator,
    kc,
    core: kc.makeApiClient(k8s.CoreV1Api),
    apps: kc.makeApiClient(k8s.AppsV1Api),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc)
  };
}

export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 10000,
  what = 'condition'
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(r => setTimeout(r, 20));
  }
}

/** The error a client-node call rejects with (ApiException carries code and body). */
export async function failure(
  promise: Promise<unknown>
): Promise<{ code: number; body: k8s.V1Status }> {
  try {
    await promise;
  } catch (e) {
    const err = e as { code?: number; body?: unknown };
    const body =
      typeof err.body === 'string'
        ? (JSON.parse(err.body) as k8s.V1Status)
        : (err.body as k8s.V1Status);
    return { code: err.code ?? 0, body };
  }
  throw new Error('expected the request to fail');
}

export function deployment(
  name: string,
  options: {
    namespace?: string;
    replicas?: number;
    image?: string;
    strategy?: k8s.V1DeploymentStrategy;
    progressDeadlineSeconds?: number;
    terminationGracePeriodSeconds?: number;
  } = {}
): k8s.V1Deployment {
  const spec: k8s.V1DeploymentSpec = {
    replicas: options.replicas ?? 1,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: {
        containers: [
          {
            name: 'main',
            image: options.image ?? 'ghcr.io/example/app:1.0.0',
            ports: [{ containerPort: 9002 }]
          }
        ]
      }
    }
  };
  if (options.strategy) spec.strategy = options.strategy;
  if (options.progressDeadlineSeconds)
    spec.progressDeadlineSeconds = options.progressDeadlineSeconds;
  if (options.terminationGracePeriodSeconds !== undefined && spec.template.spec) {
    spec.template.spec.terminationGracePeriodSeconds = options.terminationGracePeriodSeconds;
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: options.namespace ?? 'default' },
    spec
  };
}

/** Raw HTTP against the emulator with the kubeconfig's token. */
export async function raw(
  clients: Clients,
  method: string,
  path: string,
  body?: string,
  contentType = 'application/json'
): Promise<{ status: number; json: unknown; text: string; headers: Headers }> {
  const headers: Record<string, string> = { Authorization: 'Bearer emulator-token' };
  if (body !== undefined) headers['Content-Type'] = contentType;
  const init: RequestInit = { method, headers };
  if (body !== undefined) init.body = body;
  const res = await fetch(clients.emulator.url + path, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/** Resolves true once a read answers 404, false while the object still exists. */
export function isGone(read: Promise<unknown>): Promise<boolean> {
  return read.then(
    () => false,
    (e: { code?: number }) => {
      if (e.code === 404) return true;
      throw e;
    }
  );
}

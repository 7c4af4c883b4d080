/**
 * deploy-gadgetron with gpus: NVIDIA's device plugin is applied and the GPU nodes awaited until
 * they advertise nvidia.com/gpu (what the plugin makes the kubelet report). Kubernetes-side
 * assertions are what any API server shows: the DaemonSet object, and a node the test patches.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import {
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  setHeaderOptions,
  type V1DaemonSet
} from '@kubernetes/client-node';
import { errors, runAction, startSandbox } from '../provision-cluster/harness.ts';
import { createClaims } from '../../tools/fixtures/claims.ts';
import { connect } from '../../src/kubernetes/connect.ts';
import { devicePluginObject, waitForGpuNodes } from '../../src/kubernetes/device-plugin.ts';
import { validateObjects } from '../../src/render/validate.ts';

const CUDA = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_cuda:4.7.2';

const sandbox = await startSandbox();
const config = new KubeConfig();
config.loadFromFile(sandbox.kube.kubeconfigPath);
const core = config.makeApiClient(CoreV1Api);
const apps = config.makeApiClient(AppsV1Api);
await createClaims(sandbox.kube.kubeconfigPath, sandbox.kube.namespace, [
  'gtdata',
  'gtdependencies'
]);
/**
 * Whether the API serves DaemonSets. The hand-written Kubernetes emulator does not; the real
 * control plane (kube-apiserver with kwok nodes) the tests are moving to does, and then the
 * device plugin test below runs.
 */
const daemonSets = (await apps.getAPIResources()).resources.some(r => r.name === 'daemonsets');

async function poll<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} not seen within ${timeoutMs} ms`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

afterAll(async () => {
  await sandbox?.close();
});

const deploy = (extra: Record<string, string>) =>
  runAction(sandbox, 'deploy-gadgetron', {
    kubeconfig: sandbox.kube.kubeconfigPath,
    namespace: sandbox.kube.namespace,
    timeout: '180s',
    gpus: '1',
    tolerations: 'sku=gpu:NoSchedule',
    ...extra
  });

/** What the kubelet reports once the device plugin registered the node's GPUs. */
const gpuStatus = (count: string): object => ({
  status: { capacity: { 'nvidia.com/gpu': count }, allocatable: { 'nvidia.com/gpu': count } }
});

describe('NVIDIA device plugin', () => {
  test('the DaemonSet: GPU pool only, tolerates its taint, node-critical, pinned image, valid', () => {
    const plugin = devicePluginObject() as V1DaemonSet;
    expect(validateObjects([plugin])).toEqual([]);
    expect(plugin.metadata?.namespace).toBe('kube-system');
    const pod = plugin.spec?.template.spec;
    expect(pod?.priorityClassName).toBe('system-node-critical');
    expect(pod?.tolerations).toEqual([
      { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }
    ]);
    expect(pod?.nodeSelector).toEqual({ 'gadgetron-pool': 'gpu' });
    expect(pod?.containers[0]?.image).toMatch(
      /^nvcr\.io\/nvidia\/k8s-device-plugin:v\d+\.\d+\.\d+$/
    );
  });

  test('the wait ends when the GPU node advertises nvidia.com/gpu, at once when there is none', async () => {
    const client = connect(sandbox.kube.kubeconfigPath);
    const lines: string[] = [];
    const log = (line: string): number => lines.push(line);
    expect(await waitForGpuNodes(client, { log, timeoutMs: 60_000, pollMs: 50 })).toEqual({
      nodes: 0
    });
    expect(lines.at(-1)).toContain('The GPU pool has no nodes now');
    await core.createNode({
      body: {
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: 'aks-gpu-wait', labels: { 'gadgetron-pool': 'gpu' } },
        spec: { taints: [{ key: 'sku', value: 'gpu', effect: 'NoSchedule' }] }
      }
    });
    let ended = false;
    const waiting = waitForGpuNodes(client, { log, timeoutMs: 60_000, pollMs: 50 }).finally(
      () => (ended = true)
    );
    // Several polls go by without a GPU on the node: the wait goes on.
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(ended).toBe(false);
    await core.patchNodeStatus(
      { name: 'aks-gpu-wait', body: gpuStatus('1') },
      setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
    );
    expect(await waiting).toEqual({ nodes: 1 });
    await core.deleteNode({ name: 'aks-gpu-wait' });
  });
});

describe('deploy-gadgetron with GPUs', () => {
  test('a non-CUDA image with gpus gets a warning before anything is applied', async () => {
    const result = await runAction(sandbox, 'deploy-gadgetron', {
      kubeconfig: sandbox.kube.kubeconfigPath,
      image: 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2',
      gpus: '1',
      'dry-run': 'client'
    });
    expect(result.stdout).toMatch(
      /::warning::gpus is 1 but ghcr.io\/gadgetron\/gadgetron\/ubuntu22.04_rt_nocuda:4.7.2 is not a CUDA image/
    );
    const cuda = await runAction(sandbox, 'deploy-gadgetron', {
      kubeconfig: sandbox.kube.kubeconfigPath,
      image: CUDA,
      gpus: '1',
      'dry-run': 'client'
    });
    expect(cuda.stdout).not.toContain('is not a CUDA image');
  });

  // Needs an API server with DaemonSets: the real control plane the tests are moving to.
  (daemonSets ? test : test.skip)(
    'the device plugin is applied, and the run waits until the GPU node advertises nvidia.com/gpu',
    async () => {
      await core.createNode({
        body: {
          apiVersion: 'v1',
          kind: 'Node',
          metadata: { name: 'aks-gpu-0', labels: { 'gadgetron-pool': 'gpu' } },
          spec: { taints: [{ key: 'sku', value: 'gpu', effect: 'NoSchedule' }] }
        }
      });
      const run = deploy({ image: CUDA });
      let ended = false;
      void run.then(() => (ended = true));
      const plugin = await poll<V1DaemonSet>(
        () =>
          apps
            .readNamespacedDaemonSet({ name: 'nvidia-device-plugin', namespace: 'kube-system' })
            .catch(() => undefined),
        120_000,
        'the device plugin DaemonSet'
      );
      const pod = plugin.spec?.template.spec;
      expect(pod?.priorityClassName).toBe('system-node-critical');
      expect(pod?.tolerations).toEqual([
        { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }
      ]);
      expect(pod?.nodeSelector).toEqual({ 'gadgetron-pool': 'gpu' });
      expect(pod?.containers[0]?.image).toMatch(
        /^nvcr\.io\/nvidia\/k8s-device-plugin:v\d+\.\d+\.\d+$/
      );
      // The node does not advertise a GPU yet: the run is still waiting.
      expect(ended).toBe(false);
      await core.patchNodeStatus(
        {
          name: 'aks-gpu-0',
          body: gpuStatus('1')
        },
        setHeaderOptions('Content-Type', PatchStrategy.MergePatch)
      );
      const result = await run;
      expect(errors(result)).toEqual([]);
      // Every GPU node of the cluster counts, the ones the autoscaler added too.
      expect(result.stdout).toMatch(/\d+ GPU node\(s\) advertise nvidia\.com\/gpu/);
      await core.deleteNode({ name: 'aks-gpu-0' });
    },
    240_000
  );
});

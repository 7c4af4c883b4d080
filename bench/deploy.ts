import { join } from 'node:path';
import { startKubernetesEmulator, type KubernetesEmulator } from '../emulators/kubernetes/index.ts';
import { runActionProcess } from '../tools/runner/action-process.ts';
import { createClaims } from '../tools/fixtures/claims.ts';
import { scaleDeployment, waitUntil } from '../tools/fixtures/scale.ts';
import { countRequests } from './requests.ts';
import { spread, type Spread } from './stats.ts';

const REPOSITORY = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda';

export interface DeployBench {
  readonly podReadyDelayMs: number;
  readonly replicas: number;
  /** From the last new pod turning Ready to the action's exit, per upgrade. */
  readonly detection: Spread;
  /** Wall time of an upgrade of `replicas` pods against its critical path. */
  readonly upgrade: {
    readonly wallMs: Spread;
    readonly criticalPathMs: number;
    readonly ratio: number;
  };
  readonly requests: {
    readonly firstDeploy: Record<string, number>;
    readonly rerun: Record<string, number>;
    readonly upgrade: Record<string, number>;
  };
}

/**
 * Upgrades of an N-replica Gadgetron in the emulator. With maxSurge 1 and maxUnavailable 0 the
 * rollout replaces one pod at a time, and each new pod takes podReadyDelayMs to turn Ready, so the
 * critical path of an upgrade is N × podReadyDelayMs; everything above it is the action's own.
 */
export async function benchDeploy(
  root: string,
  options: { replicas: number; podReadyDelayMs: number; upgrades: number; timeScale?: number }
): Promise<DeployBench> {
  const cluster = await startKubernetesEmulator({
    podReadyDelayMs: options.podReadyDelayMs,
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {})
  });
  try {
    await createClaims(cluster.kubeconfigPath, 'gadgetron', ['gtdata', 'gtdependencies']);
    const deploy = async (version: string) => {
      const from = cluster.requests.length;
      const startedAt = performance.now();
      const run = await runActionProcess({
        actionDir: join(root, 'actions', 'deploy-gadgetron'),
        inputs: {
          image: `${REPOSITORY}:${version}`,
          kubeconfig: cluster.kubeconfigPath,
          'min-replicas': String(options.replicas)
        }
      });
      const exitedAt = performance.now();
      if (run.exitCode !== 0) throw new Error(`deploy of ${version} failed:\n${run.stdout}`);
      return { startedAt, exitedAt, requests: countRequests(cluster.requests.slice(from)) };
    };

    const first = await deploy('4.7.0');
    const rerun = await deploy('4.7.0');
    await scaleDeployment(cluster.kubeconfigPath, 'gadgetron', 'gadgetron', options.replicas);
    await waitUntil(() => readyServers(cluster) === options.replicas, 60_000, 'scale-up');

    const detections: number[] = [];
    const walls: number[] = [];
    let upgradeRequests: Record<string, number> = {};
    for (let i = 1; i <= options.upgrades; i++) {
      const mark = cluster.timeline.length;
      const run = await deploy(`4.8.${i}`);
      const lastReady = cluster.timeline
        .slice(mark)
        .filter(e => e.type === 'pod-ready' && isServerPod(e.name))
        .reduce((latest, e) => Math.max(latest, e.at), -Infinity);
      detections.push(run.exitedAt - lastReady);
      walls.push(run.exitedAt - run.startedAt);
      upgradeRequests = run.requests;
    }
    const criticalPathMs = options.replicas * options.podReadyDelayMs;
    const wallMs = spread(walls);
    return {
      podReadyDelayMs: options.podReadyDelayMs,
      replicas: options.replicas,
      detection: spread(detections),
      upgrade: { wallMs, criticalPathMs, ratio: wallMs.median / criticalPathMs },
      requests: { firstDeploy: first.requests, rerun: rerun.requests, upgrade: upgradeRequests }
    };
  } finally {
    await cluster.close();
  }
}

function isServerPod(name: string): boolean {
  return name.startsWith('gadgetron-') && !name.startsWith('gadgetron-storage-');
}

function readyServers(cluster: KubernetesEmulator): number {
  return cluster
    .listObjects('v1', 'Pod', 'gadgetron')
    .filter(p => isServerPod(p.metadata.name) && !p.metadata.deletionTimestamp)
    .filter(p =>
      p.status?.conditions?.some(
        (c: { type: string; status: string }) => c.type === 'Ready' && c.status === 'True'
      )
    ).length;
}

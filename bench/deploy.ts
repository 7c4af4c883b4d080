import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { runActionProcess } from '../tools/runner/action-process.ts';
import { createClaims } from '../tools/fixtures/claims.ts';
import { ensureCluster, useCluster, type TestCluster } from '../tools/fixtures/cluster.ts';
import { scaleDeployment, waitUntil } from '../tools/fixtures/scale.ts';
import { countRequests } from './requests.ts';
import { spread, type Spread } from './stats.ts';

const REPOSITORY = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda';

export interface DeployBench {
  readonly podReadyDelayMs: number;
  readonly replicas: number;
  /** From the bench's watch seeing the last new pod Ready to the action's exit, per upgrade. */
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
 * Upgrades of an N-replica Gadgetron on a local cluster of its own, whose kwok pods turn Ready
 * podReadyDelayMs after they are scheduled. With maxSurge 1 and maxUnavailable 0 the rollout
 * replaces one pod at a time, so the critical path of an upgrade is N × podReadyDelayMs; what is
 * above it is the action's own time plus the control plane's (controllers, scheduler, kwok).
 */
export async function benchDeploy(
  root: string,
  options: { replicas: number; podReadyDelayMs: number; upgrades: number }
): Promise<DeployBench> {
  const local = await ensureCluster(() => {}, { podStartMs: options.podReadyDelayMs });
  const cluster = await useCluster();
  try {
    await createClaims(cluster.kubeconfigPath, cluster.namespace, ['gtdata', 'gtdependencies']);
    const deploy = async (version: string) => {
      const from = cluster.requests.length;
      const startedAt = performance.now();
      const run = await runActionProcess({
        actionDir: join(root, 'actions', 'deploy-gadgetron'),
        inputs: {
          image: `${REPOSITORY}:${version}`,
          kubeconfig: cluster.kubeconfigPath,
          namespace: cluster.namespace,
          'min-replicas': String(options.replicas)
        }
      });
      const exitedAt = performance.now();
      if (run.exitCode !== 0) throw new Error(`deploy of ${version} failed:\n${run.stdout}`);
      return { startedAt, exitedAt, requests: countRequests(cluster.requests.slice(from)) };
    };

    const first = await deploy('4.7.0');
    const rerun = await deploy('4.7.0');
    await scaleDeployment(cluster.kubeconfigPath, cluster.namespace, 'gadgetron', options.replicas);
    await waitUntil(
      async () => (await readyServers(cluster)) === options.replicas,
      60_000,
      'scale-up'
    );

    const detections: number[] = [];
    const walls: number[] = [];
    let upgradeRequests: Record<string, number> = {};
    for (let i = 1; i <= options.upgrades; i++) {
      const pods = await cluster.watchPods();
      const run = await deploy(`4.8.${i}`).finally(() => pods.stop());
      const lastReady = pods.events
        .filter(e => e.type === 'ready' && isServerPod(e.name))
        .reduce((latest, e) => Math.max(latest, e.at), -Infinity);
      if (lastReady === -Infinity) throw new Error(`upgrade ${i}: no new pod turned Ready`);
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
    await local.stop();
  }
}

function isServerPod(name: string): boolean {
  return name.startsWith('gadgetron-') && !name.startsWith('gadgetron-storage-');
}

async function readyServers(cluster: TestCluster): Promise<number> {
  return (await cluster.list<V1Pod>('v1', 'Pod'))
    .filter(p => isServerPod(p.metadata?.name ?? '') && !p.metadata?.deletionTimestamp)
    .filter(p => p.status?.conditions?.some(c => c.type === 'Ready' && c.status === 'True')).length;
}

/**
 * Detection latency of the waits outside a rollout (bench/deploy.ts has the rollout's): from the
 * moment the state an action waits for is reached to the action's exit, over repeated runs of
 * the action on its own.
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as k8s from '@kubernetes/client-node';
import { generateHostKey } from '../src/ssh/host-keys.ts';
import { startLocalCloud } from '../tools/fixtures/cloud.ts';
import { ensureCluster, useCluster, type TestCluster } from '../tools/fixtures/cluster.ts';
import { runActionProcess } from '../tools/runner/action-process.ts';
import type { Scale } from './scale.ts';
import { spread, type Spread } from './stats.ts';

export interface Detection {
  readonly wait: string;
  readonly action: string;
  readonly latency: Spread;
}

/**
 * provision-cluster updating an existing cluster (max-nodes flips between runs, so each run
 * deploys): from ARM marking the deployment Succeeded to the process's exit. What lies between
 * is the poll that notices (ARM's Retry-After apart), reading the cluster, its credentials and
 * writing the kubeconfig and the summary.
 */
export async function armDetection(root: string, scale: Scale, runs: number): Promise<Detection> {
  // Only ARM is timed here; the credentials point at a namespace of whichever cluster runs.
  const local = await ensureCluster();
  const cloud = await startLocalCloud({
    arm: { durations: scale.arm, pollRetryAfterMs: scale.pollRetryAfterMs }
  });
  try {
    const provision = async (maxNodes: number): Promise<{ exitedAt: number }> => {
      const run = await runActionProcess({
        actionDir: join(root, 'actions', 'provision-cluster'),
        inputs: {
          'resource-group': 'bench-detection',
          'cluster-name': 'gadgetron',
          location: 'westeurope',
          'max-nodes': String(maxNodes)
        },
        env: cloud.env(),
        runnerTemp: mkdtempSync(join(tmpdir(), 'bench-runner-'))
      });
      const exitedAt = performance.now();
      if (run.exitCode !== 0) throw new Error(`provision-cluster failed:\n${run.stdout}`);
      return { exitedAt };
    };
    await provision(10);
    const samples: number[] = [];
    for (let i = 1; i <= runs; i++) {
      const mark = cloud.arm.timeline.length;
      const { exitedAt } = await provision(i % 2 === 1 ? 11 : 10);
      const succeeded = cloud.arm.timeline.slice(mark).find(e => e.type === 'deployment-succeeded');
      if (!succeeded) throw new Error('provision-cluster did not deploy');
      samples.push(exitedAt - succeeded.at);
    }
    return {
      wait: 'ARM deployment Succeeded → exit',
      action: 'provision-cluster',
      latency: spread(samples)
    };
  } finally {
    await cloud.close();
    await local.stop();
  }
}

/**
 * The jump server's Service getting its load balancer address, after its pod is Ready (pods
 * start five times faster than addresses come here, so that the address is the last thing
 * waited for): from the bench's own watch seeing the address to the process's exit. Each run is
 * a new jump server, so a new address.
 */
export async function loadBalancerDetection(
  root: string,
  scale: Scale,
  runs: number
): Promise<Detection> {
  const local = await ensureCluster(() => {}, {
    podStartMs: Math.round(scale.loadBalancerDelayMs / 5),
    loadBalancerDelayMs: scale.loadBalancerDelayMs
  });
  const cluster = await useCluster();
  try {
    const key = generateHostKey('ed25519', 'bench-user');
    const samples: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const name = `sshd-bench-${i}`;
      const pods = await cluster.watchPods();
      const addresses = await watchAddresses(cluster);
      const run = await runActionProcess({
        actionDir: join(root, 'actions', 'jumpserver'),
        inputs: {
          'authorized-keys': key.publicKey,
          'allowed-cidrs': '203.0.113.0/24',
          namespace: cluster.namespace,
          name,
          target: '10.0.0.10:9002',
          image: 'ghcr.io/owner/gadgetron-actions/jumpserver:1.0.0',
          kubeconfig: cluster.kubeconfigPath
        }
      }).finally(() => {
        pods.stop();
        addresses.stop();
      });
      const exitedAt = performance.now();
      if (run.exitCode !== 0) throw new Error(`jumpserver failed:\n${run.stdout}`);
      const assignedAt = addresses.assigned.get(name);
      if (assignedAt === undefined) throw new Error(`no load balancer address for ${name}`);
      const lastReady = Math.max(
        ...pods.events.filter(e => e.type === 'ready' && e.name.startsWith(name)).map(e => e.at)
      );
      if (lastReady > assignedAt)
        throw new Error(`${name}: the pod turned Ready after the address; slow the address down`);
      // The first run pays for the namespace; it is a warm-up.
      if (i > 0) samples.push(exitedAt - assignedAt);
    }
    return {
      wait: 'LoadBalancer address assigned → exit',
      action: 'jumpserver',
      latency: spread(samples)
    };
  } finally {
    await cluster.close();
    await local.stop();
  }
}

/** When the bench first sees each Service of the namespace with a load balancer address. */
async function watchAddresses(
  cluster: TestCluster
): Promise<{ assigned: Map<string, number>; stop(): void }> {
  const assigned = new Map<string, number>();
  const watch = new k8s.Watch(cluster.kc);
  const controller = await watch.watch(
    `/api/v1/namespaces/${cluster.namespace}/services`,
    {},
    (_phase: string, service: k8s.V1Service) => {
      const name = service.metadata?.name ?? '';
      if (service.status?.loadBalancer?.ingress?.length && !assigned.has(name))
        assigned.set(name, performance.now());
    },
    () => {}
  );
  return { assigned, stop: () => controller.abort() };
}

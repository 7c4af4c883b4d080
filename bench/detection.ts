/**
 * Detection latency of the waits outside a rollout (bench/deploy.ts has the rollout's): from the
 * moment the emulator changes the state an action waits for to the action's exit, over repeated
 * runs of the action on its own.
 */
import { join } from 'node:path';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startKubernetesEmulator } from '../emulators/kubernetes/index.ts';
import { generateHostKey } from '../src/ssh/host-keys.ts';
import { startLocalCloud } from '../tools/fixtures/cloud.ts';
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
  const cloud = await startLocalCloud({
    arm: { durations: scale.arm, pollRetryAfterMs: scale.pollRetryAfterMs },
    kube: { podReadyDelayMs: scale.podReadyDelayMs, timeScale: 1 / scale.factor }
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
  }
}

/**
 * The jump server's Service getting its load balancer address, after its pod is Ready (the pod
 * is made quick here so that the address is the last thing waited for): from the emulator
 * assigning the address to the process's exit. Each run is a new jump server, so a new address.
 */
export async function loadBalancerDetection(
  root: string,
  scale: Scale,
  runs: number
): Promise<Detection> {
  const cluster = await startKubernetesEmulator({
    podReadyDelayMs: Math.round(scale.loadBalancerDelayMs / 5),
    loadBalancerDelayMs: scale.loadBalancerDelayMs,
    timeScale: 1 / scale.factor
  });
  try {
    const key = generateHostKey('ed25519', 'bench-user');
    const samples: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const name = `sshd-bench-${i}`;
      const mark = cluster.timeline.length;
      const run = await runActionProcess({
        actionDir: join(root, 'actions', 'jumpserver'),
        inputs: {
          'authorized-keys': key.publicKey,
          'allowed-cidrs': '203.0.113.0/24',
          namespace: 'gadgetron',
          name,
          target: '10.0.0.10:9002',
          image: 'ghcr.io/owner/gadgetron-actions/jumpserver:1.0.0',
          kubeconfig: cluster.kubeconfigPath
        }
      });
      const exitedAt = performance.now();
      if (run.exitCode !== 0) throw new Error(`jumpserver failed:\n${run.stdout}`);
      const events = cluster.timeline.slice(mark);
      const assigned = events.find(e => e.type === 'lb-assigned' && e.name === name);
      if (!assigned) throw new Error(`no load balancer address for ${name}`);
      const lastReady = Math.max(
        ...events.filter(e => e.type === 'pod-ready' && e.name.startsWith(name)).map(e => e.at)
      );
      if (lastReady > assigned.at)
        throw new Error(`${name}: the pod turned Ready after the address; slow the address down`);
      // The first run pays for the namespace; it is a warm-up.
      if (i > 0) samples.push(exitedAt - assigned.at);
    }
    return {
      wait: 'LoadBalancer address assigned → exit',
      action: 'jumpserver',
      latency: spread(samples)
    };
  } finally {
    await cluster.close();
  }
}

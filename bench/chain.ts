/**
 * Stand-up, re-run and upgrade through the sandbox's chain (the workflows as written, run by the
 * local runner against the ARM emulator and a local cluster of its own), with the cloud's
 * latencies set explicitly: wall time against the critical path computed from those latencies
 * and the workflow's job graph, and the requests each action run made, from the ARM emulator's
 * log and the cluster's fault proxy.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateHostKey } from '../src/ssh/host-keys.ts';
import { startLocalCloud, type LocalCloud } from '../tools/fixtures/cloud.ts';
import { ensureCluster } from '../tools/fixtures/cluster.ts';
import {
  REPOSITORY,
  SANDBOX_CLUSTER,
  releaseContext,
  runChainWorkflow,
  standUpInputs
} from '../tools/sandbox/chain.ts';
import type { WorkflowResult } from '../tools/workflow-runner/index.ts';
import { DEPLOYMENT_ACCEPT_MS, type Scale } from './scale.ts';

export interface StepWindow {
  readonly job: string;
  readonly step: string;
  /** `provision-cluster` for `uses: ./actions/provision-cluster`; undefined for run steps. */
  readonly action: string | undefined;
  readonly post: boolean;
  readonly startedAt: number;
  readonly endedAt: number;
}

export interface ChainRun {
  readonly workflow: string;
  readonly wallMs: number;
  readonly criticalPathMs: number;
  /** The critical path's jobs, in order, with the cloud time each adds. */
  readonly path: readonly { job: string; cloudMs: number }[];
  readonly steps: readonly StepWindow[];
  /** Per action step (`job › action`), requests by kind. */
  readonly requests: Record<string, Record<string, number>>;
  /** PUTs that reached the managed cluster (directly or as a deployment's resource). */
  readonly clusterPuts: number;
  readonly clusterDeployments: number;
}

export interface ChainBench {
  readonly scale: Scale;
  readonly replicas: number;
  readonly standUp: ChainRun;
  readonly rerun: ChainRun;
  readonly upgrade: ChainRun;
}

/** Cloud time each job of the chain waits for, by workflow and job, on a given scale. */
function cloudTimes(scale: Scale, replicas: number): Record<string, Record<string, number>> {
  const pod = scale.podReadyDelayMs;
  return {
    'stand-up': {
      cluster: DEPLOYMENT_ACCEPT_MS + scale.arm.clusterCreateMs,
      // The shares depend on the account and are created side by side.
      storage: DEPLOYMENT_ACCEPT_MS + scale.arm.storageCreateMs + scale.arm.shareCreateMs,
      // The storage server's pod and Gadgetron's pods are created by one apply and come up side
      // by side (Gadgetron does not wait for the storage server to start).
      gadgetron: pod,
      // The load balancer's address and the jump server's pod come up side by side.
      jumpserver: Math.max(scale.loadBalancerDelayMs, pod)
    },
    // maxSurge 1, maxUnavailable 0: one new pod at a time.
    update: { update: replicas * pod }
  };
}

export async function benchChain(
  root: string,
  options: { scale: Scale; replicas: number }
): Promise<ChainBench> {
  const { scale, replicas } = options;
  const local = await ensureCluster(() => {}, {
    podStartMs: scale.podReadyDelayMs,
    loadBalancerDelayMs: scale.loadBalancerDelayMs
  });
  // The workflows deploy into the namespace gadgetron, their default.
  const cloud = await startLocalCloud({
    arm: { durations: scale.arm, pollRetryAfterMs: scale.pollRetryAfterMs },
    namespace: 'gadgetron'
  }).catch(async (error: unknown) => {
    await local.stop();
    throw error;
  });
  const times = cloudTimes(scale, replicas);
  try {
    const key = generateHostKey('ed25519', 'bench-user');
    const inputs = {
      ...standUpInputs(`${REPOSITORY}:4.7.2`, key.publicKey),
      'min-replicas': String(replicas)
    };
    const standUp = await measure(cloud, root, 'stand-up', inputs, {}, times['stand-up'] ?? {});
    const rerun = await measure(cloud, root, 'stand-up', inputs, {}, {});
    const upgrade = await measure(
      cloud,
      root,
      'update',
      { ...SANDBOX_CLUSTER, 'release-tag': 'v4.7.3', 'min-replicas': String(replicas) },
      releaseContext('v4.7.3'),
      times.update ?? {}
    );
    return { scale, replicas, standUp, rerun, upgrade };
  } finally {
    await cloud.close();
    await local.stop();
  }
}

async function measure(
  cloud: LocalCloud,
  root: string,
  workflow: string,
  inputs: Record<string, string>,
  github: Record<string, unknown>,
  jobCloudMs: Record<string, number>
): Promise<ChainRun> {
  const armFrom = cloud.arm.requests.length;
  const kubeFrom = cloud.kube?.requests.length ?? 0;
  const uses = stepActions(root, workflow);
  const open = new Map<string, number>();
  const steps: StepWindow[] = [];
  const lines: string[] = [];
  const startedAt = performance.now();
  const result: WorkflowResult = await runChainWorkflow(cloud, workflow, inputs, {
    root,
    github,
    log: line => {
      lines.push(line);
      const m = /^\[([^\]]+)\] (▶|✔|✘) (.+?)(?: \([^()]*\))?(?: — continue-on-error)?$/.exec(line);
      if (!m) return;
      const [, job = '', mark, step = ''] = m;
      const id = `${job}\u0000${step}`;
      if (mark === '▶') {
        open.set(id, performance.now());
        return;
      }
      const begun = open.get(id);
      if (begun === undefined) return;
      const post = step.startsWith('Post ');
      steps.push({
        job,
        step,
        action: uses[`${job}\u0000${post ? step.slice(5) : step}`],
        post,
        startedAt: begun,
        endedAt: performance.now()
      });
    }
  });
  const wallMs = performance.now() - startedAt;
  if (!result.ok)
    throw new Error(`${workflow}.yml failed: ${result.error ?? ''}\n${lines.join('\n')}`);

  const { criticalPathMs, path } = criticalPath(root, workflow, jobCloudMs);
  const arm = cloud.arm.requests.slice(armFrom);
  if (process.env.BENCH_DUMP)
    console.log(
      JSON.stringify({
        arm,
        timeline: cloud.arm.timeline,
        now: Date.now(),
        perf: performance.now()
      })
    );
  const kube = cloud.kube?.requests.slice(kubeFrom) ?? [];
  const clusterPuts = arm.filter(
    r => r.method === 'PUT' && /\/managedclusters\//i.test(r.path)
  ).length;
  const clusterDeployments = arm.filter(
    r => r.method === 'PUT' && /\/deployments\/[^/]*cluster/i.test(r.path)
  ).length;
  return {
    workflow,
    wallMs,
    criticalPathMs,
    path,
    steps,
    requests: attribute(steps, arm, kube),
    clusterPuts,
    clusterDeployments
  };
}

/** `job\0step name` → the action a step uses (`./actions/NAME` → NAME). */
function stepActions(root: string, workflow: string): Record<string, string> {
  const doc = parse(
    readFileSync(join(root, '.github', 'workflows', `${workflow}.yml`), 'utf8')
  ) as {
    jobs: Record<string, { steps?: { name?: string; uses?: string }[] }>;
  };
  const map: Record<string, string> = {};
  for (const [job, spec] of Object.entries(doc.jobs)) {
    for (const step of spec.steps ?? []) {
      const m = /^\.\/actions\/([^@/]+)/.exec(step.uses ?? '');
      if (m && step.name) map[`${job}\u0000${step.name}`] = m[1] as string;
    }
  }
  return map;
}

/**
 * The longest chain of `needs:` through the workflow's jobs, each weighted by the cloud time it
 * waits for: what the run would take if everything of ours took no time.
 */
export function criticalPath(
  root: string,
  workflow: string,
  jobCloudMs: Record<string, number>
): { criticalPathMs: number; path: { job: string; cloudMs: number }[] } {
  const doc = parse(
    readFileSync(join(root, '.github', 'workflows', `${workflow}.yml`), 'utf8')
  ) as {
    jobs: Record<string, { needs?: string | string[] }>;
  };
  const memo = new Map<string, { ms: number; path: { job: string; cloudMs: number }[] }>();
  const longest = (job: string): { ms: number; path: { job: string; cloudMs: number }[] } => {
    const known = memo.get(job);
    if (known) return known;
    const needs = [doc.jobs[job]?.needs ?? []].flat();
    let best = { ms: 0, path: [] as { job: string; cloudMs: number }[] };
    for (const need of needs) {
      const candidate = longest(need);
      if (candidate.ms > best.ms || best.path.length === 0) best = candidate;
    }
    const own = jobCloudMs[job] ?? 0;
    const result = { ms: best.ms + own, path: [...best.path, { job, cloudMs: own }] };
    memo.set(job, result);
    return result;
  };
  let best = { ms: 0, path: [] as { job: string; cloudMs: number }[] };
  for (const job of Object.keys(doc.jobs)) {
    const candidate = longest(job);
    if (candidate.ms > best.ms || best.path.length === 0) best = candidate;
  }
  return { criticalPathMs: best.ms, path: best.path };
}

type ArmRecord = LocalCloud['arm']['requests'][number];
type KubeRecord = NonNullable<LocalCloud['kube']>['requests'][number];

/**
 * Requests by action step. Kubernetes requests fall in the window of the one step talking to
 * the cluster at the time (those steps never overlap). ARM requests are told apart by the access
 * token they carry: each action process signs in once, so its requests share one; a process
 * belongs to the step whose window holds its requests (when two overlap, the one whose resource
 * group it touched: the cluster and storage jobs run side by side).
 */
function attribute(
  steps: readonly StepWindow[],
  arm: readonly ArmRecord[],
  kube: readonly KubeRecord[]
): Record<string, Record<string, number>> {
  // The ARM emulator logs wall-clock time (Date.now()); the steps and the cluster's fault proxy
  // this process's clock (performance.now()).
  const offset = Date.now() - performance.now();
  const epoch = (at: number): number => at + offset;
  const actionSteps = steps.filter(s => s.action && !s.post);
  const label = (s: StepWindow): string => `${s.job} › ${s.action}`;
  const counts: Record<string, Record<string, number>> = {};
  const add = (s: StepWindow, kind: string): void => {
    const bucket = (counts[label(s)] ??= {});
    bucket[kind] = (bucket[kind] ?? 0) + 1;
  };
  for (const s of actionSteps) counts[label(s)] ??= {};

  const byCaller = new Map<number, ArmRecord[]>();
  for (const r of arm) {
    if (r.caller === undefined) continue;
    byCaller.set(r.caller, [...(byCaller.get(r.caller) ?? []), r]);
  }
  for (const records of byCaller.values()) {
    const first = Math.min(...records.map(r => r.at));
    const last = Math.max(...records.map(r => r.at));
    const holding = actionSteps.filter(
      s => epoch(s.startedAt) - 5 <= first && last <= epoch(s.endedAt) + 5
    );
    const groups = new Set(
      records.map(r => /\/resourcegroups\/([^/]+)/i.exec(r.path)?.[1]?.toLowerCase())
    );
    const step =
      holding.length <= 1
        ? holding[0]
        : holding.find(s =>
            s.action === 'create-storage'
              ? [...groups].some(g => g?.endsWith('-storage'))
              : ![...groups].some(g => g?.endsWith('-storage'))
          );
    if (!step) continue;
    for (const r of records) add(step, armKind(r));
  }
  for (const r of kube) {
    const step = actionSteps.find(
      s => s.action !== undefined && s.startedAt <= r.at && r.at <= s.endedAt
    );
    if (step) add(step, `k8s ${r.verb} ${r.resource ?? '-'}`);
  }
  for (const [name, bucket] of Object.entries(counts))
    counts[name] = Object.fromEntries(
      Object.entries(bucket).sort(([a], [b]) => a.localeCompare(b))
    );
  return counts;
}

function armKind(r: ArmRecord): string {
  const type = r.resourceType?.split('/').slice(1).join('/');
  const what = r.operation && r.operation !== r.method.toLowerCase() ? r.operation : '';
  return `arm ${r.method} ${[type, what].filter(Boolean).join(' ') || r.path.split('/').slice(-1)[0]}`;
}

import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { memoryLimit, releaseSettings, type DeployInputs } from './inputs.ts';
import {
  gadgetronNames,
  renderGadgetron,
  toYaml,
  type GadgetronSpec
} from '../../src/render/gadgetron.ts';
import { connect, type KubeClient } from '../../src/kubernetes/connect.ts';
import { applyObjects } from '../../src/kubernetes/apply.ts';
import { listInstance, prune } from '../../src/kubernetes/inventory.ts';
import { describeObject, objectKey } from '../../src/kubernetes/objects.ts';
import { toWire } from '../../src/kubernetes/wire.ts';
import type { RolloutOutcome } from '../../src/kubernetes/rollout.ts';
import { retryPolicy } from '../../src/kubernetes/logging.ts';
import { withRetry } from '../../src/kubernetes/retry.ts';
import { describeApiError, isNotFound } from '../../src/kubernetes/errors.ts';
import { diffObject, formatChange, type ObjectDiff } from '../../src/kubernetes/diff.ts';
import {
  readRelease,
  releaseSecret,
  type Release,
  type RunTrace
} from '../../src/kubernetes/release.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';
import { runTrace } from '../../src/runtime/trace.ts';
import type { InputSource } from '../../src/inputs/read.ts';
import type { ResolvedSettings } from './settings.ts';
import { writeDeploySummary, type DeployReport } from './summary.ts';
import { headline, highlights } from './headline.ts';
import { ensureNamespace } from '../../src/kubernetes/namespace.ts';
import { followRollout } from '../../src/kubernetes/follow.ts';
import { applyDevicePlugin, waitForGpuNodes } from '../../src/kubernetes/device-plugin.ts';
import { looksLikeCudaImage } from '../../src/render/image.ts';

/** Ten minutes: pulling the plugin's image and its registration with the kubelet take far less. */
const GPU_NODES_TIMEOUT_MS = 600_000;
import { drainingPods, logTail, type LogTail } from '../../src/kubernetes/pods.ts';

const MANAGED_TYPES = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }
];

/** Annotations that tie an object to the run that last changed it. */
const TRACE_ANNOTATIONS: Record<keyof RunTrace, string> = {
  url: 'gadgetron-actions.io/run-url',
  commit: 'gadgetron-actions.io/commit',
  actor: 'gadgetron-actions.io/actor'
};

export type Settings = Record<string, string>;
type GadgetronRelease = Release<Settings>;

export async function deployGadgetron(
  inputs: DeployInputs,
  source: InputSource,
  resolved?: ResolvedSettings
): Promise<void> {
  const spec = gadgetronSpec(inputs);
  const objects = renderGadgetron(spec);
  const manifests = writeManifests(spec, objects);
  core.setOutput('manifests', manifests);
  core.setOutput('image', spec.image);
  core.setOutput(
    'service',
    `${gadgetronNames(spec.name).frontend}.${spec.namespace}.svc.cluster.local:9002`
  );
  core.setOutput('rolled-back', 'false');
  if (spec.resources.gpus > 0 && !looksLikeCudaImage(spec.image)) {
    core.warning(
      `gpus is ${spec.resources.gpus} but ${spec.image} is not a CUDA image: the pods hold GPUs they do not use. Use the ..._rt_cuda image (e.g. ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_cuda), or gpus: 0.`
    );
  }

  if (inputs['dry-run'] === 'client') {
    await validateOffline(objects, manifests, spec);
    return;
  }

  const client = connect(inputs.kubeconfig);
  core.info(`Cluster: ${client.server}`);
  const dryRun = inputs['dry-run'] === 'server';
  await requireClaims(client, spec);
  if (spec.resources.gpus > 0 && !dryRun) {
    await core.group('NVIDIA device plugin', () => installDevicePlugin(client));
  }

  const trace = runTrace();
  const plan = await core.group(dryRun ? 'Compare (dry run)' : 'Compare', () =>
    compare(client, spec, objects, dryRun, trace)
  );
  logPlan(spec, plan);
  const changed = plan.diffs.some(d => d.change !== 'unchanged');
  core.setOutput('changed', String(changed && !dryRun));

  const report: DeployReport = {
    spec,
    diffs: plan.diffs,
    headline: headline(highlights(spec.name, plan.diffs)),
    dryRun,
    rollout: undefined,
    rolledBack: false,
    previous: plan.release,
    settings: resolved
  };
  if (dryRun) {
    core.setOutput('cluster-ip', clusterIp(plan.previewed, spec.name));
    core.info('Server-side dry run: nothing was stored.');
    await writeDeploySummary(report);
    return;
  }

  const applied = await core.group('Apply', () => apply(client, spec, plan));
  core.setOutput('cluster-ip', clusterIp(applied, spec.name));

  const rollout = await core.group('Roll out', () =>
    followRollouts(client, spec.name, spec.namespace, applied, inputs.timeout)
  );
  report.rollout = rollout;
  if (rollout.result === 'complete') {
    const release = await recordRelease(client, spec, plan, changed, trace, source);
    report.release = release;
    core.setOutput('revision', String(release.revision));
    report.draining = await draining(client, spec, applied);
    await writeDeploySummary(report);
    return;
  }

  reportFailure(rollout);
  // Before any rollback: it removes the failing pods.
  report.logs = await failingLogs(client, spec, rollout);
  const previous = plan.release;
  if (inputs['rollback-on-failure'] && (previous || plan.legacyDeployment)) {
    report.restored = await core.group('Roll back', () =>
      previous
        ? rollBack(client, spec, previous, inputs.timeout)
        : rollBackDeployment(client, spec, plan.legacyDeployment as V1Deployment, inputs.timeout)
    );
    report.rolledBack = true;
    core.setOutput('rolled-back', 'true');
    core.setOutput('image', previous?.settings.image ?? legacyImage(plan.legacyDeployment));
    if (previous) core.setOutput('revision', String(previous.revision));
  }
  await writeDeploySummary(report);
  throw new ActionFailure(
    `Rollout of ${spec.namespace}/${spec.name} ${rollout.result === 'timeout' ? 'timed out' : 'failed'}: ${rollout.summary}` +
      (report.rolledBack
        ? previous
          ? `. The previous release (revision ${previous.revision}) was restored.`
          : '. The previous version was restored.'
        : previous || plan.legacyDeployment
          ? ''
          : '. There was no previous version to restore.')
  );
}

/**
 * Pods asking for nvidia.com/gpu schedule only on nodes whose device plugin advertises it: the
 * plugin is applied (it runs on the GPU pool only) and its nodes are awaited.
 */
async function installDevicePlugin(client: KubeClient): Promise<void> {
  for (const { object, change } of await applyDevicePlugin(client, retryPolicy())) {
    core.info(
      `${change.padEnd(10)} ${object.kind} ${object.metadata?.namespace}/${object.metadata?.name}`
    );
  }
  await waitForGpuNodes(client, { log: line => core.info(line), timeoutMs: GPU_NODES_TIMEOUT_MS });
}

function gadgetronSpec(inputs: DeployInputs): GadgetronSpec {
  return {
    name: inputs.name,
    namespace: inputs.namespace,
    image: inputs.image.reference,
    replicas: {
      min: inputs['min-replicas'],
      max: inputs['max-replicas'],
      cpuUtilization: inputs['cpu-utilization']
    },
    resources: {
      cpuRequest: inputs['cpu-request'],
      memoryRequest: inputs['memory-request'],
      cpuLimit: inputs['cpu-limit'],
      memoryLimit: memoryLimit(inputs),
      gpus: inputs.gpus
    },
    nodeSelector: inputs['node-selector'] ?? {},
    tolerations: inputs.tolerations ?? [],
    dataClaim: inputs['data-claim'],
    dependenciesClaim: inputs['dependencies-claim'],
    storageServer: inputs['storage-server']
      ? { image: inputs['storage-server-image'].reference }
      : undefined,
    terminationGracePeriodSeconds: inputs['termination-grace-period'],
    drainSettleSeconds: inputs['drain-settle-time'],
    remoteWorkers: inputs['remote-workers']
  };
}

function writeManifests(spec: GadgetronSpec, objects: KubernetesObject[]): string {
  const dir = process.env.RUNNER_TEMP || process.cwd();
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `gadgetron-${spec.namespace}-${spec.name}.yaml`);
  writeFileSync(path, toYaml(objects));
  return path;
}

async function validateOffline(
  objects: KubernetesObject[],
  manifests: string,
  spec: GadgetronSpec
): Promise<void> {
  // Loaded only here: the schema validator is large and only the offline dry run needs it.
  const { validateObjects } = await import('../../src/render/validate.ts');
  const problems = validateObjects(objects);
  if (problems.length > 0) {
    throw new ActionFailure(`The rendered objects are invalid:\n${problems.join('\n')}`);
  }
  core.info(
    `Rendered ${objects.length} objects; all valid against the Kubernetes schemas. Written to ${manifests}.`
  );
  core.setOutput('changed', 'false');
  await writeDeploySummary({
    spec,
    diffs: [],
    dryRun: true,
    rendered: objects,
    rollout: undefined,
    rolledBack: false
  });
}

/** Pods that mount a missing claim never start: say so now rather than at the rollout's timeout. */
async function requireClaims(client: KubeClient, spec: GadgetronSpec): Promise<void> {
  const claims: [string, string | undefined][] = [
    ['data-claim', spec.dataClaim],
    ['dependencies-claim', spec.storageServer ? spec.dependenciesClaim : undefined]
  ];
  for (const [input, claim] of claims) {
    if (!claim) continue;
    try {
      await withRetry(
        `read claim ${claim}`,
        () =>
          client.core.readNamespacedPersistentVolumeClaim({
            name: claim,
            namespace: spec.namespace
          }),
        retryPolicy()
      );
    } catch (error) {
      if (!isNotFound(error))
        throw new ActionFailure(
          `Could not read claim ${spec.namespace}/${claim}: ${describeApiError(error)}`
        );
      throw new ActionFailure(
        `The PersistentVolumeClaim '${claim}' (input '${input}') does not exist in namespace ${spec.namespace}. ` +
          `Create it first (the create-storage action does), or set ${input} to an empty string to run without it.`
      );
    }
  }
}

interface Plan {
  /** The rendered objects with the run's trace on those that change, as they will be applied. */
  readonly objects: KubernetesObject[];
  /** What the API server answered to a dry-run apply of each. */
  readonly previewed: KubernetesObject[];
  readonly diffs: ObjectDiff[];
  /** Live objects of the instance, before this run. */
  readonly live: Map<string, KubernetesObject>;
  readonly release: GadgetronRelease | undefined;
  /** An instance applied before releases were recorded: only its Deployment can be restored. */
  readonly legacyDeployment: V1Deployment | undefined;
}

/**
 * What applying the rendered objects would change, field by field: each is applied as a dry
 * run and the answer compared with the live object, so the API server's defaults and admission
 * take part and only real changes show. The objects that change get the run's trace; the
 * others keep the trace they carry, so an apply that changes nothing stays a no-op.
 */
async function compare(
  client: KubeClient,
  spec: GadgetronSpec,
  rendered: KubernetesObject[],
  dryRun: boolean,
  trace: RunTrace
): Promise<Plan> {
  const retry = retryPolicy();
  await ensureNamespace(client, spec.namespace, { dryRun, retry });
  const selector = `app.kubernetes.io/instance=${spec.name},app.kubernetes.io/managed-by=gadgetron-actions`;
  const live = await listInstance(client, spec.namespace, MANAGED_TYPES, selector, retry);
  const release = await readRelease<Settings>(client, spec.namespace, spec.name, retry);
  const kept = rendered.map(object => withTrace(object, traceOf(live.get(objectKey(object)))));
  const previewed = (await applyObjects(client, kept, { dryRun: true, live, retry })).map(
    a => a.object
  );
  const keep = new Set(rendered.map(objectKey));
  const diffs: ObjectDiff[] = kept.map((object, i) => {
    const before = live.get(objectKey(object));
    const after = previewed[i] as KubernetesObject;
    if (!before) return { change: 'created', object };
    const fields = diffObject(before, after);
    return { change: fields.length > 0 ? 'configured' : 'unchanged', object, fields };
  });
  for (const [key, object] of live)
    if (!keep.has(key)) diffs.push({ change: 'pruned', object: toWire(object) });
  const objects = kept.map((object, i) =>
    diffs[i]?.change === 'unchanged' ? object : withTrace(object, trace)
  );
  const legacy = release
    ? undefined
    : (live.get(
        objectKey({ kind: 'Deployment', metadata: { name: spec.name, namespace: spec.namespace } })
      ) as V1Deployment | undefined);
  return { objects, previewed, diffs, live, release, legacyDeployment: legacy };
}

function traceOf(object: KubernetesObject | undefined): RunTrace {
  const annotations = object?.metadata?.annotations ?? {};
  const trace: Record<string, string> = {};
  for (const [key, annotation] of Object.entries(TRACE_ANNOTATIONS)) {
    const value = annotations[annotation];
    if (value !== undefined) trace[key] = value;
  }
  return trace;
}

function withTrace(object: KubernetesObject, trace: RunTrace): KubernetesObject {
  const annotations = { ...object.metadata?.annotations };
  for (const [key, annotation] of Object.entries(TRACE_ANNOTATIONS)) {
    const value = trace[key as keyof RunTrace];
    if (value === undefined) delete annotations[annotation];
    else annotations[annotation] = value;
  }
  const { annotations: _old, ...metadata } = object.metadata ?? {};
  return {
    ...object,
    metadata: { ...metadata, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) }
  };
}

/** The diff in the log: one line per object, one more per changed field. */
function logPlan(spec: GadgetronSpec, plan: Plan): void {
  const line = headline(highlights(spec.name, plan.diffs));
  if (plan.release) core.info(`Running release: revision ${plan.release.revision}.`);
  core.info(
    line ? `Changes: ${line}.` : 'No change to the image, replicas, resources or grace period.'
  );
  for (const diff of plan.diffs) {
    core.info(`${diff.change.padEnd(10)} ${describeObject(diff.object)}`);
    if (diff.change === 'configured')
      for (const field of diff.fields) core.info(`           ${formatChange(field)}`);
  }
}

async function apply(
  client: KubeClient,
  spec: GadgetronSpec,
  plan: Plan
): Promise<KubernetesObject[]> {
  const retry = retryPolicy();
  const applied = await applyObjects(client, plan.objects, { live: plan.live, retry });
  const keep = new Set(plan.objects.map(objectKey));
  const pruned = await prune(client, plan.live, keep, false, retry);
  core.info(
    `Applied ${applied.length} objects to ${spec.namespace}${pruned.length > 0 ? `, deleted ${pruned.length}` : ''}.`
  );
  return applied.map(a => a.object);
}

/**
 * Records the release once its rollout completed. A run that changed nothing keeps the
 * revision; one that found no record (a first run, or an instance from before records) starts
 * at 1.
 */
async function recordRelease(
  client: KubeClient,
  spec: GadgetronSpec,
  plan: Plan,
  changed: boolean,
  trace: RunTrace,
  source: InputSource
): Promise<GadgetronRelease> {
  if (plan.release && !changed) return plan.release;
  const release: GadgetronRelease = {
    revision: (plan.release?.revision ?? 0) + 1,
    settings: releaseSettings(source),
    objects: plan.objects,
    completedAt: new Date().toISOString(),
    ...(Object.keys(trace).length > 0 ? { run: trace } : {})
  };
  await applyObjects(client, [releaseSecret(release, spec.namespace, spec.name)], {
    retry: retryPolicy()
  });
  core.info(`Recorded release revision ${release.revision}.`);
  return release;
}

/**
 * The storage server first: Gadgetron exits while it does not answer, so its pods only settle
 * once the storage server is ready. Both share the one timeout.
 */
async function followRollouts(
  client: KubeClient,
  name: string,
  namespace: string,
  objects: readonly KubernetesObject[],
  timeoutMs: number
): Promise<RolloutOutcome> {
  const deadline = Date.now() + timeoutMs;
  const storageName = gadgetronNames(name).storage;
  if (deploymentOf(objects, storageName)) {
    const storage = await followRollout(
      client,
      namespace,
      storageName,
      timeoutMs,
      deploymentOf(objects, storageName)?.spec?.selector.matchLabels
    );
    if (storage.result !== 'complete') return storage;
  }
  const remaining = Math.max(1000, deadline - Date.now());
  return followRollout(
    client,
    namespace,
    name,
    remaining,
    deploymentOf(objects, name)?.spec?.selector.matchLabels
  );
}

/** A Deployment among the objects (selectors are immutable, so its selector is the live one). */
function deploymentOf(
  objects: readonly KubernetesObject[],
  name: string
): V1Deployment | undefined {
  return objects.find(o => o.kind === 'Deployment' && o.metadata?.name === name) as
    V1Deployment | undefined;
}

/** The old pods still finishing their reconstructions, with their image; best effort. */
async function draining(
  client: KubeClient,
  spec: GadgetronSpec,
  applied: readonly KubernetesObject[]
): Promise<{ pod: string; image: string }[]> {
  const labels = deploymentOf(applied, spec.name)?.spec?.selector.matchLabels;
  if (!labels) return [];
  try {
    const pods = await drainingPods(client, spec.namespace, labels);
    const found = pods.map(p => ({
      pod: p.metadata?.name ?? '',
      image: p.spec?.containers[0]?.image ?? ''
    }));
    for (const { pod, image } of found)
      core.info(`Pod ${pod} (${image}) is draining: it ends when its reconstructions do.`);
    return found;
  } catch (error) {
    core.info(`(could not list draining pods: ${describeApiError(error)})`);
    return [];
  }
}

/** The recent log lines of each pod the rollout could not start, or the API's reason why not. */
async function failingLogs(
  client: KubeClient,
  spec: GadgetronSpec,
  rollout: Exclude<RolloutOutcome, { result: 'complete' }>
): Promise<LogTail[]> {
  const tails: LogTail[] = [];
  for (const pod of new Set(rollout.problems.map(p => p.pod))) {
    const container = pod.startsWith(`${spec.name}-storage-`) ? 'storage' : 'gadgetron';
    const tail = await logTail(client, spec.namespace, pod, container);
    if ('lines' in tail)
      core.info(
        `Last log lines of ${pod}:\n  ${tail.lines.length > 0 ? tail.lines.join('\n  ') : '(empty)'}`
      );
    else core.info(`No log of ${pod}: ${tail.unavailable}`);
    tails.push(tail);
  }
  return tails;
}

function reportFailure(rollout: Exclude<RolloutOutcome, { result: 'complete' }>): void {
  for (const problem of rollout.problems) {
    const what = problem.kind === 'waiting' ? 'waits for a dependency' : 'cannot run';
    core.error(
      `Pod ${problem.pod} ${what} (${problem.reason})${problem.message ? `: ${problem.message}` : ''}`
    );
  }
  if (rollout.events.length > 0) core.info(`Recent events:\n  ${rollout.events.join('\n  ')}`);
}

/**
 * Puts the previous release back whole, as it was applied: every object it had (the autoscaler,
 * Services, policies and storage server as much as the Deployment), then deletes the objects
 * the failed run added, then waits for the rollouts. Returns the image restored.
 */
async function rollBack(
  client: KubeClient,
  spec: GadgetronSpec,
  previous: GadgetronRelease,
  timeoutMs: number
): Promise<string> {
  const retry = retryPolicy();
  core.info(`Restoring release revision ${previous.revision} (${previous.settings.image}).`);
  const objects = [...previous.objects];
  await applyObjects(client, objects, { retry });
  const selector = `app.kubernetes.io/instance=${spec.name},app.kubernetes.io/managed-by=gadgetron-actions`;
  const live = await listInstance(client, spec.namespace, MANAGED_TYPES, selector, retry);
  const pruned = await prune(client, live, new Set(objects.map(objectKey)), false, retry);
  for (const object of pruned)
    core.info(`Deleted ${describeObject(object)}, which the failed run added.`);
  const outcome = await followRollouts(client, spec.name, spec.namespace, objects, timeoutMs);
  if (outcome.result !== 'complete') {
    reportFailure(outcome);
    throw new ActionFailure(
      `Rollback of ${spec.namespace}/${spec.name} to revision ${previous.revision} did not complete either: ${outcome.summary}`
    );
  }
  core.info(`Rolled back to release revision ${previous.revision}.`);
  return previous.settings.image ?? '';
}

/**
 * An instance applied before releases were recorded: only the previous Deployment is known, so
 * its pod template is put back, as `kubectl rollout undo` does.
 */
async function rollBackDeployment(
  client: KubeClient,
  spec: GadgetronSpec,
  previous: V1Deployment,
  timeoutMs: number
): Promise<string> {
  // The live object is in the client's model shape; applyObjects takes the API's.
  const live = toWire(previous);
  const restored: KubernetesObject = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: live.metadata?.name,
      namespace: live.metadata?.namespace,
      labels: live.metadata?.labels
    },
    // The replica count belongs to the autoscaler, not to the version being restored.
    spec: { ...live.spec, replicas: undefined }
  } as KubernetesObject;
  const image = legacyImage(previous);
  core.info(`No release record: restoring the previous Deployment only (${image}).`);
  await applyObjects(client, [restored], { retry: retryPolicy() });
  const outcome = await followRollout(client, spec.namespace, spec.name, timeoutMs);
  if (outcome.result !== 'complete') {
    reportFailure(outcome);
    throw new ActionFailure(
      `Rollback of ${spec.namespace}/${spec.name} did not complete either: ${outcome.summary}`
    );
  }
  return image;
}

function legacyImage(deployment: V1Deployment | undefined): string {
  return deployment?.spec?.template.spec?.containers[0]?.image ?? '';
}

function clusterIp(objects: readonly KubernetesObject[], name: string): string {
  const frontend = objects.find(
    o => o.kind === 'Service' && o.metadata?.name === gadgetronNames(name).frontend
  );
  return (frontend as V1Service | undefined)?.spec?.clusterIP ?? '';
}

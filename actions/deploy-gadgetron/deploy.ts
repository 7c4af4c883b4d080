import * as core from '@actions/core';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { KubernetesObject, V1Deployment, V1Service } from '@kubernetes/client-node';
import { memoryLimit, type DeployInputs } from './inputs.ts';
import { renderGadgetron, toYaml, type GadgetronSpec } from '../../src/render/gadgetron.ts';
import { connect, type KubeClient } from '../../src/kubernetes/connect.ts';
import { applyObjects, type AppliedObject } from '../../src/kubernetes/apply.ts';
import { listInstance, prune } from '../../src/kubernetes/inventory.ts';
import { objectKey } from '../../src/kubernetes/objects.ts';
import { toWire } from '../../src/kubernetes/wire.ts';
import type { RolloutOutcome } from '../../src/kubernetes/rollout.ts';
import { retryPolicy } from '../../src/kubernetes/logging.ts';
import { withRetry } from '../../src/kubernetes/retry.ts';
import { describeApiError, isNotFound } from '../../src/kubernetes/errors.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';
import { writeDeploySummary, type DeployReport } from './summary.ts';
import { ensureNamespace } from '../../src/kubernetes/namespace.ts';
import { followRollout } from '../../src/kubernetes/follow.ts';
import { applyDevicePlugin, waitForGpuNodes } from '../../src/kubernetes/device-plugin.ts';
import { looksLikeCudaImage } from '../../src/render/image.ts';

/** Ten minutes: pulling the plugin's image and its registration with the kubelet take far less. */
const GPU_NODES_TIMEOUT_MS = 600_000;

const MANAGED_TYPES = [
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler' },
  { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' }
];

export async function deployGadgetron(inputs: DeployInputs): Promise<void> {
  const spec = gadgetronSpec(inputs);
  const objects = renderGadgetron(spec);
  const manifests = writeManifests(spec, objects);
  core.setOutput('manifests', manifests);
  core.setOutput('image', spec.image);
  core.setOutput('service', `${spec.name}-frontend.${spec.namespace}.svc.cluster.local:9002`);
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

  const { applied, pruned, previous } = await core.group('Apply', () =>
    apply(client, spec, objects, dryRun)
  );
  const changed = pruned.length > 0 || applied.some(a => a.change !== 'unchanged');
  core.setOutput('changed', String(changed && !dryRun));
  core.setOutput('cluster-ip', clusterIp(applied, spec.name));

  const report: DeployReport = {
    spec,
    applied,
    pruned,
    dryRun,
    rollout: undefined,
    rolledBack: false
  };
  if (dryRun) {
    core.info('Server-side dry run: nothing was stored.');
    await writeDeploySummary(report);
    return;
  }

  const rollout = await core.group('Roll out', () =>
    followRollouts(client, spec, objects, inputs.timeout)
  );
  report.rollout = rollout;
  if (rollout.result === 'complete') {
    core.setOutput('revision', revisionOf(rollout.deployment));
    await writeDeploySummary(report);
    return;
  }

  reportFailure(rollout);
  if (inputs['rollback-on-failure'] && previous) {
    await core.group('Roll back', () => rollBack(client, spec, previous, inputs.timeout));
    report.rolledBack = true;
    core.setOutput('rolled-back', 'true');
    core.setOutput('image', previousImage(previous) ?? spec.image);
  }
  await writeDeploySummary(report);
  throw new ActionFailure(
    `Rollout of ${spec.namespace}/${spec.name} ${rollout.result === 'timeout' ? 'timed out' : 'failed'}: ${rollout.summary}` +
      (report.rolledBack
        ? '. The previous version was restored.'
        : previous
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
    applied: objects.map(object => ({ object, change: 'unchanged' })),
    pruned: [],
    dryRun: true,
    rollout: undefined,
    rolledBack: false,
    offline: true
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

async function apply(
  client: KubeClient,
  spec: GadgetronSpec,
  objects: KubernetesObject[],
  dryRun: boolean
) {
  const retry = retryPolicy();
  await ensureNamespace(client, spec.namespace, { dryRun, retry });
  const selector = `app.kubernetes.io/instance=${spec.name},app.kubernetes.io/managed-by=gadgetron-actions`;
  const live = await listInstance(client, spec.namespace, MANAGED_TYPES, selector, retry);
  const previous = live.get(
    objectKey({ kind: 'Deployment', metadata: { name: spec.name, namespace: spec.namespace } })
  ) as V1Deployment | undefined;
  // The server checks every object before any is stored: a manifest it refuses (a misspelt
  // field, an invalid value) leaves the release as it was instead of half applied.
  if (!dryRun) await applyObjects(client, objects, { dryRun: true, live, retry });
  const applied = await applyObjects(client, objects, { dryRun, live, retry });
  for (const { object, change } of applied)
    core.info(`${change.padEnd(10)} ${object.kind} ${object.metadata?.name}`);
  const pruned = await prune(client, live, new Set(objects.map(objectKey)), dryRun, retry);
  for (const object of pruned)
    core.info(`${'pruned'.padEnd(10)} ${object.kind} ${object.metadata?.name}`);
  return { applied, pruned, previous };
}

/**
 * The storage server first: Gadgetron exits while it does not answer, so its pods only settle
 * once the storage server is ready. Both share the one timeout.
 */
async function followRollouts(
  client: KubeClient,
  spec: GadgetronSpec,
  objects: KubernetesObject[],
  timeoutMs: number
): Promise<RolloutOutcome> {
  const deadline = Date.now() + timeoutMs;
  const storageName = `${spec.name}-storage`;
  if (spec.storageServer) {
    const storage = await followRollout(
      client,
      spec.namespace,
      storageName,
      timeoutMs,
      matchLabels(objects, storageName)
    );
    if (storage.result !== 'complete') return storage;
  }
  const remaining = Math.max(1000, deadline - Date.now());
  return followRollout(
    client,
    spec.namespace,
    spec.name,
    remaining,
    matchLabels(objects, spec.name)
  );
}

/** The pod selector of a rendered Deployment (selectors are immutable, so it is the live one). */
function matchLabels(
  objects: KubernetesObject[],
  name: string
): Record<string, string> | undefined {
  const deployment = objects.find(o => o.kind === 'Deployment' && o.metadata?.name === name) as
    V1Deployment | undefined;
  return deployment?.spec?.selector.matchLabels;
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

/** Puts the previous Deployment's pod template back, as `kubectl rollout undo` does. */
async function rollBack(
  client: KubeClient,
  spec: GadgetronSpec,
  previous: V1Deployment,
  timeoutMs: number
): Promise<void> {
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
  core.info(`Restoring ${previousImage(previous) ?? 'the previous version'}.`);
  await applyObjects(client, [restored], { retry: retryPolicy() });
  const outcome = await followRollout(client, spec.namespace, spec.name, timeoutMs);
  if (outcome.result !== 'complete') {
    reportFailure(outcome);
    throw new ActionFailure(
      `Rollback of ${spec.namespace}/${spec.name} did not complete either: ${outcome.summary}`
    );
  }
  core.info(`Rolled back to revision ${revisionOf(outcome.deployment)}.`);
}

function previousImage(deployment: V1Deployment): string | undefined {
  return deployment.spec?.template.spec?.containers[0]?.image;
}

function revisionOf(deployment: V1Deployment): string {
  return deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? '';
}

function clusterIp(applied: AppliedObject[], name: string): string {
  const frontend = applied.find(
    a => a.object.kind === 'Service' && a.object.metadata?.name === `${name}-frontend`
  );
  return (frontend?.object as V1Service | undefined)?.spec?.clusterIP ?? '';
}

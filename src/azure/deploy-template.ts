import type { DeploymentExtended, DeploymentOperation } from '@azure/arm-resourcesdeployments';
import { ProgressReporter, formatElapsed } from '../runtime/progress.ts';
import { ActionFailure } from '../runtime/failure.ts';
import { settledOrAfter, sleep } from '../kubernetes/retry.ts';
import type { ArmClients, PollHints } from './clients.ts';
import {
  armErrorOf,
  describeArmError,
  innermostErrors,
  statusOf,
  type ArmError
} from './errors.ts';
import type { Template } from './templates.ts';

export interface DeploymentRequest {
  readonly resourceGroup: string;
  /** Deployment name: one per resource the suite manages, so ARM keeps one history entry each. */
  readonly name: string;
  readonly template: Template;
  readonly parameters: Record<string, { value: unknown }>;
}

/** A deployment that did not succeed, with the innermost errors ARM gave (to tell a busy cluster apart). */
export class DeploymentFailure extends ActionFailure {
  readonly errors: readonly ArmError[];

  constructor(message: string, errors: readonly ArmError[]) {
    super(message);
    this.errors = errors;
  }
}

export interface DeploymentResult {
  readonly outputs: Record<string, unknown>;
  readonly durationMs: number;
}

export interface DeployOptions {
  /** Where progress lines go (at most one per `progressIntervalMs`). */
  readonly log: (line: string) => void;
  readonly progressIntervalMs?: number;
}

/**
 * Deploys a template in Incremental mode (resources not in the template stay) and waits for it,
 * telling the log every resource's state at most once per interval. A failed deployment becomes
 * an ActionFailure with ARM's code and message for each failing resource, and a hint.
 */
export async function deployTemplate(
  clients: ArmClients,
  request: DeploymentRequest,
  options: DeployOptions
): Promise<DeploymentResult> {
  const intervalMs = options.progressIntervalMs ?? 15_000;
  await waitForActiveDeployment(clients, request, intervalMs, options.log);
  const progress = new ProgressReporter(intervalMs, options.log);
  const poller = clients.deployments.deployments.createOrUpdate(
    request.resourceGroup,
    request.name,
    {
      properties: {
        mode: 'Incremental',
        template: request.template,
        parameters: request.parameters
      }
    }
  );
  let settled = false;
  const outcome = pollUntilDone(poller, clients.pollHints).then(
    result => ({ ok: true as const, result }),
    (error: unknown) => ({ ok: false as const, error })
  );
  void outcome.then(() => (settled = true));
  // The resources' states go to the log at most once per interval, so they are read no more
  // often than that: once after a few seconds, then once per interval.
  let wait = Math.min(intervalMs, 5_000);
  while (!settled) {
    await settledOrAfter(outcome, wait);
    if (settled) break;
    wait = intervalMs;
    const states = await operationStates(clients, request).catch(() => undefined);
    if (states) progress.report(`Deployment ${request.name}: ${states}`);
  }
  const ended = await outcome;
  if (ended.ok && ended.result.properties?.provisioningState === 'Succeeded') {
    options.log(
      `Deployment ${request.name} succeeded after ${formatElapsed(progress.elapsedMs())}.`
    );
    return {
      outputs: outputValues(ended.result.properties.outputs),
      durationMs: progress.elapsedMs()
    };
  }
  const failure = await failureOf(clients, request, ended.ok ? undefined : ended.error);
  throw new DeploymentFailure(failure.message, failure.errors);
}

/** The SDK's own interval when ARM does not say how long to wait. */
const DEFAULT_POLL_MS = 2_000;

/**
 * Polls a long-running operation as often as ARM asks: after each response, the interval of its
 * Retry-After (or retry-after-ms). The SDK's own loop rounds that to whole seconds, which on a
 * shortened time scale (the emulators') would make every wait overshoot by up to a second.
 */
async function pollUntilDone(
  poller: ReturnType<ArmClients['deployments']['deployments']['createOrUpdate']>,
  hints: PollHints | undefined
): Promise<DeploymentExtended> {
  if (!hints) return poller.pollUntilDone();
  await poller.submitted();
  while (!poller.isDone) {
    await sleep(hints.lastMs || DEFAULT_POLL_MS);
    await poller.poll();
  }
  return poller.pollUntilDone();
}

const ACTIVE = new Set([
  'Accepted',
  'Created',
  'Creating',
  'Running',
  'Ready',
  'Updating',
  'Waiting',
  'Deleting'
]);

/**
 * A run cancelled mid-deployment leaves the deployment running in ARM, and a new one of the same
 * name is refused (DeploymentActive) until it ends: wait for it rather than fail.
 */
async function waitForActiveDeployment(
  clients: ArmClients,
  request: DeploymentRequest,
  intervalMs: number,
  log: (line: string) => void
): Promise<void> {
  const state = async (): Promise<string | undefined> =>
    (
      await clients.deployments.deployments
        .get(request.resourceGroup, request.name)
        .catch(() => undefined)
    )?.properties?.provisioningState;
  let current = await state();
  if (!current || !ACTIVE.has(current)) return;
  const progress = new ProgressReporter(intervalMs, log);
  while (current && ACTIVE.has(current)) {
    progress.report(
      `An earlier deployment ${request.name} is still ${current}; waiting for it to end`
    );
    await sleep(Math.min(intervalMs, 5_000));
    current = await state();
  }
  log(`The earlier deployment ${request.name} ended ${current ?? 'and is gone'}.`);
}

/** `Microsoft.ContainerService/managedClusters/aks1 Running, ...` from the deployment's operations. */
async function operationStates(
  clients: ArmClients,
  request: DeploymentRequest
): Promise<string | undefined> {
  const operations = await listOperations(clients, request);
  const states = operations
    .filter(op => op.properties?.targetResource?.resourceName)
    .map(
      op =>
        `${shortType(op.properties?.targetResource?.resourceType)}/${op.properties?.targetResource?.resourceName} ${op.properties?.provisioningState ?? 'Accepted'}`
    );
  return states.length > 0 ? states.join(', ') : 'accepted, waiting for the first resource';
}

async function listOperations(
  clients: ArmClients,
  request: DeploymentRequest
): Promise<DeploymentOperation[]> {
  const operations: DeploymentOperation[] = [];
  for await (const op of clients.deployments.deploymentOperations.list(
    request.resourceGroup,
    request.name
  ))
    operations.push(op);
  return operations;
}

function shortType(type: string | undefined): string {
  return (type ?? 'resource').split('/').slice(1).join('/') || (type ?? 'resource');
}

function outputValues(outputs: unknown): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const [name, output] of Object.entries(
    (outputs ?? {}) as Record<string, { value?: unknown }>
  )) {
    values[name] = output?.value;
  }
  return values;
}

/**
 * The failing resources with ARM's code and message each; falls back to the deployment's own
 * error, then to what the SDK threw.
 */
async function failureOf(
  clients: ArmClients,
  request: DeploymentRequest,
  thrown: unknown
): Promise<{ message: string; errors: ArmError[] }> {
  const lines: string[] = [];
  const errors: ArmError[] = [];
  // An HTTP error means the request itself was refused (an invalid template, say): nothing ran.
  const refused = statusOf(thrown) !== undefined;
  if (!refused) {
    try {
      for (const op of await listOperations(clients, request)) {
        const p = op.properties;
        if (p?.provisioningState !== 'Failed') continue;
        const target = p.targetResource?.resourceName
          ? `${shortType(p.targetResource.resourceType)}/${p.targetResource.resourceName}`
          : 'the deployment';
        const error = (p.statusMessage?.error ?? p.statusMessage) as ArmError | undefined;
        if (error?.code || error?.message) {
          lines.push(`${target}: ${describeArmError(error)}`);
          errors.push(...innermostErrors(error));
        }
      }
    } catch {
      // No operations to read; the deployment's own error comes below.
    }
  }
  if (lines.length === 0) {
    let error: ArmError | undefined = refused ? armErrorOf(thrown) : undefined;
    if (!error) {
      const deployment = await clients.deployments.deployments
        .get(request.resourceGroup, request.name)
        .catch(() => undefined);
      error = deployment?.properties?.error;
    }
    if (!error && thrown !== undefined) error = armErrorOf(thrown);
    if (error) {
      lines.push(describeArmError(error));
      errors.push(...innermostErrors(error));
    }
  }
  if (lines.length === 0) lines.push('the deployment ended without succeeding');
  return {
    message: `Deployment ${request.name} to resource group ${request.resourceGroup} failed:\n${lines.join('\n')}`,
    errors
  };
}

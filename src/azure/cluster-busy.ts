/**
 * A busy cluster: AKS runs one operation at a time per cluster and answers a write meanwhile
 * with 409 OperationNotAllowed ("Another operation (Upgrading) is in progress",
 * Azure/azure-workload-identity#417; older APIs say AnotherOperationInProgress). The operation
 * shows in the provisioning state of the cluster or of one of its pools, except AKS's own
 * background work (add-on updates, Azure/telescope#1213), which is only seen as the 409.
 */
import type { GenericResource } from '@azure/arm-resources';
import { sleep } from '../kubernetes/retry.ts';
import { armErrorOf, statusOf, type ArmError } from './errors.ts';
import { DeploymentFailure } from './deploy-template.ts';
import { livePools } from './agent-pools.ts';
import { ownActivity, SETTLED } from './resources.ts';

/** What the cluster is busy with (`Upgrading`, `pool gpu: Scaling`), or undefined when idle. */
export function clusterActivity(cluster: GenericResource): string | undefined {
  const own = ownActivity(cluster);
  if (own) return own;
  const busy = livePools(cluster)
    .filter(p => !SETTLED.has(String(p.provisioningState ?? 'Succeeded').toLowerCase()))
    .map(p => `pool ${String(p.name)}: ${String(p.provisioningState)}`);
  return busy.length > 0 ? busy.join(', ') : undefined;
}

const BUSY_CODES = new Set(['operationnotallowed', 'anotheroperationinprogress']);

/** The "another operation is in progress" error inside a failure, if that is what it is. */
export function busyError(error: unknown): ArmError | undefined {
  const candidates: readonly ArmError[] =
    error instanceof DeploymentFailure
      ? error.errors
      : statusOf(error) === 409
        ? [armErrorOf(error)]
        : [];
  const busy = candidates.filter(
    e => BUSY_CODES.has((e.code ?? '').toLowerCase()) && /in progress/i.test(e.message ?? '')
  );
  return busy.length > 0 && busy.length === candidates.length ? busy[0] : undefined;
}

export interface BusyRetry {
  readonly log: (line: string) => void;
  /** Waits until the cluster shows no operation. */
  readonly untilIdle: () => Promise<unknown>;
  readonly attempts?: number;
  /** First pause after a 409, doubled each time (at most two minutes). */
  readonly firstDelayMs?: number;
}

/**
 * Runs a write; while it is refused because the cluster is busy, says with what, waits until the
 * cluster is idle and a growing pause has passed (for operations that do not show), and retries.
 */
export async function retryWhileBusy<T>(
  what: string,
  write: () => Promise<T>,
  options: BusyRetry
): Promise<T> {
  const attempts = options.attempts ?? 6;
  let delay = options.firstDelayMs ?? 5_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const busy = busyError(error);
      if (!busy || attempt >= attempts) throw error;
      options.log(
        `${what} was refused because the cluster is busy: ${busy.message ?? busy.code}. Retrying when it is idle (attempt ${attempt + 1} of ${attempts}).`
      );
      await sleep(delay);
      delay = Math.min(delay * 2, 120_000);
      await options.untilIdle();
    }
  }
}

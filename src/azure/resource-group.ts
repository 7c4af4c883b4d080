import type { ResourceGroup } from '@azure/arm-resources';
import { ActionFailure } from '../runtime/failure.ts';
import { ProgressReporter, formatElapsed } from '../runtime/progress.ts';
import { settledOrAfter } from '../kubernetes/retry.ts';
import type { ArmClients } from './clients.ts';
import { describeRequestError, isNotFound } from './errors.ts';

/** The resource group, or undefined when it does not exist. */
export async function findResourceGroup(
  clients: ArmClients,
  name: string
): Promise<ResourceGroup | undefined> {
  try {
    return await clients.resources.resourceGroups.get(name);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw new ActionFailure(describeRequestError(`Reading resource group ${name}`, error));
  }
}

export async function createResourceGroup(
  clients: ArmClients,
  name: string,
  location: string,
  tags: Record<string, string>
): Promise<ResourceGroup> {
  try {
    return await clients.resources.resourceGroups.createOrUpdate(name, { location, tags });
  } catch (error) {
    throw new ActionFailure(
      describeRequestError(`Creating resource group ${name} in ${location}`, error)
    );
  }
}

/** `type/name` of every resource in the group, for the log before a deletion. */
export async function listGroupResources(clients: ArmClients, name: string): Promise<string[]> {
  const names: string[] = [];
  try {
    for await (const r of clients.resources.resources.listByResourceGroup(name))
      names.push(`${r.type}/${r.name}`);
  } catch (error) {
    if (!isNotFound(error))
      throw new ActionFailure(describeRequestError(`Listing resource group ${name}`, error));
  }
  return names;
}

/** Deletes the group and everything in it, logging progress at most once per interval. */
export async function deleteResourceGroup(
  clients: ArmClients,
  name: string,
  log: (line: string) => void,
  intervalMs = 15_000
): Promise<void> {
  const progress = new ProgressReporter(intervalMs, log);
  let settled = false;
  const outcome = clients.resources.resourceGroups.delete(name).then(
    () => ({ ok: true as const }),
    (error: unknown) => ({ ok: false as const, error })
  );
  void outcome.then(() => (settled = true));
  while (!settled) {
    await settledOrAfter(outcome, intervalMs);
    if (!settled) progress.report(`Deleting resource group ${name}`);
  }
  const ended = await outcome;
  if (!ended.ok && !isNotFound(ended.error)) {
    throw new ActionFailure(describeRequestError(`Deleting resource group ${name}`, ended.error));
  }
  log(`Resource group ${name} deleted after ${formatElapsed(progress.elapsedMs())}.`);
}

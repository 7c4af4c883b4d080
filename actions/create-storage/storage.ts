import * as core from '@actions/core';
import type { GenericResource, ResourceGroup } from '@azure/arm-resources';
import type { StorageManagementClient } from '@azure/arm-storage';
import type { StorageInputs } from './inputs.ts';
import { signIn } from '../../src/azure/sign-in.ts';
import type { ArmClients } from '../../src/azure/clients.ts';
import {
  createResourceGroup,
  deleteResourceGroup,
  findResourceGroup,
  listGroupResources
} from '../../src/azure/resource-group.ts';
import { findResource, resourceId, waitWhileBusy } from '../../src/azure/resources.ts';
import { loadTemplate, templateParameters, templateResource } from '../../src/azure/templates.ts';
import { deployTemplate } from '../../src/azure/deploy-template.ts';
import {
  ACCOUNT_TYPE,
  STORAGE_TEMPLATE,
  needsLargeFileShares,
  storageDeploymentName,
  storageParameters,
  type StorageSpec
} from '../../src/azure/storage-spec.ts';
import {
  accountDifferences,
  accountKey,
  deleteAccount,
  largeFileSharesEnabled,
  liveShares,
  storageClient
} from '../../src/azure/storage.ts';
import { describeShareChange, planShares } from '../../src/azure/share-quota.ts';
import {
  applyStorageObjects,
  claimName,
  podsUsingClaims,
  removeStorageObjects,
  type StorageObjectsSpec
} from '../../src/azure/storage-kubernetes.ts';
import { decideTeardown } from '../../src/azure/teardown.ts';
import { STORAGE_TAG, hasTags, withOwnerTags } from '../../src/azure/tags.ts';
import { connect } from '../../src/kubernetes/connect.ts';
import { retryPolicy } from '../../src/kubernetes/logging.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';
import { writeStorageSummary, writeStorageTeardownSummary } from './summary.ts';
import { chooseLocation } from '../../src/azure/location.ts';
import { checkRegion } from '../../src/azure/regions.ts';

/** Makes the account and shares match the inputs, then the Secret, volumes and claims in the cluster. */
export async function createStorage(inputs: StorageInputs): Promise<void> {
  const spec = storageSpec(inputs);
  core.setOutput('storage-account', spec.account);
  core.setOutput('secret-name', inputs['secret-name']);
  const clients = await signIn(inputs.identity);
  const storage = storageClient(clients);

  if (inputs.state === 'absent') {
    await tearDown(clients, storage, inputs, spec);
    return;
  }

  const template = loadTemplate(STORAGE_TEMPLATE);
  const accountTemplate = templateResource(template, ACCOUNT_TYPE);
  if (spec.location) await checkRegion(clients, spec.location);
  const group = await findResourceGroup(clients, spec.resourceGroup);
  const live = group
    ? await waitWhileBusy(clients, accountId(clients, spec), accountTemplate.apiVersion, line =>
        core.info(line)
      )
    : undefined;
  const location = storageLocation(spec, group, live);

  const existingShares = live
    ? await liveShares(
        storage,
        spec.resourceGroup,
        spec.account,
        spec.shares.map(s => s.name)
      )
    : [];
  const { changes, refusals } = planShares(spec.shares, existingShares);
  if (refusals.length > 0) throw new ActionFailure(refusals.join('\n'));
  const differences = [
    ...(live
      ? accountDifferences(spec, accountTemplate, live)
      : [`storage account ${spec.account}: new`]),
    ...changes.filter(c => c.change !== 'same').map(describeShareChange)
  ];
  for (const change of changes) {
    if (change.change === 'shrink') core.warning(`Share ${describeShareChange(change)}.`);
  }

  if (differences.length > 0) {
    core.info(`Storage differs from the inputs:\n  ${differences.join('\n  ')}`);
    if (!group) {
      core.info(`Creating resource group ${spec.resourceGroup} in ${location}.`);
      await createResourceGroup(
        clients,
        spec.resourceGroup,
        location,
        withOwnerTags({}, { [STORAGE_TAG]: spec.account })
      );
    }
    const request = {
      resourceGroup: spec.resourceGroup,
      name: storageDeploymentName(spec.account),
      template,
      parameters: templateParameters(
        template,
        storageParameters(spec, location, needsLargeFileShares(spec, largeFileSharesEnabled(live)))
      )
    };
    await core.group(`Deploy ${request.name}`, () =>
      deployTemplate(clients, request, { log: line => core.info(line) })
    );
  } else {
    core.info(
      `Storage account ${spec.account} and its shares already match the inputs: no deployment needed.`
    );
  }

  const key = await accountKey(storage, spec.resourceGroup, spec.account);
  const claims = Object.fromEntries(spec.shares.map(s => [s.name, claimName(s.name)]));
  core.setOutput(
    'shares',
    JSON.stringify(Object.fromEntries(spec.shares.map(s => [s.name, s.quotaGiB])))
  );
  core.setOutput('claims', JSON.stringify(claims));

  const applied = inputs.kubernetes
    ? await core.group('Kubernetes objects', async () => {
        const client = connect(inputs.kubeconfig);
        core.info(`Cluster: ${client.server}`);
        const result = await applyStorageObjects(
          client,
          objectsSpec(inputs, spec),
          key,
          retryPolicy()
        );
        for (const { object, change } of result)
          core.info(`${change.padEnd(10)} ${object.kind} ${object.metadata?.name}`);
        return result;
      })
    : [];
  core.setOutput(
    'changed',
    String(differences.length > 0 || applied.some(a => a.change !== 'unchanged'))
  );
  await writeStorageSummary({
    spec,
    location,
    created: live === undefined,
    changes,
    accountDifferences: differences,
    applied,
    namespace: inputs.namespace,
    secretName: inputs['secret-name']
  });
}

function storageSpec(inputs: StorageInputs): StorageSpec {
  return {
    resourceGroup: inputs['resource-group'],
    location: inputs.location,
    account: inputs.account,
    shares: inputs.shares,
    sku: inputs.sku,
    tags: {}
  };
}

function objectsSpec(inputs: StorageInputs, spec: StorageSpec): StorageObjectsSpec {
  return {
    namespace: inputs.namespace,
    secretName: inputs['secret-name'],
    resourceGroup: spec.resourceGroup,
    account: spec.account,
    shares: spec.shares
  };
}

function accountId(clients: ArmClients, spec: StorageSpec): string {
  return resourceId(clients.subscriptionId, spec.resourceGroup, ACCOUNT_TYPE, spec.account);
}

function storageLocation(
  spec: StorageSpec,
  group: ResourceGroup | undefined,
  live: GenericResource | undefined
): string {
  const what = {
    description: `storage account ${spec.account}`,
    resourceGroup: spec.resourceGroup
  };
  return chooseLocation(what, spec.location, group, live);
}

/** Deletes the account (and its objects in the cluster) only when confirmed, ours, and unused. */
async function tearDown(
  clients: ArmClients,
  storage: StorageManagementClient,
  inputs: StorageInputs,
  spec: StorageSpec
): Promise<void> {
  const template = loadTemplate(STORAGE_TEMPLATE);
  const group = await findResourceGroup(clients, spec.resourceGroup);
  const live = group
    ? await findResource(
        clients,
        accountId(clients, spec),
        templateResource(template, ACCOUNT_TYPE).apiVersion
      )
    : undefined;
  const decision = decideTeardown(
    {
      description: `storage account ${spec.account}`,
      name: spec.account,
      tags: live?.tags,
      exists: live !== undefined,
      ownerTag: [STORAGE_TAG, spec.account]
    },
    inputs.confirm
  );
  if (decision.action === 'refuse') throw new ActionFailure(decision.reason);

  let removed: string[] = [];
  if (inputs.kubernetes) {
    const client = connect(inputs.kubeconfig);
    const retry = retryPolicy();
    const objects = objectsSpec(inputs, spec);
    const users = await podsUsingClaims(
      client,
      inputs.namespace,
      spec.shares.map(s => claimName(s.name)),
      retry
    );
    if (users.length > 0) {
      throw new ActionFailure(
        `Refusing to delete storage account ${spec.account}: its claims are in use by ${users.join(', ')}. Stop those pods (e.g. remove the Gadgetron deployment) first.`
      );
    }
    removed = (await removeStorageObjects(client, objects, retry)).map(
      o => `${o.kind} ${o.metadata?.name}`
    );
    for (const object of removed) core.info(`deleted    ${object}`);
  }

  if (decision.action === 'nothing') {
    core.info(decision.reason);
    if (await removeOwnGroup(clients, group, spec))
      removed.push(`resource group ${spec.resourceGroup}`);
    core.setOutput('changed', String(removed.length > 0));
    await writeStorageTeardownSummary({
      account: spec.account,
      outcome: 'nothing to delete',
      removed
    });
    return;
  }
  core.info(`Deleting storage account ${spec.account} with all its shares.`);
  await deleteAccount(storage, spec.resourceGroup, spec.account);
  core.setOutput('changed', 'true');
  // The group this action created for the account goes with it once nothing else is in it;
  // a group someone made beforehand, or one holding anything else, stays.
  if (group && hasTags(group.tags, withOwnerTags({}, { [STORAGE_TAG]: spec.account }))) {
    const left = await listGroupResources(clients, spec.resourceGroup);
    if (left.length === 0) {
      await deleteResourceGroup(clients, spec.resourceGroup, line => core.info(line));
    } else {
      core.info(`Resource group ${spec.resourceGroup} still holds ${left.join(', ')}: it is kept.`);
    }
  }
  await writeStorageTeardownSummary({ account: spec.account, outcome: 'deleted', removed });
}

/**
 * The group this action created for the account goes once nothing else is in it (also after a
 * stand-up that failed before the account existed); a group someone made beforehand, or one
 * holding anything else, stays. Returns whether it was deleted.
 */
async function removeOwnGroup(
  clients: ArmClients,
  group: ResourceGroup | undefined,
  spec: StorageSpec
): Promise<boolean> {
  if (!group || !hasTags(group.tags, withOwnerTags({}, { [STORAGE_TAG]: spec.account })))
    return false;
  const left = await listGroupResources(clients, spec.resourceGroup);
  if (left.length > 0) {
    core.info(`Resource group ${spec.resourceGroup} still holds ${left.join(', ')}: it is kept.`);
    return false;
  }
  await deleteResourceGroup(clients, spec.resourceGroup, line => core.info(line));
  return true;
}

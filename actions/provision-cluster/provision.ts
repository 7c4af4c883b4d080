import * as core from '@actions/core';
import { tmpdir } from 'node:os';
import type { GenericResource, ResourceGroup } from '@azure/arm-resources';
import type { ProvisionInputs } from './inputs.ts';
import { signIn } from '../../src/azure/sign-in.ts';
import type { ArmClients } from '../../src/azure/clients.ts';
import type { AzureIdentity } from '../../src/azure/credential.ts';
import {
  createResourceGroup,
  deleteResourceGroup,
  findResourceGroup,
  listGroupResources
} from '../../src/azure/resource-group.ts';
import {
  findResource,
  provisioningState,
  resourceId,
  waitWhileBusy
} from '../../src/azure/resources.ts';
import { loadTemplate, templateParameters, templateResource } from '../../src/azure/templates.ts';
import {
  CLUSTER_TEMPLATE,
  CLUSTER_TYPE,
  MAINTENANCE_CONFIGURATIONS,
  clusterDeploymentName,
  clusterParameters,
  type ClusterSpec,
  type PoolCounts
} from '../../src/azure/cluster-spec.ts';
import { clusterDifferences, maintenanceDifferences } from '../../src/azure/cluster-diff.ts';
import { deployTemplate, type DeploymentRequest } from '../../src/azure/deploy-template.ts';
import {
  deletePool,
  extraPools,
  liveCounts,
  poolsToRemove,
  refuseVmSizeChanges
} from '../../src/azure/agent-pools.ts';
import { clusterActivity, retryWhileBusy } from '../../src/azure/cluster-busy.ts';
import { refuseStopped } from '../../src/azure/power-state.ts';
import { checkRegion } from '../../src/azure/regions.ts';
import { describeRequestError } from '../../src/azure/errors.ts';

import { whatIf, whatIfLines, type WhatIfResource } from '../../src/azure/what-if.ts';
import { userKubeconfig } from '../../src/azure/aks.ts';
import { prepareKubeconfig, writeKubeconfig } from '../../src/azure/kubeconfig.ts';
import { copyTokenScript, tokenCommand } from '../../src/azure/kube-token.ts';
import { decideTeardown } from '../../src/azure/teardown.ts';
import { CLUSTER_TAG, withOwnerTags } from '../../src/azure/tags.ts';
import { ActionFailure } from '../../src/runtime/failure.ts';
import { formatElapsed } from '../../src/runtime/progress.ts';
import {
  describeCluster,
  writeClusterSummary,
  writeTeardownSummary,
  writeWhatIfSummary
} from './summary.ts';
import { chooseLocation } from '../../src/azure/location.ts';

/** Makes the cluster match the inputs (or deletes it, or takes it as it is), then hands out its credentials. */
export async function provisionCluster(inputs: ProvisionInputs): Promise<void> {
  const started = Date.now();
  core.setOutput('cluster-name', inputs['cluster-name']);
  core.setOutput('resource-group', inputs['resource-group']);
  core.setOutput('changed', 'false');
  const clients = await signIn(inputs.identity);

  if (inputs.state === 'absent') {
    await tearDown(clients, inputs);
    return;
  }
  if (inputs.state === 'existing') {
    await useExisting(clients, inputs, started);
    return;
  }

  const spec = clusterSpec(inputs);
  const template = loadTemplate(CLUSTER_TEMPLATE);
  const apiVersion = templateResource(template, CLUSTER_TYPE).apiVersion;
  const id = clusterId(clients, spec.resourceGroup, spec.name);
  if (spec.location) await checkRegion(clients, spec.location);
  const group = await findResourceGroup(clients, spec.resourceGroup);
  const untilIdle = (): Promise<GenericResource | undefined> =>
    waitWhileBusy(clients, id, apiVersion, line => core.info(line), clusterActivity);
  const live = group ? await untilIdle() : undefined;
  if (live) {
    refuseStopped(live, spec.resourceGroup);
    refuseVmSizeChanges(spec, live);
  }
  const location = clusterLocation(spec, group, live);
  const requestFor = (counts: PoolCounts): DeploymentRequest => ({
    resourceGroup: spec.resourceGroup,
    name: clusterDeploymentName(spec.name),
    template,
    parameters: templateParameters(template, clusterParameters(spec, location, counts))
  });
  const request = requestFor(liveCounts(live));
  const differences = live
    ? [
        ...clusterDifferences(spec, templateResource(template, CLUSTER_TYPE), live),
        ...maintenanceDifferences(spec, await liveMaintenance(clients, id, apiVersion))
      ]
    : [];
  // A cluster whose last operation failed is redeployed even when its settings match.
  if (live && provisioningState(live) !== 'Succeeded') {
    differences.unshift(`provisioningState: ${provisioningState(live)} → Succeeded`);
  }
  const removals = poolsToRemove(spec, live);
  reportState(spec, live, [...differences, ...removals.map(p => `agent pool ${p}: to be deleted`)]);

  if (inputs['what-if']) {
    const resources = await core.group('What-if', () =>
      previewChanges(clients, request, group, location)
    );
    for (const pool of removals)
      core.info(`Delete   ${CLUSTER_TYPE}/${spec.name}/agentPools/${pool}`);
    if (live) setClusterOutputs(live);
    await writeWhatIfSummary({
      spec,
      location,
      resources,
      differences,
      exists: live !== undefined
    });
    return;
  }

  let deployedIn: number | undefined;
  const busy = { log: (line: string) => core.info(line), untilIdle };
  if (!live || differences.length > 0) {
    if (!group) await createGroup(clients, spec, location);
    const result = await core.group(`Deploy ${request.name}`, () =>
      retryWhileBusy(
        `Deployment ${request.name}`,
        // Each attempt sends the pools' counts as they are then: the autoscaler keeps working.
        async () =>
          deployTemplate(
            clients,
            requestFor(liveCounts(await findResource(clients, id, apiVersion))),
            { log: line => core.info(line) }
          ),
        busy
      )
    );
    deployedIn = result.durationMs;
    core.setOutput('changed', 'true');
  }
  for (const pool of removals) {
    await core.group(`Delete agent pool ${pool}`, async () => {
      core.info(`gpu is false: deleting agent pool ${pool} (AKS drains its nodes first).`);
      try {
        await retryWhileBusy(
          `Deleting agent pool ${pool}`,
          () => deletePool(clients, id, pool, apiVersion),
          busy
        );
      } catch (error) {
        throw new ActionFailure(describeRequestError(`Deleting agent pool ${pool}`, error));
      }
    });
    core.setOutput('changed', 'true');
  }
  const changed = deployedIn !== undefined || removals.length > 0;
  const cluster = changed ? await findResource(clients, id, apiVersion) : live;
  if (!cluster)
    throw new ActionFailure(`Cluster ${spec.name} is missing after a successful deployment.`);
  setClusterOutputs(cluster);
  for (const pool of extraPools(spec, cluster)) {
    core.warning(
      `Agent pool ${pool} of cluster ${spec.name} is not in the inputs; deployments keep it. Remove it with az aks nodepool delete if it is no longer needed.`
    );
  }
  const kubeconfig = await core.group('Credentials', () =>
    fetchCredentials(clients, inputs.identity, spec.resourceGroup, spec.name)
  );
  await writeClusterSummary({
    spec,
    cluster,
    outcome: !live ? 'created' : changed ? 'updated' : 'up to date',
    differences: [...differences, ...removals.map(p => `agent pool ${p}: deleted`)],
    kubeconfig,
    elapsed: formatElapsed(Date.now() - started)
  });
}

/** The live maintenance configurations the template manages, by name (undefined when missing). */
async function liveMaintenance(
  clients: ArmClients,
  id: string,
  apiVersion: string
): Promise<Record<string, GenericResource | undefined>> {
  const entries = await Promise.all(
    MAINTENANCE_CONFIGURATIONS.map(
      async name =>
        [
          name,
          await findResource(clients, `${id}/maintenanceConfigurations/${name}`, apiVersion)
        ] as const
    )
  );
  return Object.fromEntries(entries);
}

/** State existing: reads the cluster and hands out its credentials; nothing in Azure changes. */
async function useExisting(
  clients: ArmClients,
  inputs: ProvisionInputs,
  started: number
): Promise<void> {
  const resourceGroup = inputs['resource-group'];
  const name = inputs['cluster-name'];
  const apiVersion = templateResource(loadTemplate(CLUSTER_TEMPLATE), CLUSTER_TYPE).apiVersion;
  const cluster = await findResource(clients, clusterId(clients, resourceGroup, name), apiVersion);
  if (!cluster) {
    throw new ActionFailure(
      `Cluster ${name} does not exist in resource group ${resourceGroup}; stand it up first with state: present.`
    );
  }
  refuseStopped(cluster, resourceGroup);
  const state = provisioningState(cluster);
  if (state !== 'Succeeded') {
    core.warning(
      `Cluster ${name} is in provisioning state ${state}; its credentials are fetched anyway. Run with state: present to bring it back to Succeeded.`
    );
  }
  core.info(`Using cluster ${name} as it is (state existing): nothing in Azure is changed.`);
  setClusterOutputs(cluster);
  const kubeconfig = await core.group('Credentials', () =>
    fetchCredentials(clients, inputs.identity, resourceGroup, name)
  );
  // No job summary: this step only hands credentials to the job's next steps, and a reusable
  // workflow runs it in several jobs; their own summaries say what they did with the cluster.
  core.info(
    `Credentials for ${describeCluster(cluster)} in ${kubeconfig} (deleted when the job ends), in ${formatElapsed(Date.now() - started)}.`
  );
}

function clusterSpec(inputs: ProvisionInputs): ClusterSpec {
  return {
    resourceGroup: inputs['resource-group'],
    name: inputs['cluster-name'],
    location: inputs.location,
    kubernetesVersion: inputs['kubernetes-version'],
    systemVmSize: inputs['system-vm-size'],
    nodeVmSize: inputs['node-vm-size'],
    minNodes: inputs['min-nodes'],
    maxNodes: inputs['max-nodes'],
    gpu: inputs.gpu,
    maxGracefulTerminationSec: inputs['max-graceful-termination'],
    nodeOSUpgradeChannel: inputs['node-os-upgrade-channel'],
    maintenance: { ...inputs['maintenance-window'], durationHours: inputs['maintenance-hours'] },
    authorizedIpRanges: inputs['api-server-authorized-ranges'] ?? [],
    tier: inputs.tier,
    disableLocalAccounts: inputs['disable-local-accounts'],
    tags: inputs.tags ?? {}
  };
}

function clusterId(clients: ArmClients, resourceGroup: string, name: string): string {
  return resourceId(clients.subscriptionId, resourceGroup, CLUSTER_TYPE, name);
}

function clusterLocation(
  spec: ClusterSpec,
  group: ResourceGroup | undefined,
  live: GenericResource | undefined
): string {
  const what = {
    description: `cluster ${spec.name}`,
    resourceGroup: spec.resourceGroup,
    moveHint: 'Delete it first (state: absent) or use another cluster-name.'
  };
  return chooseLocation(what, spec.location, group, live);
}

function reportState(
  spec: ClusterSpec,
  live: GenericResource | undefined,
  differences: string[]
): void {
  if (!live) {
    core.info(
      `Cluster ${spec.name} does not exist in resource group ${spec.resourceGroup}: it will be created.`
    );
  } else if (differences.length === 0) {
    core.info(`Cluster ${spec.name} already matches the inputs: no deployment needed.`);
  } else {
    core.info(`Cluster ${spec.name} differs from the inputs:\n  ${differences.join('\n  ')}`);
  }
}

async function createGroup(
  clients: ArmClients,
  spec: ClusterSpec,
  location: string
): Promise<void> {
  core.info(`Creating resource group ${spec.resourceGroup} in ${location}.`);
  await createResourceGroup(
    clients,
    spec.resourceGroup,
    location,
    withOwnerTags(spec.tags, { [CLUSTER_TAG]: spec.name })
  );
}

async function previewChanges(
  clients: ArmClients,
  request: DeploymentRequest,
  group: ResourceGroup | undefined,
  location: string
): Promise<WhatIfResource[]> {
  let resources: WhatIfResource[];
  if (!group) {
    core.info(
      `Resource group ${request.resourceGroup} does not exist: it would be created in ${location}, with everything below.`
    );
    resources = [
      {
        resource: `Microsoft.Resources/resourceGroups/${request.resourceGroup}`,
        change: 'Create',
        properties: []
      },
      ...request.template.resources.map(r => ({
        resource: `${r.type}/${String(request.parameters.clusterName?.value ?? r.name)}`,
        change: 'Create',
        properties: []
      }))
    ];
  } else {
    resources = await whatIf(clients, request);
  }
  for (const line of whatIfLines(resources)) core.info(line);
  core.info('what-if is true: nothing was changed.');
  return resources;
}

function setClusterOutputs(cluster: GenericResource): void {
  const props = (cluster.properties ?? {}) as Record<string, unknown>;
  const oidc = (props.oidcIssuerProfile ?? {}) as Record<string, unknown>;
  core.setOutput('fqdn', String(props.fqdn ?? ''));
  core.setOutput('oidc-issuer-url', String(oidc.issuerURL ?? ''));
  core.setOutput('node-resource-group', String(props.nodeResourceGroup ?? ''));
  core.setOutput(
    'kubernetes-version',
    String(props.currentKubernetesVersion ?? props.kubernetesVersion ?? '')
  );
}

/** Writes the user kubeconfig under RUNNER_TEMP (0600), masks its secrets and exports KUBECONFIG. */
async function fetchCredentials(
  clients: ArmClients,
  identity: AzureIdentity,
  resourceGroup: string,
  name: string
): Promise<string> {
  const raw = await userKubeconfig(clients, resourceGroup, name);
  const dir = process.env.RUNNER_TEMP || tmpdir();
  const prepared = await prepareKubeconfig(raw, {
    command: scope => tokenCommand(scope, identity, copyTokenScript(dir)),
    check: clients.credential
  });
  for (const secret of prepared.secrets) core.setSecret(secret);
  const path = writeKubeconfig(dir, `kubeconfig-${resourceGroup}-${name}`, prepared.text);
  core.saveState('kubeconfig', path);
  core.exportVariable('KUBECONFIG', path);
  core.setOutput('kubeconfig', path);
  if (prepared.convertedExec) {
    core.info(
      'The cluster signs users in with Entra ID: the kubeconfig runs this action to get a token for the AKS server application, again before each token expires (no token is stored in it).'
    );
  }
  core.info(
    `Kubeconfig written to ${path} and exported as KUBECONFIG; API server ${prepared.server ?? 'unknown'}.`
  );
  return path;
}

async function tearDown(clients: ArmClients, inputs: ProvisionInputs): Promise<void> {
  const name = inputs['resource-group'];
  const group = await findResourceGroup(clients, name);
  const decision = decideTeardown(
    {
      description: `resource group ${name}`,
      name,
      tags: group?.tags,
      exists: group !== undefined,
      ownerTag: [CLUSTER_TAG, inputs['cluster-name']]
    },
    inputs['what-if'] ? name : inputs.confirm
  );
  if (decision.action === 'refuse') throw new ActionFailure(decision.reason);
  if (decision.action === 'nothing') {
    core.info(decision.reason);
    await writeTeardownSummary({ group: name, outcome: 'nothing to delete', resources: [] });
    return;
  }
  const resources = await listGroupResources(clients, name);
  core.info(
    `Resource group ${name} holds ${resources.length} resource(s):${resources.map(r => `\n  ${r}`).join('')}`
  );
  if (inputs['what-if']) {
    core.info('what-if is true: nothing was deleted.');
    await writeTeardownSummary({ group: name, outcome: 'would be deleted (what-if)', resources });
    return;
  }
  await core.group(`Delete resource group ${name}`, () =>
    deleteResourceGroup(clients, name, line => core.info(line))
  );
  core.setOutput('changed', 'true');
  await writeTeardownSummary({ group: name, outcome: 'deleted', resources });
}

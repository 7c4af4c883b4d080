import { createHash, randomUUID } from 'node:crypto';
import type { ArmErrorBody } from '../http.ts';
import type { ArmResource } from '../types.ts';
import { busyError } from './cluster-busy.ts';
import {
  type DesiredResource,
  type ProviderContext,
  type ResourceProvider,
  clone,
  tagsOf
} from './types.ts';

type Json = Record<string, unknown>;

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}

function pools(props: Json): Json[] {
  return Array.isArray(props.agentPoolProfiles) ? (props.agentPoolProfiles as Json[]) : [];
}

const sameName = (a: unknown, b: unknown): boolean =>
  String(a).toLowerCase() === String(b).toLowerCase();

/**
 * What AKS refuses when a managed cluster PUT changes the pools of an existing cluster:
 * - a pool that is not there yet: "A new agent pool was introduced..." (400 BadRequest, in
 *   ARM's preflight; microsoft/tyger#121, Azure/AKS#4383, Azure/bicep#9644). Pools left out
 *   of agentPoolProfiles are not deleted, just ignored (Azure/AKS#2194; pulumi-azure-native#579);
 * - another vmSize: PropertyChangeNotAllowed (resizing a pool in place is not offered: a new
 *   pool is; AKS docs "Resize node pools").
 */
function poolChangeRefusal(existing: Json[], wanted: Json[]): ArmErrorBody | undefined {
  for (const want of wanted) {
    const have = existing.find(p => sameName(p.name, want.name));
    if (!have) {
      return {
        code: 'BadRequest',
        message:
          'A new agent pool was introduced. Adding agent pools to an existing cluster is not allowed through managed cluster operations. For agent pool specific change, please use per agent pool operations: https://aka.ms/agent-pool-rest-api',
        target: 'agentPoolProfiles'
      };
    }
    const refused = vmSizeRefusal(have, want);
    if (refused) return refused;
  }
  return undefined;
}

function vmSizeRefusal(have: Json, want: Json): ArmErrorBody | undefined {
  if (want.vmSize === undefined || sameName(want.vmSize, have.vmSize)) return undefined;
  return {
    code: 'PropertyChangeNotAllowed',
    message: `Changing property 'vmSize' is not allowed. Agent pool '${String(have.name)}' has vmSize '${String(have.vmSize)}'.`,
    target: 'vmSize'
  };
}

function autoscaleRefusal(p: Json): ArmErrorBody | undefined {
  if (p.enableAutoScaling === true && Number(p.minCount) > Number(p.maxCount)) {
    return {
      code: 'InvalidParameter',
      message: `Agent pool '${String(p.name)}': maxCount must be greater than or equal to minCount.`,
      target: 'agentPoolProfile.maxCount'
    };
  }
  return undefined;
}

/** What AKS fills in on a pool. A PUT sets the node count to `count`, autoscaling or not (Azure/AKS#1627). */
function poolDefaults(p: Json, old: Json | undefined, version: string): Json {
  return {
    ...(old ?? {}),
    ...p,
    count: p.count ?? old?.count ?? (p.enableAutoScaling ? p.minCount : 3),
    osType: p.osType ?? old?.osType ?? 'Linux',
    type: p.type ?? old?.type ?? 'VirtualMachineScaleSets',
    orchestratorVersion: p.orchestratorVersion ?? old?.orchestratorVersion ?? version,
    currentOrchestratorVersion: p.orchestratorVersion ?? old?.currentOrchestratorVersion ?? version,
    nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202611.01.0',
    provisioningState: 'Succeeded',
    powerState: { code: 'Running' }
  };
}

/** Microsoft.ContainerService/managedClusters: what AKS fills in (fqdn, issuer URL, node RG, versions). */
export function managedClusterProvider(durations: {
  create: number;
  update: number;
}): ResourceProvider {
  return {
    matches: type => type.toLowerCase() === 'microsoft.containerservice/managedclusters',
    hasProvisioningState: true,
    durationMs: existing => (existing ? durations.update : durations.create),
    busy: (desired, ctx) => busyError(ctx.state, desired.id),
    check: (desired, ctx) => {
      const props = (desired.body.properties ?? {}) as Json;
      const list = pools(props);
      const existing = ctx.state.get(desired.id);
      if (existing) {
        const refused = poolChangeRefusal(ctx.state.pools(existing.id), list);
        if (refused) return refused;
      } else if (!list.some(p => p.mode === 'System')) {
        return {
          code: 'InvalidParameter',
          message:
            'At least one agent pool with mode System is required (properties.agentPoolProfiles).'
        };
      }
      for (const p of list) {
        const refused = autoscaleRefusal(p);
        if (refused) return refused;
      }
      if (
        typeof props.dnsPrefix === 'string' &&
        !/^[a-zA-Z0-9][a-zA-Z0-9-]{0,52}[a-zA-Z0-9]$|^[a-zA-Z0-9]$/.test(props.dnsPrefix)
      ) {
        return {
          code: 'InvalidDnsPrefix',
          message: `The dnsPrefix '${props.dnsPrefix}' is invalid.`
        };
      }
      return undefined;
    },
    build: (desired: DesiredResource, existing: ArmResource | undefined, ctx: ProviderContext) => {
      const props = clone((desired.body.properties ?? {}) as Json);
      const old = (existing?.properties ?? {}) as Json;
      const location = String(
        desired.body.location ?? existing?.location ?? ctx.resourceGroup.location
      );
      const version = String(
        props.kubernetesVersion ?? old.currentKubernetesVersion ?? ctx.defaultKubernetesVersion
      );
      const dnsPrefix = String(props.dnsPrefix ?? desired.name);
      props.kubernetesVersion = version;
      props.currentKubernetesVersion = version;
      props.dnsPrefix = dnsPrefix;
      const host = `${dnsPrefix.toLowerCase()}-${shortHash(desired.id.toLowerCase())}`;
      props.fqdn = old.fqdn ?? `${host}.hcp.${location}.azmk8s.io`;
      props.azurePortalFQDN = old.azurePortalFQDN ?? `${host}.portal.hcp.${location}.azmk8s.io`;
      props.nodeResourceGroup =
        props.nodeResourceGroup ??
        old.nodeResourceGroup ??
        `MC_${ctx.resourceGroup.name}_${desired.name}_${location}`;
      const oidc = (props.oidcIssuerProfile ?? {}) as Json;
      if (oidc.enabled === true) {
        const oldUrl = ((old.oidcIssuerProfile ?? {}) as Json).issuerURL;
        props.oidcIssuerProfile = {
          ...oidc,
          issuerURL:
            oldUrl ?? `https://${location}.oic.prod-aks.azure.com/${ctx.tenantId}/${randomUUID()}/`
        };
      }
      props.powerState = clone(old.powerState as Json | undefined) ?? { code: 'Running' };
      props.maxAgentPools = 100;
      props.enableRBAC = props.enableRBAC ?? true;
      const oldPools = pools(old);
      const given = pools(props);
      // Pools the PUT leaves out stay as they are; the others take the PUT's values.
      props.agentPoolProfiles = [
        ...oldPools.map(o => {
          const p = given.find(g => sameName(g.name, o.name));
          return p ? poolDefaults(p, o, version) : clone(o);
        }),
        ...given
          .filter(p => !oldPools.some(o => sameName(o.name, p.name)))
          .map(p => poolDefaults(p, undefined, version))
      ];
      const identity = clone((desired.body.identity ?? existing?.identity) as Json | undefined);
      if (identity && identity.type === 'SystemAssigned') {
        identity.principalId = existing?.identity?.principalId ?? randomUUID();
        identity.tenantId = ctx.tenantId;
      }
      const resource: ArmResource = {
        id: desired.id,
        name: desired.name,
        type: 'Microsoft.ContainerService/managedClusters',
        location,
        tags: tagsOf(desired.body, existing),
        sku: clone(
          (desired.body.sku as Json | undefined) ?? existing?.sku ?? { name: 'Base', tier: 'Free' }
        ),
        properties: props
      };
      if (identity) resource.identity = identity;
      return resource;
    },
    onSucceeded: (resource, ctx) => {
      const nodeGroup = String(resource.properties.nodeResourceGroup);
      if (!ctx.state.getGroup(nodeGroup)) {
        ctx.state.putGroup(
          nodeGroup,
          String(resource.location),
          { 'aks-managed-cluster-name': resource.name },
          resource.id
        );
      }
      if (!ctx.state.clusterTokens.has(resource.id.toLowerCase())) {
        ctx.state.clusterTokens.set(resource.id.toLowerCase(), randomUUID().replace(/-/g, ''));
      }
    }
  };
}

/**
 * Microsoft.ContainerService/managedClusters/agentPools: a pool as its own resource, the way AKS
 * adds, changes and removes pools of an existing cluster. The cluster keeps the pool in its
 * agentPoolProfiles (see ArmState). Refused: no cluster, another vmSize, a busy cluster.
 */
export function agentPoolProvider(durationMs: number): ResourceProvider {
  const clusterIdOf = (id: string): string => id.replace(/\/agentPools\/[^/]+$/i, '');
  return {
    matches: type => type.toLowerCase() === 'microsoft.containerservice/managedclusters/agentpools',
    hasProvisioningState: true,
    durationMs: () => durationMs,
    busy: (desired, ctx) => busyError(ctx.state, clusterIdOf(desired.id)),
    check: (desired, ctx) => {
      const clusterId = clusterIdOf(desired.id);
      if (!ctx.state.get(clusterId)) {
        return {
          code: 'ParentResourceNotFound',
          message: `Can not perform requested operation on nested resource. Parent resource '${clusterId.split('/').pop()}' not found.`
        };
      }
      const props = {
        name: desired.name.split('/').pop(),
        ...(desired.body.properties ?? {})
      } as Json;
      const existing = ctx.state.get(desired.id);
      if (existing) {
        const refused = vmSizeRefusal(existing.properties, props);
        if (refused) return refused;
      }
      return autoscaleRefusal(props);
    },
    build: (desired, existing, ctx) => {
      const cluster = ctx.state.get(clusterIdOf(desired.id)) as ArmResource;
      const version = String(
        cluster.properties.currentKubernetesVersion ?? ctx.defaultKubernetesVersion
      );
      const name = desired.name.split('/').pop() as string;
      const props = poolDefaults(
        clone((desired.body.properties ?? {}) as Json),
        existing ? clone(existing.properties) : undefined,
        version
      );
      return {
        id: `${cluster.id}/agentPools/${name}`,
        name,
        type: 'Microsoft.ContainerService/managedClusters/agentPools',
        properties: props
      };
    }
  };
}

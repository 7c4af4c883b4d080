import { createHash, randomUUID } from 'node:crypto';
import type { ArmResource } from '../types.ts';
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

/** Microsoft.ContainerService/managedClusters: what AKS fills in (fqdn, issuer URL, node RG, versions). */
export function managedClusterProvider(durations: {
  create: number;
  update: number;
}): ResourceProvider {
  return {
    matches: type => type.toLowerCase() === 'microsoft.containerservice/managedclusters',
    hasProvisioningState: true,
    durationMs: existing => (existing ? durations.update : durations.create),
    check: desired => {
      const props = (desired.body.properties ?? {}) as Json;
      const list = pools(props);
      if (!list.some(p => p.mode === 'System')) {
        return {
          code: 'InvalidParameter',
          message:
            'At least one agent pool with mode System is required (properties.agentPoolProfiles).'
        };
      }
      for (const p of list) {
        if (p.enableAutoScaling === true && Number(p.minCount) > Number(p.maxCount)) {
          return {
            code: 'InvalidParameter',
            message: `Agent pool '${String(p.name)}': maxCount must be greater than or equal to minCount.`,
            target: 'agentPoolProfile.maxCount'
          };
        }
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
      props.powerState = { code: 'Running' };
      props.maxAgentPools = 100;
      props.enableRBAC = props.enableRBAC ?? true;
      props.agentPoolProfiles = pools(props).map(p => ({
        ...p,
        count: p.count ?? (p.enableAutoScaling ? p.minCount : 3),
        osType: p.osType ?? 'Linux',
        type: p.type ?? 'VirtualMachineScaleSets',
        orchestratorVersion: p.orchestratorVersion ?? version,
        currentOrchestratorVersion: p.orchestratorVersion ?? version,
        nodeImageVersion: 'AKSUbuntu-2204gen2containerd-202611.01.0',
        provisioningState: 'Succeeded',
        powerState: { code: 'Running' }
      }));
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

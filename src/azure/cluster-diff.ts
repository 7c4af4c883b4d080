import type { GenericResource } from '@azure/arm-resources';
import { desiredPools, type ClusterSpec } from './cluster-spec.ts';
import { CLUSTER_TAG, hasTags, withOwnerTags } from './tags.ts';
import type { TemplateResource } from './templates.ts';
import { literalDifferences, sameValue, show } from './literal-diff.ts';

type Json = Record<string, unknown>;

/**
 * What differs between the cluster the user asked for and the live one, one line each; empty
 * when the cluster is up to date and a deployment would only make AKS reconcile for minutes.
 *
 * Compared: location, the suite's and the user's tags, the Kubernetes version when one is given,
 * every fixed (non-expression) value the template sets (network, identity, OIDC, CSI drivers,
 * autoscaler profile, ...), the autoscaler's eviction grace and each agent pool the template
 * declares. Values AKS fills in or changes by itself (node counts of autoscaled pools, fqdn,
 * extra tags from policies) are not.
 */
export function clusterDifferences(
  spec: ClusterSpec,
  template: TemplateResource,
  live: GenericResource
): string[] {
  const differences: string[] = [];
  const props = (live.properties ?? {}) as Json;
  if (spec.location && normaliseLocation(live.location) !== normaliseLocation(spec.location)) {
    differences.push(`location: ${live.location} → ${spec.location}`);
  }
  const tags = withOwnerTags(spec.tags, { [CLUSTER_TAG]: spec.name });
  if (!hasTags(live.tags, tags))
    differences.push(`tags: ${JSON.stringify(live.tags ?? {})} → ${JSON.stringify(tags)}`);
  if (spec.kubernetesVersion && !sameVersion(spec.kubernetesVersion, props)) {
    differences.push(
      `kubernetesVersion: ${String(props.currentKubernetesVersion ?? props.kubernetesVersion)} → ${spec.kubernetesVersion}`
    );
  }
  for (const key of ['identity', 'sku', 'kind'] as const) {
    if (template[key] !== undefined)
      differences.push(...literalDifferences(template[key], (live as Json)[key], key));
  }
  differences.push(...literalDifferences(template.properties ?? {}, props, 'properties'));
  const scaler = (props.autoScalerProfile ?? {}) as Json;
  const grace = String(spec.maxGracefulTerminationSec);
  if (String(scaler['max-graceful-termination-sec'] ?? '') !== grace) {
    differences.push(
      `properties.autoScalerProfile.max-graceful-termination-sec: ${show(scaler['max-graceful-termination-sec'])} → "${grace}"`
    );
  }
  differences.push(...poolDifferences(spec, props));
  return differences;
}

/** Agent pools the live cluster has beyond the template's (a deployment never removes them). */
export function extraPools(spec: ClusterSpec, live: GenericResource): string[] {
  const wanted = new Set(desiredPools(spec).map(p => p.name.toLowerCase()));
  return livePools((live.properties ?? {}) as Json)
    .map(p => String(p.name))
    .filter(name => !wanted.has(name.toLowerCase()));
}

function poolDifferences(spec: ClusterSpec, props: Json): string[] {
  const pools = livePools(props);
  const differences: string[] = [];
  for (const want of desiredPools(spec)) {
    const have = pools.find(p => String(p.name).toLowerCase() === want.name.toLowerCase());
    const where = `agent pool ${want.name}`;
    if (!have) {
      differences.push(`${where}: missing`);
      continue;
    }
    const compare = (field: string, wanted: unknown, actual: unknown): void => {
      if (wanted !== undefined && !sameValue(wanted, actual))
        differences.push(`${where}.${field}: ${show(actual)} → ${show(wanted)}`);
    };
    compare('mode', want.mode, have.mode);
    compare('vmSize', want.vmSize, have.vmSize);
    compare('enableAutoScaling', want.enableAutoScaling, have.enableAutoScaling ?? false);
    if (want.enableAutoScaling) {
      compare('minCount', want.minCount, have.minCount);
      compare('maxCount', want.maxCount, have.maxCount);
    }
    const taints = [...((have.nodeTaints as string[] | undefined) ?? [])].sort();
    compare('nodeTaints', [...want.nodeTaints].sort(), taints);
  }
  return differences;
}

function livePools(props: Json): Json[] {
  return Array.isArray(props.agentPoolProfiles) ? (props.agentPoolProfiles as Json[]) : [];
}

function sameVersion(wanted: string, props: Json): boolean {
  const current = String(props.currentKubernetesVersion ?? '');
  const requested = String(props.kubernetesVersion ?? '');
  return requested === wanted || current === wanted || current.startsWith(`${wanted}.`);
}

function normaliseLocation(location: string | undefined): string {
  return (location ?? '').replace(/\s+/g, '').toLowerCase();
}

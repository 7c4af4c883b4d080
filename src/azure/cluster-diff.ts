import type { GenericResource } from '@azure/arm-resources';
import { desiredPools, type ClusterSpec } from './cluster-spec.ts';
import { livePools } from './agent-pools.ts';
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
 * autoscaler profile, ...), the autoscaler's eviction grace, the tier, the node OS upgrade
 * channel, the API server's authorized ranges, local accounts and each agent pool the template
 * declares (with its drain timeout). Values AKS fills in or changes by itself (node counts of
 * autoscaled pools, fqdn, extra tags from policies) are not. The maintenance windows are
 * compared by maintenanceDifferences.
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
  const compare = (path: string, wanted: unknown, actual: unknown): void => {
    if (!sameValue(wanted, actual)) differences.push(`${path}: ${show(actual)} → ${show(wanted)}`);
  };
  compare('sku.tier', spec.tier, (live.sku as Json | undefined)?.tier ?? 'Free');
  compare(
    'properties.autoUpgradeProfile.nodeOSUpgradeChannel',
    spec.nodeOSUpgradeChannel,
    ((props.autoUpgradeProfile ?? {}) as Json).nodeOSUpgradeChannel ?? 'NodeImage'
  );
  compare(
    'properties.apiServerAccessProfile.authorizedIPRanges',
    [...spec.authorizedIpRanges].sort(),
    [
      ...((((props.apiServerAccessProfile ?? {}) as Json).authorizedIPRanges as string[]) ?? [])
    ].sort()
  );
  compare(
    'properties.disableLocalAccounts',
    spec.disableLocalAccounts,
    props.disableLocalAccounts ?? false
  );
  differences.push(...poolDifferences(spec, live));
  return differences;
}

/** How the live maintenance configurations (by name; undefined when missing) differ from the window asked for. */
export function maintenanceDifferences(
  spec: ClusterSpec,
  live: Record<string, GenericResource | undefined>
): string[] {
  const want = {
    schedule: { weekly: { dayOfWeek: spec.maintenance.day, intervalWeeks: 1 } },
    durationHours: spec.maintenance.durationHours,
    startTime: spec.maintenance.startTime,
    utcOffset: '+00:00'
  };
  return Object.entries(live).flatMap(([name, config]) => {
    const have = ((config?.properties ?? {}) as Json).maintenanceWindow as Json | undefined;
    if (!config || !have) return [`maintenance configuration ${name}: missing`];
    const actual = {
      schedule: have.schedule,
      durationHours: have.durationHours,
      startTime: have.startTime,
      utcOffset: have.utcOffset ?? '+00:00'
    };
    return sameValue(want, actual)
      ? []
      : [`maintenance configuration ${name}: ${show(actual)} → ${show(want)}`];
  });
}

function poolDifferences(spec: ClusterSpec, live: GenericResource): string[] {
  const pools = livePools(live);
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
    compare(
      'upgradeSettings.drainTimeoutInMinutes',
      want.drainTimeoutInMinutes,
      ((have.upgradeSettings ?? {}) as Json).drainTimeoutInMinutes
    );
  }
  return differences;
}

function sameVersion(wanted: string, props: Json): boolean {
  const current = String(props.currentKubernetesVersion ?? '');
  const requested = String(props.kubernetesVersion ?? '');
  return requested === wanted || current === wanted || current.startsWith(`${wanted}.`);
}

function normaliseLocation(location: string | undefined): string {
  return (location ?? '').replace(/\s+/g, '').toLowerCase();
}

// Each decision of the cluster comparison on its own: a setting the user changed (or that was
// changed out of band) must show as a difference, or the action skips the deployment and says
// the cluster is up to date.
import { describe, expect, test } from '@jest/globals';
import type { GenericResource } from '@azure/arm-resources';
import { clusterDifferences, maintenanceDifferences } from '../../src/azure/cluster-diff.ts';
import { extraPools, poolsToRemove } from '../../src/azure/agent-pools.ts';
import { desiredPools, type ClusterSpec } from '../../src/azure/cluster-spec.ts';
import { literalDifferences, sameValue, show } from '../../src/azure/literal-diff.ts';
import {
  loadTemplate,
  templateResource,
  type TemplateResource
} from '../../src/azure/templates.ts';

// Test assertions read free-form JSON.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = Record<string, any>;

const SPEC: ClusterSpec = {
  resourceGroup: 'rg',
  name: 'aks1',
  location: 'westeurope',
  kubernetesVersion: undefined,
  systemVmSize: 'Standard_D2s_v5',
  nodeVmSize: 'Standard_D8s_v5',
  minNodes: 1,
  maxNodes: 10,
  gpu: false,
  maxGracefulTerminationSec: 3600,
  nodeOSUpgradeChannel: 'NodeImage',
  maintenance: { day: 'Sunday', startTime: '01:00', durationHours: 4 },
  authorizedIpRanges: [],
  tier: 'Free',
  disableLocalAccounts: false,
  tags: { team: 'mri' }
};

const resource = templateResource(
  loadTemplate('aks-cluster'),
  'Microsoft.ContainerService/managedClusters'
);

/** What ARM reports for a cluster deployed from the template for `spec`. */
function live(spec: ClusterSpec = SPEC): GenericResource & { properties: Json; tags: Json } {
  const properties = JSON.parse(JSON.stringify(resource.properties)) as Json;
  properties.kubernetesVersion = '1.33';
  properties.currentKubernetesVersion = '1.33.5';
  properties.autoScalerProfile['max-graceful-termination-sec'] = '3600';
  // What ARM reports for the settings the template takes as parameters.
  properties.autoUpgradeProfile.nodeOSUpgradeChannel = 'NodeImage';
  properties.apiServerAccessProfile = {};
  delete properties.aadProfile;
  properties.disableLocalAccounts = false;
  properties.agentPoolProfiles = desiredPools(spec).map(({ drainTimeoutInMinutes, ...p }) => ({
    ...p,
    count: 2,
    nodeTaints: [...p.nodeTaints],
    ...(drainTimeoutInMinutes ? { upgradeSettings: { drainTimeoutInMinutes } } : {})
  }));
  return {
    location: 'West Europe',
    tags: { team: 'mri', 'managed-by': 'gadgetron-actions', 'gadgetron-cluster': 'aks1' },
    identity: { type: 'SystemAssigned' } as GenericResource['identity'],
    sku: { name: 'Base', tier: 'Free' },
    properties
  };
}

const diff = (
  spec: Partial<ClusterSpec>,
  cluster: GenericResource = live(),
  template: TemplateResource = resource
): string[] => clusterDifferences({ ...SPEC, ...spec }, template, cluster);

describe('location', () => {
  test('another region than the live one is a difference, named with both', () => {
    expect(diff({ location: 'northeurope' })).toEqual(['location: West Europe → northeurope']);
  });

  test('the same region written differently is none; no region asked for is none', () => {
    expect(diff({ location: 'West Europe' })).toEqual([]);
    expect(diff({ location: 'WESTEUROPE' })).toEqual([]);
    expect(diff({ location: undefined }, { ...live(), location: 'northeurope' })).toEqual([]);
  });

  test('a live cluster without a location differs from any region asked for', () => {
    expect(diff({}, { ...live(), location: undefined })).toEqual([
      'location: undefined → westeurope'
    ]);
  });
});

describe('tags', () => {
  const tagsLine = (liveTags: Json | undefined): string =>
    `tags: ${JSON.stringify(liveTags ?? {})} → ${JSON.stringify({ team: 'mri', 'managed-by': 'gadgetron-actions', 'gadgetron-cluster': 'aks1' })}`;

  test("a cluster without the cluster's own tag is deployed again", () => {
    const cluster = live();
    delete cluster.tags['gadgetron-cluster'];
    expect(diff({}, cluster)).toEqual([tagsLine(cluster.tags)]);
  });

  test("the cluster's tag naming another cluster is a difference", () => {
    const cluster = live();
    cluster.tags['gadgetron-cluster'] = 'aks2';
    expect(diff({}, cluster)).toEqual([tagsLine(cluster.tags)]);
  });

  test('a missing managed-by tag, a changed user tag or no tags at all are differences', () => {
    const noOwner = live();
    delete noOwner.tags['managed-by'];
    expect(diff({}, noOwner)).toEqual([tagsLine(noOwner.tags)]);
    const changed = live();
    changed.tags.team = 'cmr';
    expect(diff({}, changed)).toEqual([tagsLine(changed.tags)]);
    expect(diff({}, { ...live(), tags: undefined })).toEqual([tagsLine(undefined)]);
  });
});

describe('Kubernetes version', () => {
  const withVersions = (requested: string | undefined, current: string | undefined) => {
    const cluster = live();
    cluster.properties.kubernetesVersion = requested;
    cluster.properties.currentKubernetesVersion = current;
    return cluster;
  };

  test('the version the cluster was asked for counts even before AKS reports it current', () => {
    expect(diff({ kubernetesVersion: '1.34' }, withVersions('1.34', '1.33.5'))).toEqual([]);
  });

  test('a full version equal to the running one is none', () => {
    expect(diff({ kubernetesVersion: '1.33.5' }, withVersions('1.33', '1.33.5'))).toEqual([]);
    expect(diff({ kubernetesVersion: '1.33.5' }, withVersions(undefined, '1.33.5'))).toEqual([]);
  });

  test('a minor version the running patch belongs to is none', () => {
    expect(diff({ kubernetesVersion: '1.33' }, withVersions(undefined, '1.33.5'))).toEqual([]);
  });

  test('a version that is only a prefix of the running one without a dot is a difference', () => {
    expect(diff({ kubernetesVersion: '1.3' }, withVersions(undefined, '1.33.5'))).toEqual([
      'kubernetesVersion: 1.33.5 → 1.3'
    ]);
  });

  test('another version is a difference; the running version is named, else the requested', () => {
    expect(diff({ kubernetesVersion: '1.34' }, withVersions('1.33', '1.33.5'))).toEqual([
      'kubernetesVersion: 1.33.5 → 1.34'
    ]);
    expect(diff({ kubernetesVersion: '1.34' }, withVersions('1.33', undefined))).toEqual([
      'kubernetesVersion: 1.33 → 1.34'
    ]);
    expect(diff({ kubernetesVersion: '1.34' }, withVersions(undefined, undefined))).toEqual([
      'kubernetesVersion: undefined → 1.34'
    ]);
  });

  test('no version asked for keeps whatever the cluster runs', () => {
    expect(diff({ kubernetesVersion: undefined }, withVersions('1.30', '1.30.1'))).toEqual([]);
  });
});

describe('identity, sku and kind', () => {
  test('an identity changed out of band is a difference', () => {
    const cluster = live();
    cluster.identity = { type: 'UserAssigned' } as GenericResource['identity'];
    expect(diff({}, cluster)).toEqual(['identity.type: "UserAssigned" → "SystemAssigned"']);
    expect(diff({}, { ...live(), identity: undefined })).toEqual([
      'identity.type: (unset) → "SystemAssigned"'
    ]);
  });

  test('a sku and kind the template sets are compared too', () => {
    const template = { ...resource, sku: { name: 'Base', tier: 'Standard' }, kind: 'Base' };
    const cluster = { ...live(), sku: { name: 'Base', tier: 'Free' }, kind: 'Other' };
    expect(diff({}, cluster, template)).toEqual([
      'sku.tier: "Free" → "Standard"',
      'kind: "Other" → "Base"'
    ]);
    expect(
      diff(
        { tier: 'Standard' },
        { ...cluster, sku: { name: 'base', tier: 'standard' }, kind: 'base' },
        template
      )
    ).toEqual([]);
  });

  test('what the template does not set is not compared', () => {
    expect(diff({}, { ...live(), sku: { name: 'Base', tier: 'Free' }, kind: 'x' })).toEqual([]);
  });
});

describe('agent pools', () => {
  const pool = (cluster: ReturnType<typeof live>, name: string): Json =>
    (cluster.properties.agentPoolProfiles as Json[]).find(p => p.name === name) as Json;

  test('each pool setting is reported under the pool and field it belongs to', () => {
    const cluster = live();
    Object.assign(pool(cluster, 'system'), { mode: 'User', vmSize: 'Standard_D4s_v5' });
    Object.assign(pool(cluster, 'gadgetron'), { minCount: 0, maxCount: 3 });
    expect(diff({}, cluster)).toEqual([
      'agent pool system.mode: "User" → "System"',
      'agent pool system.vmSize: "Standard_D4s_v5" → "Standard_D2s_v5"',
      'agent pool gadgetron.minCount: 0 → 1',
      'agent pool gadgetron.maxCount: 3 → 10'
    ]);
  });

  test('autoscaling turned off, or never reported, on the Gadgetron pool is a difference', () => {
    const off = live();
    pool(off, 'gadgetron').enableAutoScaling = false;
    expect(diff({}, off)).toEqual(['agent pool gadgetron.enableAutoScaling: false → true']);
    const unset = live();
    delete pool(unset, 'gadgetron').enableAutoScaling;
    expect(diff({}, unset)).toEqual(['agent pool gadgetron.enableAutoScaling: false → true']);
  });

  test('a pool that does not autoscale has its counts left to AKS', () => {
    const cluster = live();
    Object.assign(pool(cluster, 'system'), { minCount: 5, maxCount: 9 });
    expect(diff({}, cluster)).toEqual([]);
  });

  test('taints are compared as a set: a missing or extra taint is a difference', () => {
    const missing = live();
    pool(missing, 'system').nodeTaints = [];
    expect(diff({}, missing)).toEqual([
      'agent pool system.nodeTaints: [] → ["CriticalAddonsOnly=true:NoSchedule"]'
    ]);
    const extra = live();
    pool(extra, 'system').nodeTaints = ['zz=1:NoSchedule', 'CriticalAddonsOnly=true:NoSchedule'];
    expect(diff({}, extra)).toEqual([
      'agent pool system.nodeTaints: ["CriticalAddonsOnly=true:NoSchedule","zz=1:NoSchedule"] → ["CriticalAddonsOnly=true:NoSchedule"]'
    ]);
    const none = live();
    delete pool(none, 'gadgetron').nodeTaints;
    expect(diff({}, none)).toEqual([]);
  });

  test('pool names match whatever their case; a missing pool is named', () => {
    const cluster = live();
    pool(cluster, 'gadgetron').name = 'Gadgetron';
    expect(diff({}, cluster)).toEqual([]);
    expect(extraPools(SPEC, cluster)).toEqual([]);
    const gone = live();
    gone.properties.agentPoolProfiles = (gone.properties.agentPoolProfiles as Json[]).filter(
      p => p.name !== 'system'
    );
    expect(diff({}, gone)).toEqual(['agent pool system: missing']);
    expect(
      diff({}, { ...live(), properties: { ...live().properties, agentPoolProfiles: 'x' } })
    ).toEqual(['agent pool system: missing', 'agent pool gadgetron: missing']);
  });

  test('the GPU pool is compared once asked for', () => {
    const cluster = live({ ...SPEC, gpu: true });
    expect(diff({ gpu: true }, cluster)).toEqual([]);
    pool(cluster, 'gpu').nodeTaints = [];
    expect(diff({ gpu: true }, cluster)).toEqual([
      'agent pool gpu.nodeTaints: [] → ["sku=gpu:NoSchedule"]'
    ]);
    // The GPU pool is the suite's own: not extra, but removed when no longer asked for.
    expect(extraPools(SPEC, cluster)).toEqual([]);
    expect(poolsToRemove(SPEC, cluster)).toEqual(['gpu']);
  });

  test('a GPU pool of another VM size is reported, so the change is refused before any request', () => {
    // The GPU pool's VM size is not one the spec fixes; AKS reports whatever it runs.
    const cluster = live({ ...SPEC, gpu: true });
    pool(cluster, 'gpu').vmSize = 'Standard_NC6s_v3';
    // Reported, so that the action refuses it before any request (AKS cannot resize a pool).
    expect(diff({ gpu: true }, cluster)).toEqual([
      'agent pool gpu.vmSize: "Standard_NC6s_v3" → "Standard_NC4as_T4_v3"'
    ]);
  });

  test('a cluster reporting no pool list has no extra pools', () => {
    const cluster = live();
    cluster.properties.agentPoolProfiles = null;
    expect(extraPools(SPEC, cluster)).toEqual([]);
    delete cluster.properties.agentPoolProfiles;
    expect(extraPools(SPEC, cluster)).toEqual([]);
  });
});

describe('autoscaler eviction grace', () => {
  test('a missing or other value is a difference naming both', () => {
    const unset = live();
    delete unset.properties.autoScalerProfile['max-graceful-termination-sec'];
    expect(diff({}, unset)).toEqual([
      'properties.autoScalerProfile.max-graceful-termination-sec: (unset) → "3600"'
    ]);
    const noProfile = live();
    delete noProfile.properties.autoScalerProfile;
    expect(diff({}, noProfile)).toContain(
      'properties.autoScalerProfile.max-graceful-termination-sec: (unset) → "3600"'
    );
  });

  test('a cluster without properties differs in everything the template fixes', () => {
    const differences = diff({}, { ...live(), properties: undefined });
    expect(differences).toContain('properties.oidcIssuerProfile.enabled: (unset) → true');
    expect(differences).toContain('agent pool gadgetron: missing');
  });
});

describe('literal comparison', () => {
  test('property names match whatever their case, values up to string case', () => {
    expect(literalDifferences({ enabled: true }, { Enabled: true }, 'p')).toEqual([]);
    expect(literalDifferences({ enabled: true }, { Enabled: false }, 'p')).toEqual([
      'p.enabled: false → true'
    ]);
    expect(literalDifferences({ a: { b: 'x' } }, 'not an object', 'p')).toEqual([
      'p.a.b: (unset) → "x"'
    ]);
    expect(literalDifferences({ a: ['x'] }, { a: ['y'] }, 'p')).toEqual(['p.a: ["y"] → ["x"]']);
  });

  test('only whole bracketed strings are expressions; [[ escapes a literal', () => {
    expect(literalDifferences({ a: '[[x]' }, { a: 'y' }, 'p')).toEqual(['p.a: "y" → "[[x]"']);
    expect(literalDifferences({ a: '[x' }, { a: 'y' }, 'p')).toEqual(['p.a: "y" → "[x"']);
    expect(literalDifferences({ a: 'x]' }, { a: 'y' }, 'p')).toEqual(['p.a: "y" → "x]"']);
    expect(literalDifferences({ a: ['[parameters(1)]'] }, { a: ['y'] }, 'p')).toEqual([]);
    // One expression makes the whole list depend on parameters.
    expect(literalDifferences({ a: ['[parameters(1)]', 'x'] }, { a: ['y', 'z'] }, 'p')).toEqual([]);
  });

  test('a fixed list that ARM does not report is a difference', () => {
    expect(literalDifferences({ a: ['x'] }, {}, 'p')).toEqual(['p.a: (unset) → ["x"]']);
    expect(literalDifferences({ a: ['x'] }, { a: 'x' }, 'p')).toEqual(['p.a: "x" → ["x"]']);
  });

  test('sameValue: arrays by length and element, objects both ways, other types strictly', () => {
    expect(sameValue(['a', 'B'], ['A', 'b'])).toBe(true);
    expect(sameValue(['a'], ['a', 'b'])).toBe(false);
    expect(sameValue(['a', 'b'], ['a', 'c'])).toBe(false);
    expect(sameValue({ a: 1 }, { a: 1, b: 2 })).toBe(false);
    expect(sameValue({ a: 1, b: 2 }, { a: 1 })).toBe(false);
    expect(sameValue({ A: 1 }, { a: 1 })).toBe(true);
    expect(sameValue(1, '1')).toBe(false);
    expect(sameValue(null, {})).toBe(false);
    expect(sameValue([], {})).toBe(false);
    expect(show(undefined)).toBe('(unset)');
    expect(show(null)).toBe('null');
  });
});

describe('settings ARM leaves out when they have their default', () => {
  test('no tier reported is the Free tier', () => {
    const noTier = { ...live(), sku: { name: 'Base' } };
    expect(diff({}, noTier)).toEqual([]);
    expect(diff({ tier: 'Standard' }, noTier)).toEqual(['sku.tier: "Free" → "Standard"']);
    const { sku: _sku, ...noSku } = live();
    expect(diff({}, noSku)).toEqual(['sku.name: (unset) → "Base"']);
  });

  test('no node OS upgrade channel reported is NodeImage', () => {
    const cluster = live();
    delete cluster.properties.autoUpgradeProfile.nodeOSUpgradeChannel;
    expect(diff({}, cluster)).toEqual([]);
  });

  test('local accounts not reported are enabled', () => {
    const cluster = live();
    delete cluster.properties.disableLocalAccounts;
    expect(diff({}, cluster)).toEqual([]);
    expect(diff({ disableLocalAccounts: true }, cluster)).toEqual([
      'properties.disableLocalAccounts: false → true'
    ]);
  });

  test('authorized IP ranges are compared as sets; ranges on a cluster that should have none differ', () => {
    const cluster = live();
    cluster.properties.apiServerAccessProfile = {
      authorizedIPRanges: ['10.0.0.0/8', '1.2.3.4/32']
    };
    expect(diff({ authorizedIpRanges: ['1.2.3.4/32', '10.0.0.0/8'] }, cluster)).toEqual([]);
    expect(diff({ authorizedIpRanges: ['10.0.0.0/8', '1.2.3.4/32'] }, cluster)).toEqual([]);
    expect(diff({}, cluster)).toEqual([
      'properties.apiServerAccessProfile.authorizedIPRanges: ["1.2.3.4/32","10.0.0.0/8"] → []'
    ]);
  });

  test('a maintenance window without an offset is in UTC; a configuration without a window is missing', () => {
    const window = {
      schedule: { weekly: { dayOfWeek: 'Sunday', intervalWeeks: 1 } },
      durationHours: 4,
      startTime: '01:00'
    };
    expect(
      maintenanceDifferences(SPEC, { a: { properties: { maintenanceWindow: window } } })
    ).toEqual([]);
    expect(maintenanceDifferences(SPEC, { a: { properties: {} } })).toEqual([
      'maintenance configuration a: missing'
    ]);
    expect(
      maintenanceDifferences(SPEC, {
        a: { properties: { maintenanceWindow: { ...window, utcOffset: '+01:00' } } }
      })
    ).toEqual([expect.stringMatching(/^maintenance configuration a: .*"\+01:00".* → .*"\+00:00"/)]);
  });

  test('a drain timeout ARM reports for a pool the spec sets none for is no difference', () => {
    const cluster = live();
    const pools = cluster.properties.agentPoolProfiles as Json[];
    const without = pools.filter(p => p.upgradeSettings === undefined);
    expect(without.length).toBeGreaterThan(0);
    for (const pool of without) pool.upgradeSettings = { drainTimeoutInMinutes: 30 };
    expect(diff({}, cluster)).toEqual([]);
  });
});

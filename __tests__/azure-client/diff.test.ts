import { describe, expect, test } from '@jest/globals';
import type { GenericResource } from '@azure/arm-resources';
import { clusterDifferences, maintenanceDifferences } from '../../src/azure/cluster-diff.ts';
import { extraPools } from '../../src/azure/agent-pools.ts';
import { clusterParameters, desiredPools, type ClusterSpec } from '../../src/azure/cluster-spec.ts';
import { literalDifferences } from '../../src/azure/literal-diff.ts';
import { loadTemplate, templateParameters, templateResource } from '../../src/azure/templates.ts';

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

const template = loadTemplate('aks-cluster');
const resource = templateResource(template, 'Microsoft.ContainerService/managedClusters');

/** A live cluster as ARM reports one built from the template for SPEC, with what AKS adds. */
function liveCluster(spec: ClusterSpec = SPEC): GenericResource {
  const properties = JSON.parse(JSON.stringify(resource.properties)) as Json;
  properties.kubernetesVersion = '1.33';
  properties.currentKubernetesVersion = '1.33.5';
  properties.fqdn = 'aks1-1234.hcp.westeurope.azmk8s.io';
  properties.networkProfile.loadBalancerSku = 'Standard';
  properties.autoScalerProfile['max-graceful-termination-sec'] = '3600';
  properties.autoUpgradeProfile.nodeOSUpgradeChannel = 'NodeImage';
  properties.apiServerAccessProfile = {};
  delete properties.aadProfile;
  properties.disableLocalAccounts = false;
  properties.agentPoolProfiles = desiredPools(spec).map(({ drainTimeoutInMinutes, ...p }) => ({
    ...p,
    count: 3,
    provisioningState: 'Succeeded',
    nodeTaints: [...p.nodeTaints],
    ...(drainTimeoutInMinutes
      ? { upgradeSettings: { drainTimeoutInMinutes, maxSurge: '10%' } }
      : {})
  }));
  return {
    location: 'West Europe',
    tags: {
      team: 'mri',
      'managed-by': 'gadgetron-actions',
      'gadgetron-cluster': 'aks1',
      'added-by-policy': 'yes'
    },
    identity: { type: 'SystemAssigned', principalId: 'p' } as GenericResource['identity'],
    sku: { name: 'Base', tier: 'Free' },
    properties
  };
}

describe('cluster differences', () => {
  test('an up-to-date cluster has none, whatever AKS added', () => {
    expect(clusterDifferences(SPEC, resource, liveCluster())).toEqual([]);
  });

  test('each input that matters shows as one difference', () => {
    expect(clusterDifferences({ ...SPEC, maxNodes: 20 }, resource, liveCluster())).toEqual([
      'agent pool gadgetron.maxCount: 10 → 20'
    ]);
    expect(
      clusterDifferences({ ...SPEC, nodeVmSize: 'Standard_D16s_v5' }, resource, liveCluster())
    ).toEqual(['agent pool gadgetron.vmSize: "Standard_D8s_v5" → "Standard_D16s_v5"']);
    expect(
      clusterDifferences({ ...SPEC, maxGracefulTerminationSec: 7200 }, resource, liveCluster())
    ).toEqual([
      'properties.autoScalerProfile.max-graceful-termination-sec: "3600" → "7200"',
      // Upgrades must wait for a reconstruction to end on the pools Gadgetron runs on.
      'agent pool gadgetron.upgradeSettings.drainTimeoutInMinutes: 70 → 130'
    ]);
    expect(clusterDifferences({ ...SPEC, tier: 'Standard' }, resource, liveCluster())).toEqual([
      'sku.tier: "Free" → "Standard"'
    ]);
    expect(
      clusterDifferences(
        { ...SPEC, authorizedIpRanges: ['203.0.113.0/24'] },
        resource,
        liveCluster()
      )
    ).toEqual(['properties.apiServerAccessProfile.authorizedIPRanges: [] → ["203.0.113.0/24"]']);
    expect(
      clusterDifferences(
        { ...SPEC, nodeOSUpgradeChannel: 'SecurityPatch' },
        resource,
        liveCluster()
      )
    ).toEqual([
      'properties.autoUpgradeProfile.nodeOSUpgradeChannel: "NodeImage" → "SecurityPatch"'
    ]);
    expect(clusterDifferences({ ...SPEC, gpu: true }, resource, liveCluster())).toEqual([
      'agent pool gpu: missing'
    ]);
    expect(
      clusterDifferences({ ...SPEC, tags: { team: 'cmr' } }, resource, liveCluster())[0]
    ).toMatch(/^tags: /);
    expect(
      clusterDifferences({ ...SPEC, kubernetesVersion: '1.33' }, resource, liveCluster())
    ).toEqual([]);
    expect(
      clusterDifferences({ ...SPEC, kubernetesVersion: '1.34' }, resource, liveCluster())
    ).toEqual(['kubernetesVersion: 1.33.5 → 1.34']);
  });

  test('fixed template values changed out of band are found', () => {
    const live = liveCluster();
    (live.properties as Json).oidcIssuerProfile.enabled = false;
    delete (live.properties as Json).networkProfile.networkPolicy;
    expect(clusterDifferences(SPEC, resource, live)).toEqual([
      'properties.networkProfile.networkPolicy: (unset) → "cilium"',
      'properties.oidcIssuerProfile.enabled: false → true'
    ]);
  });

  test('pools the template does not declare are reported, not removed', () => {
    const live = liveCluster();
    (live.properties as Json).agentPoolProfiles.push({
      name: 'extra',
      mode: 'User'
    });
    expect(extraPools(SPEC, live)).toEqual(['extra']);
    expect(clusterDifferences(SPEC, resource, live)).toEqual([]);
  });

  test('literal comparison skips expressions and ignores string case', () => {
    expect(
      literalDifferences(
        { a: '[parameters(1)]', b: 'Standard', c: { d: true } },
        { b: 'standard', c: { d: true } },
        'p'
      )
    ).toEqual([]);
    expect(literalDifferences({ b: ['x', 'y'] }, { b: ['x'] }, 'p')).toEqual([
      'p.b: ["x"] → ["x","y"]'
    ]);
  });

  test('maintenance windows: missing or different ones are differences', () => {
    const window = (day: string): GenericResource => ({
      properties: {
        maintenanceWindow: {
          schedule: { weekly: { dayOfWeek: day, intervalWeeks: 1 } },
          durationHours: 4,
          startTime: '01:00',
          utcOffset: '+00:00'
        }
      }
    });
    expect(maintenanceDifferences(SPEC, { a: window('Sunday'), b: window('Sunday') })).toEqual([]);
    expect(maintenanceDifferences(SPEC, { a: undefined, b: window('Monday') })).toEqual([
      'maintenance configuration a: missing',
      expect.stringMatching(/^maintenance configuration b: .*"Monday".* → .*"Sunday"/)
    ]);
  });

  test('a pool keeps its live size within the new bounds; a new pool starts at its minimum', () => {
    const counts = (gadgetron?: number, gpu?: number, spec: ClusterSpec = SPEC) => {
      const p = clusterParameters({ ...spec, gpu: true }, 'westeurope', { gadgetron, gpu });
      return [p.nodeCount, p.gpuCount];
    };
    expect(counts(undefined, undefined)).toEqual([1, 0]);
    expect(counts(7, 2)).toEqual([7, 2]);
    expect(counts(7, 2, { ...SPEC, maxNodes: 5 })).toEqual([5, 2]);
    expect(counts(0, 0, { ...SPEC, minNodes: 3 })).toEqual([3, 0]);
  });

  test('the parameters are exactly ones the template declares', () => {
    const parameters = templateParameters(
      template,
      clusterParameters(SPEC, 'westeurope', { gadgetron: 2, gpu: undefined })
    );
    expect(parameters.drainTimeoutInMinutes).toEqual({ value: 70 });
    expect(parameters.maxGracefulTerminationSec).toEqual({ value: '3600' });
    expect(parameters.tags).toEqual({ value: { team: 'mri' } });
    expect(() => templateParameters(template, { nope: 1 })).toThrow(
      'The template has no parameter nope'
    );
  });
});

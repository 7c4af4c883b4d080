import type { GenericResource } from '@azure/arm-resources';
import type { ClusterSpec } from '../../src/azure/cluster-spec.ts';
import { whatIfMarkdown, type WhatIfResource } from '../../src/azure/what-if.ts';
import { facts, inlineCode } from '../../src/summary/markdown.ts';
import { appendSummary } from '../../src/summary/write.ts';

export interface ClusterReport {
  spec: ClusterSpec;
  cluster: GenericResource;
  outcome: 'created' | 'updated' | 'up to date';
  differences: string[];
  kubeconfig: string;
  elapsed: string;
}

function pools(spec: ClusterSpec): string {
  const parts = [
    `system: ${spec.systemVmSize}`,
    `gadgetron: ${spec.nodeVmSize}, ${spec.minNodes} to ${spec.maxNodes} nodes`,
    ...(spec.gpu ? [`gpu: 0 to ${spec.maxNodes} nodes, tainted sku=gpu:NoSchedule`] : [])
  ];
  return parts.join('<br>');
}

/** The cluster in one line for logs: name, version, region and API server. */
export function describeCluster(cluster: GenericResource): string {
  const props = (cluster.properties ?? {}) as Record<string, unknown>;
  const version = String(props.currentKubernetesVersion ?? props.kubernetesVersion ?? '');
  return `cluster ${cluster.name ?? ''} (Kubernetes ${version}, ${cluster.location ?? ''}, API server ${String(props.fqdn ?? '')})`;
}

/** What the live cluster says about itself: region, version and endpoints. */
function clusterFacts(cluster: GenericResource): [string, string][] {
  const props = (cluster.properties ?? {}) as Record<string, unknown>;
  const oidc = (props.oidcIssuerProfile ?? {}) as Record<string, unknown>;
  return [
    ['Location', String(cluster.location ?? '')],
    ['Kubernetes', String(props.currentKubernetesVersion ?? props.kubernetesVersion ?? '')],
    ['API server', inlineCode(String(props.fqdn ?? ''))],
    ['OIDC issuer', inlineCode(String(oidc.issuerURL ?? ''))],
    ['Node resource group', inlineCode(String(props.nodeResourceGroup ?? ''))]
  ];
}

function kubeconfigFact(path: string): [string, string] {
  return ['Kubeconfig', `${inlineCode(path)} (exported as KUBECONFIG, deleted when the job ends)`];
}

export function renderClusterSummary(report: ClusterReport): string {
  const { spec, cluster } = report;
  const heading =
    report.outcome === 'up to date'
      ? `AKS cluster ${spec.name} is up to date`
      : `AKS cluster ${spec.name} ${report.outcome}`;
  const rows: [string, string][] = [
    ['Resource group', inlineCode(spec.resourceGroup)],
    ...clusterFacts(cluster),
    ['Agent pools', pools(spec)],
    ['Autoscaler eviction grace', `${spec.maxGracefulTerminationSec}s`],
    kubeconfigFact(report.kubeconfig),
    ['Took', report.elapsed]
  ];
  const parts = [`## ${heading}`, facts(rows)];
  if (report.outcome === 'updated')
    parts.push(
      `### What changed\n\n${report.differences.map(d => `- ${inlineCode(d)}`).join('\n')}`
    );
  if (report.outcome === 'up to date')
    parts.push('The live cluster already matched the inputs, so no deployment was made.');
  return `${parts.join('\n\n')}\n`;
}

export async function writeClusterSummary(report: ClusterReport): Promise<void> {
  await appendSummary(renderClusterSummary(report));
}

export interface WhatIfReport {
  spec: ClusterSpec;
  location: string;
  resources: WhatIfResource[];
  differences: string[];
  exists: boolean;
}

export function renderWhatIfSummary(report: WhatIfReport): string {
  const parts = [
    `## What-if: AKS cluster ${report.spec.name}`,
    `Nothing was changed. ${report.exists ? (report.differences.length === 0 ? 'The cluster already matches the inputs.' : `The cluster differs from the inputs in ${report.differences.length} place(s).`) : `The cluster does not exist and would be created in ${report.location}.`}`,
    `### ARM's what-if\n\n${whatIfMarkdown(report.resources)}`
  ];
  if (report.differences.length > 0)
    parts.push(
      `### Differences\n\n${report.differences.map(d => `- ${inlineCode(d)}`).join('\n')}`
    );
  return `${parts.join('\n\n')}\n`;
}

export async function writeWhatIfSummary(report: WhatIfReport): Promise<void> {
  await appendSummary(renderWhatIfSummary(report));
}

export interface TeardownReport {
  group: string;
  outcome: string;
  resources: string[];
}

export function renderTeardownSummary(report: TeardownReport): string {
  const list =
    report.resources.length > 0
      ? `\n\n${report.resources.map(r => `- ${inlineCode(r)}`).join('\n')}`
      : '';
  return `## Resource group ${report.group}: ${report.outcome}${list}\n`;
}

export async function writeTeardownSummary(report: TeardownReport): Promise<void> {
  await appendSummary(renderTeardownSummary(report));
}

import type { AppliedObject } from '../../src/kubernetes/apply.ts';
import { describeShareChange, type ShareChange } from '../../src/azure/share-quota.ts';
import type { StorageSpec } from '../../src/azure/storage-spec.ts';
import { facts, inlineCode, table } from '../../src/summary/markdown.ts';
import { appendSummary } from '../../src/summary/write.ts';

export interface StorageReport {
  spec: StorageSpec;
  location: string;
  /** Whether the account was new. */
  created: boolean;
  changes: ShareChange[];
  accountDifferences: string[];
  applied: AppliedObject[];
  namespace: string;
  secretName: string;
}

/** Names, sizes and claims only: the account key never reaches the summary. */
export function renderStorageSummary(report: StorageReport): string {
  const { spec } = report;
  const rows: [string, string][] = [
    ['Storage account', inlineCode(spec.account)],
    ['Resource group', inlineCode(spec.resourceGroup)],
    ['Location', report.location],
    ['SKU', spec.sku],
    [
      'Secret',
      report.applied.length > 0
        ? inlineCode(`${report.namespace}/${report.secretName}`)
        : 'not created (kubernetes is false)'
    ]
  ];
  const shares = table(
    ['Share', 'Quota', 'Claim', 'Change'],
    report.changes.map(c => [
      c.share,
      `${c.quotaGiB} GiB`,
      report.applied.length > 0 ? `${report.namespace}/${c.share}` : '',
      describeShareChange(c).replace(/^[^:]+: /, '')
    ])
  );
  const parts = [
    `## Gadgetron storage ${report.accountDifferences.length > 0 ? 'updated' : 'is up to date'}`,
    facts(rows),
    `### Shares\n\n${shares}`
  ];
  const objects = report.applied
    .filter(a => a.object.kind !== 'Namespace')
    .map(a => [a.change, a.object.kind ?? '', a.object.metadata?.name ?? '']);
  if (objects.length > 0)
    parts.push(`### Kubernetes objects\n\n${table(['Change', 'Kind', 'Name'], objects)}`);
  return `${parts.join('\n\n')}\n`;
}

export async function writeStorageSummary(report: StorageReport): Promise<void> {
  await appendSummary(renderStorageSummary(report));
}

export interface StorageTeardownReport {
  account: string;
  outcome: string;
  removed: string[];
}

export function renderStorageTeardownSummary(report: StorageTeardownReport): string {
  const removed =
    report.removed.length > 0
      ? `\n\nRemoved from the cluster:\n\n${report.removed.map(r => `- ${inlineCode(r)}`).join('\n')}`
      : '';
  return `## Storage account ${report.account}: ${report.outcome}${removed}\n`;
}

export async function writeStorageTeardownSummary(report: StorageTeardownReport): Promise<void> {
  await appendSummary(renderStorageTeardownSummary(report));
}

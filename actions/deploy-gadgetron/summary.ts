import type { KubernetesObject } from '@kubernetes/client-node';
import type { AppliedObject } from '../../src/kubernetes/apply.ts';
import type { RolloutOutcome } from '../../src/kubernetes/rollout.ts';
import type { GadgetronSpec } from '../../src/render/gadgetron.ts';
import { facts, inlineCode, table } from '../../src/summary/markdown.ts';
import { appendSummary } from '../../src/summary/write.ts';
import { formatElapsed } from '../../src/runtime/progress.ts';

export interface DeployReport {
  spec: GadgetronSpec;
  applied: AppliedObject[];
  pruned: KubernetesObject[];
  dryRun: boolean;
  offline?: boolean;
  rollout: RolloutOutcome | undefined;
  rolledBack: boolean;
}

export function renderDeploySummary(report: DeployReport): string {
  const { spec, rollout } = report;
  const heading = report.offline
    ? 'Gadgetron: rendered (client dry run)'
    : report.dryRun
      ? 'Gadgetron: validated by the API server (dry run)'
      : rollout?.result === 'complete'
        ? 'Gadgetron deployed'
        : report.rolledBack
          ? 'Gadgetron rollout failed: previous version restored'
          : 'Gadgetron rollout failed';
  const revision =
    rollout?.result === 'complete'
      ? (rollout.deployment.metadata?.annotations?.['deployment.kubernetes.io/revision'] ?? '')
      : '';
  const ready =
    rollout?.result === 'complete' ? `${rollout.deployment.status?.readyReplicas ?? 0} ready` : '';
  const rows: [string, string][] = [
    ['Image', inlineCode(spec.image)],
    ['Namespace / name', inlineCode(`${spec.namespace}/${spec.name}`)],
    ['Service', inlineCode(`${spec.name}-frontend.${spec.namespace}.svc.cluster.local:9002`)],
    [
      'Autoscaling',
      `${spec.replicas.min} to ${spec.replicas.max} pods at ${spec.replicas.cpuUtilization}% CPU`
    ],
    ['Shared storage server', spec.storageServer ? inlineCode(spec.storageServer.image) : 'off']
  ];
  if (revision) rows.push(['Revision', revision]);
  if (ready) rows.push(['Replicas', ready]);
  if (rollout)
    rows.push([
      'Rollout',
      rollout.result === 'complete'
        ? `complete in ${formatElapsed(rollout.elapsedMs)}`
        : rollout.summary
    ]);

  const changes = [
    ...report.applied
      .filter(a => report.offline || a.change !== 'unchanged')
      .map(a => [a.change, a.object.kind ?? '', a.object.metadata?.name ?? '']),
    ...report.pruned.map(o => ['pruned', o.kind ?? '', o.metadata?.name ?? ''])
  ];
  const parts = [`## ${heading}`, facts(rows)];
  parts.push(
    changes.length > 0
      ? `### ${report.offline ? 'Objects' : 'Changes'}\n\n${table(['Change', 'Kind', 'Name'], changes)}`
      : '### Changes\n\nNothing changed: the cluster already matched.'
  );
  if (rollout && rollout.result !== 'complete') {
    const problems = rollout.problems.map(p => [
      p.pod,
      p.kind === 'waiting' ? `${p.reason}: waits for a dependency` : `${p.reason}: cannot run`,
      p.message
    ]);
    if (problems.length > 0)
      parts.push(
        `### Pods that could not start\n\n${table(['Pod', 'Reason', 'Message'], problems)}`
      );
    if (rollout.events.length > 0)
      parts.push(`### Recent events\n\n${rollout.events.map(e => `- ${e}`).join('\n')}`);
  }
  return `${parts.join('\n\n')}\n`;
}

export async function writeDeploySummary(report: DeployReport): Promise<void> {
  await appendSummary(renderDeploySummary(report));
}

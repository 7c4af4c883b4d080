import type { KubernetesObject } from '@kubernetes/client-node';
import type { ObjectDiff } from '../../src/kubernetes/diff.ts';
import { formatChange } from '../../src/kubernetes/diff.ts';
import { describeObject } from '../../src/kubernetes/objects.ts';
import type { Release } from '../../src/kubernetes/release.ts';
import type { RolloutOutcome } from '../../src/kubernetes/rollout.ts';
import type { GadgetronSpec } from '../../src/render/gadgetron.ts';
import { code, details, facts, inlineCode, table } from '../../src/summary/markdown.ts';
import { appendSummary } from '../../src/summary/write.ts';
import type { ResolvedSettings } from './settings.ts';
import type { LogTail } from '../../src/kubernetes/pods.ts';
import { formatElapsed } from '../../src/runtime/progress.ts';

export interface DeployReport {
  spec: GadgetronSpec;
  /** live -> rendered, per object; empty for a client dry run, which compares nothing. */
  diffs: readonly ObjectDiff[];
  /** The changes a reviewer looks for first, e.g. `image A -> B, min-replicas 1 -> 4`. */
  headline?: string | undefined;
  dryRun: boolean;
  /** A client dry run: the rendered objects, checked offline against the schemas only. */
  rendered?: readonly KubernetesObject[];
  rollout: RolloutOutcome | undefined;
  rolledBack: boolean;
  /** The image the rollback restored. */
  restored?: string;
  /** The release running before this run, when one was recorded. */
  previous?: Release<unknown> | undefined;
  /** The release this run recorded (or kept, when it changed nothing). */
  release?: Release<unknown>;
  /** Old pods still finishing their reconstructions after a completed rollout. */
  draining?: readonly { pod: string; image: string }[];
  /** Recent logs of the pods a failed rollout could not start. */
  logs?: readonly LogTail[];
  /** Where each setting came from, under reuse-settings. */
  settings?: ResolvedSettings | undefined;
}

function heading(report: DeployReport): string {
  if (report.rendered) return 'Gadgetron: rendered (client dry run, not compared with the cluster)';
  if (report.dryRun) return 'Gadgetron: what would change (server dry run)';
  if (report.rollout?.result === 'complete') return 'Gadgetron deployed';
  if (report.rolledBack)
    return report.previous
      ? `Gadgetron rollout failed: release revision ${report.previous.revision} restored`
      : 'Gadgetron rollout failed: previous version restored';
  return 'Gadgetron rollout failed';
}

export function renderDeploySummary(report: DeployReport): string {
  const { spec, rollout } = report;
  const running = report.rolledBack ? report.previous : (report.release ?? report.previous);
  const rows: [string, string][] = [];
  if (report.headline) rows.push(['Changes', report.headline]);
  rows.push(
    ['Image', inlineCode(report.rolledBack && report.restored ? report.restored : spec.image)],
    ['Namespace / name', inlineCode(`${spec.namespace}/${spec.name}`)],
    ['Service', inlineCode(`${spec.name}-frontend.${spec.namespace}.svc.cluster.local:9002`)],
    [
      'Autoscaling',
      `${spec.replicas.min} to ${spec.replicas.max} pods at ${spec.replicas.cpuUtilization}% CPU`
    ],
    ['Shared storage server', spec.storageServer ? inlineCode(spec.storageServer.image) : 'off']
  );
  if (!report.dryRun && running) rows.push(['Release', `revision ${running.revision} running`]);
  else if (report.dryRun && report.previous)
    rows.push(['Release', `revision ${report.previous.revision} running`]);
  if (rollout?.result === 'complete')
    rows.push(['Replicas', `${rollout.deployment.status?.readyReplicas ?? 0} ready`]);
  if (rollout)
    rows.push([
      'Rollout',
      rollout.result === 'complete'
        ? `complete in ${formatElapsed(rollout.elapsedMs)}`
        : rollout.summary
    ]);

  const parts = [`## ${heading(report)}`, facts(rows)];
  parts.push(report.rendered ? renderedObjects(report.rendered) : changes(report.diffs));
  if (report.settings) parts.push(settingOrigins(report.settings));
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
    for (const tail of report.logs ?? [])
      parts.push(
        'lines' in tail
          ? details(`Last log lines of ${tail.pod}`, code(tail.lines.join('\n') || '(empty)'))
          : `No log of ${inlineCode(tail.pod)}: ${tail.unavailable}`
      );
  }
  if (report.draining && report.draining.length > 0)
    parts.push(
      `### Still draining\n\nThese pods of the previous version finish their reconstructions before they go (at most ${spec.terminationGracePeriodSeconds} s):\n\n${table(
        ['Pod', 'Image'],
        report.draining.map(d => [d.pod, d.image])
      )}`
    );
  return `${parts.join('\n\n')}\n`;
}

function renderedObjects(objects: readonly KubernetesObject[]): string {
  const rows = objects.map(o => [o.kind ?? '', o.metadata?.name ?? '']);
  return `### Objects\n\nRendered and valid against the Kubernetes schemas; the cluster was not contacted, so nothing was compared.\n\n${table(['Kind', 'Name'], rows)}`;
}

/** One row per object that changes, the fields behind a collapsed block. */
function changes(diffs: readonly ObjectDiff[]): string {
  const changing = diffs.filter(d => d.change !== 'unchanged');
  if (changing.length === 0) return '### Changes\n\nNothing changed: the cluster already matched.';
  const rows = changing.map(d => [
    d.change,
    d.object.kind ?? '',
    d.object.metadata?.name ?? '',
    d.change === 'configured' ? String(d.fields.length) : ''
  ]);
  const fieldLines = changing.flatMap(d =>
    d.change === 'configured'
      ? [describeObject(d.object), ...d.fields.map(f => `  ${formatChange(f, 200)}`)]
      : [`${describeObject(d.object)}: ${d.change}`]
  );
  return [
    `### Changes\n\n${table(['Change', 'Kind', 'Name', 'Fields'], rows)}`,
    details('Field by field (live -> rendered)', code(fieldLines.join('\n')))
  ].join('\n\n');
}

const ORIGIN_TEXT = {
  given: 'given',
  release: 'kept from the running release',
  default: 'the default'
} as const;

/** Which setting came from where, collapsed: the headline already names what changes. */
function settingOrigins(settings: ResolvedSettings): string {
  const rows = Object.entries(settings.values).map(([name, value]) => [
    name,
    value === '' ? '(none)' : inlineCode(value),
    settings.origins[name] === 'release' && settings.fromRevision !== undefined
      ? `kept from revision ${settings.fromRevision}`
      : ORIGIN_TEXT[settings.origins[name] ?? 'given']
  ]);
  const counts = (['given', 'release', 'default'] as const)
    .map(o => [o, rows.filter(r => settings.origins[r[0] as string] === o).length] as const)
    .filter(([, n]) => n > 0)
    .map(([o, n]) => `${n} ${ORIGIN_TEXT[o]}`)
    .join(', ');
  return details(`Settings: ${counts}`, table(['Setting', 'Value', 'From'], rows));
}

export async function writeDeploySummary(report: DeployReport): Promise<void> {
  await appendSummary(renderDeploySummary(report));
}

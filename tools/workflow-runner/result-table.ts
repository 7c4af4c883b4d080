/** The closing table of a run: one row per job, its steps indented below it. */
import type { WorkflowResult } from './types.ts';
import { formatDuration } from './duration.ts';

const HEADER = ['JOB / STEP', 'RESULT', 'DURATION'] as const;

export function formatResultTable(result: WorkflowResult): string {
  const rows: string[][] = [];
  const listed = new Set<string>();
  const addJob = (job: string, jobResult: string, durationMs: number | undefined): void => {
    listed.add(job);
    rows.push([job, jobResult, durationMs === undefined ? '' : formatDuration(durationMs)]);
    for (const step of result.steps.filter(s => s.job === job)) {
      rows.push([
        `  ${step.step}`,
        step.outcome,
        step.outcome === 'skipped' ? '' : formatDuration(step.durationMs)
      ]);
    }
  };
  for (const [job, summary] of Object.entries(result.jobs))
    addJob(job, summary.result, summary.durationMs);
  for (const job of new Set(result.steps.map(s => s.job))) {
    if (!listed.has(job)) addJob(job, '', undefined);
  }
  const all = [[...HEADER], ...rows];
  const widths = HEADER.map((_, i) => Math.max(...all.map(r => (r[i] ?? '').length)));
  const line = (r: string[]): string =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const rule = widths.map(w => '-'.repeat(w)).join('  ');
  const footer = result.error ? [`error: ${result.error}`] : [];
  return [
    line(all[0] ?? []),
    rule,
    ...rows.map(line),
    rule,
    `workflow: ${result.ok ? 'success' : 'failure'}`,
    ...footer
  ].join('\n');
}

import { expect, test } from '@jest/globals';
import { ProgressReporter } from '../../src/runtime/progress.ts';

test('a state is logged once, even when its report is forced (a rollout that is complete)', () => {
  const lines: string[] = [];
  const progress = new ProgressReporter(10_000, line => lines.push(line));
  progress.report('Rollout of g: 1/1 updated, 0/1 ready');
  progress.report('Rollout of g: 1/1 updated, 1/1 ready', true);
  progress.report('Rollout of g: 1/1 updated, 1/1 ready', true);
  progress.report('Rollout of g: 1/1 updated, 1/1 ready');
  expect(lines.map(line => line.replace(/ \(\d+s elapsed\)$/, ''))).toEqual([
    'Rollout of g: 1/1 updated, 0/1 ready',
    'Rollout of g: 1/1 updated, 1/1 ready'
  ]);
});

import { expect, test } from '@jest/globals';
import { formatResultTable } from '../../tools/workflow-runner/index.ts';

test('the closing table lists each job with its steps, results and durations', () => {
  const table = formatResultTable({
    ok: false,
    jobs: {
      build: { result: 'failure', outputs: {}, durationMs: 65_000 },
      deploy: { result: 'skipped', outputs: {}, durationMs: 0 }
    },
    steps: [
      {
        job: 'build',
        step: 'Run ./actions/echo',
        outcome: 'success',
        durationMs: 1500,
        outputs: {},
        summary: '',
        log: ''
      },
      {
        job: 'build',
        step: 'Run ./actions/fail',
        outcome: 'failure',
        durationMs: 80,
        outputs: {},
        summary: '',
        log: ''
      },
      {
        job: 'build',
        step: 'Run tidy',
        outcome: 'skipped',
        durationMs: 0,
        outputs: {},
        summary: '',
        log: ''
      }
    ],
    outputs: {},
    error: 'something broke'
  });
  expect(table.split('\n')).toEqual([
    'JOB / STEP            RESULT   DURATION',
    '--------------------  -------  --------',
    'build                 failure  1m05s',
    '  Run ./actions/echo  success  1.5s',
    '  Run ./actions/fail  failure  80ms',
    '  Run tidy            skipped',
    'deploy                skipped  0ms',
    '--------------------  -------  --------',
    'workflow: failure',
    'error: something broke'
  ]);
});

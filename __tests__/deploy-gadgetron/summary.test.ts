import { describe, expect, test } from '@jest/globals';
import { renderDeploySummary } from '../../actions/deploy-gadgetron/summary.ts';
import { defaultSpec } from '../render/fixtures.ts';

describe('the deploy summary of a rollout that did not finish', () => {
  test('tells a pod waiting for a dependency from one that cannot run', () => {
    const text = renderDeploySummary({
      spec: defaultSpec(),
      diffs: [],
      dryRun: false,
      rolledBack: false,
      rollout: {
        result: 'timeout',
        summary: 'timed out: 0/2 updated, 0/2 ready; 1 pod(s) wait in an init container',
        elapsedMs: 900_000,
        events: [],
        problems: [
          {
            pod: 'gadgetron-a',
            kind: 'waiting',
            reason: 'Init:CrashLoopBackOff',
            message: 'storage server http://gadgetron-storage:3333 did not answer /healthcheck'
          },
          { pod: 'gadgetron-b', kind: 'broken', reason: 'ImagePullBackOff', message: 'not found' }
        ]
      }
    });
    expect(text).toContain(
      '| gadgetron-a | Init:CrashLoopBackOff: waits for a dependency | storage server http://gadgetron-storage:3333 did not answer /healthcheck |'
    );
    expect(text).toContain('| gadgetron-b | ImagePullBackOff: cannot run | not found |');
  });
});

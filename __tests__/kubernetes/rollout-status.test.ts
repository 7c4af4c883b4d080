import { describe, expect, test } from '@jest/globals';
import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { assessRollout } from '../../src/kubernetes/rollout-status.ts';

const IMAGE = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2';

const deployment: V1Deployment = {
  metadata: { name: 'gadgetron', generation: 2 },
  spec: {
    replicas: 1,
    selector: {},
    template: { spec: { containers: [{ name: 'gadgetron', image: IMAGE }] } }
  },
  status: { observedGeneration: 2, replicas: 1, updatedReplicas: 1, readyReplicas: 0 }
};

function pod(
  init: Partial<V1ContainerStatus> | undefined,
  main: Partial<V1ContainerStatus> | undefined
): V1Pod {
  const status = (name: string, s: Partial<V1ContainerStatus>): V1ContainerStatus => ({
    name,
    image: IMAGE,
    imageID: '',
    ready: false,
    restartCount: 0,
    ...s
  });
  return {
    metadata: { name: 'gadgetron-abc' },
    spec: { containers: [{ name: 'gadgetron', image: IMAGE }] },
    status: {
      ...(init ? { initContainerStatuses: [status('wait-for-storage', init)] } : {}),
      ...(main ? { containerStatuses: [status('gadgetron', main)] } : {})
    }
  };
}

const STORAGE_DOWN =
  'storage server http://gadgetron-storage:3333 did not answer /healthcheck within 600s';

describe('assessRollout tells a pod waiting on a dependency from a broken one', () => {
  test('an init container that keeps failing waits for a dependency: no failure, the reason is kept', () => {
    const state = assessRollout(deployment, [
      pod(
        {
          restartCount: 4,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 2m40s' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', message: `${STORAGE_DOWN}\n` } }
        },
        { state: { waiting: { reason: 'PodInitializing' } } }
      )
    ]);
    expect(state.state).toBe('progressing');
    if (state.state !== 'progressing') return;
    expect(state.summary).toContain('1 pod(s) wait in an init container');
    expect(state.waiting).toEqual([
      {
        pod: 'gadgetron-abc',
        kind: 'waiting',
        reason: 'Init:CrashLoopBackOff',
        message: `init container wait-for-storage has not finished, 4 restart(s): ${STORAGE_DOWN}`
      }
    ]);
  });

  test('a running init container is waiting too', () => {
    const state = assessRollout(deployment, [
      pod({ state: { running: { startedAt: new Date() } } }, undefined)
    ]);
    expect(state.state === 'progressing' && state.waiting[0]?.reason).toBe('Init:Running');
  });

  test('a main container that keeps crashing fails the rollout, with the end of its log', () => {
    const state = assessRollout(deployment, [
      pod(
        { state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        {
          restartCount: 3,
          state: { waiting: { reason: 'CrashLoopBackOff' } },
          lastState: {
            terminated: { exitCode: 1, reason: 'Error', message: 'gadgetron: bad option -X' }
          }
        }
      )
    ]);
    expect(state.state).toBe('failed');
    if (state.state !== 'failed') return;
    expect(state.problems).toEqual([
      {
        pod: 'gadgetron-abc',
        kind: 'broken',
        reason: 'CrashLoopBackOff',
        message: 'gadgetron: bad option -X'
      }
    ]);
  });

  test('an init container whose image cannot be pulled is broken', () => {
    const state = assessRollout(deployment, [
      pod({ state: { waiting: { reason: 'ImagePullBackOff', message: 'not found' } } }, undefined)
    ]);
    expect(state.state === 'failed' && state.problems[0]).toEqual({
      pod: 'gadgetron-abc',
      kind: 'broken',
      reason: 'Init:ImagePullBackOff',
      message: 'not found'
    });
  });

  test('a finished init container is no problem', () => {
    const state = assessRollout(deployment, [
      pod(
        { state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { state: { running: {} } }
      )
    ]);
    expect(state.state === 'progressing' && state.waiting).toEqual([]);
  });
});

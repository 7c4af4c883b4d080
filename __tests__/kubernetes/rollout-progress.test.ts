import { describe, expect, test } from '@jest/globals';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { assessRollout } from '../../src/kubernetes/rollout-status.ts';

const IMAGE = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2';

function deployment(status: V1Deployment['status'], replicas = 2): V1Deployment {
  return {
    metadata: { name: 'gadgetron', generation: 2 },
    spec: {
      replicas,
      selector: {},
      template: { spec: { containers: [{ name: 'gadgetron', image: IMAGE }] } }
    },
    status: { observedGeneration: 2, ...status }
  };
}

function pod(name: string, status: V1Pod['status'], image = IMAGE): V1Pod {
  return {
    metadata: { name, namespace: 'ns' },
    spec: { containers: [{ name: 'gadgetron', image }] },
    status
  };
}

// Condition texts as kube-scheduler 1.36 writes them.
const unschedulable = (message: string): V1Pod['status'] => ({
  phase: 'Pending',
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }]
});

describe('assessRollout: progress, deadlines and pods that cannot start', () => {
  const rolling = deployment({
    replicas: 3,
    updatedReplicas: 1,
    readyReplicas: 2,
    availableReplicas: 2
  });

  test('complete when every replica is updated and available and no old one is left', () => {
    const done = deployment({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 2
    });
    expect(assessRollout(done, []).state).toBe('complete');
    const oldLeft = deployment({
      replicas: 3,
      updatedReplicas: 2,
      readyReplicas: 3,
      availableReplicas: 3
    });
    expect(assessRollout(oldLeft, []).state).toBe('progressing');
    const notAvailable = deployment({
      replicas: 2,
      updatedReplicas: 2,
      readyReplicas: 2,
      availableReplicas: 1
    });
    expect(assessRollout(notAvailable, []).state).toBe('progressing');
  });

  test('waits while the controller has not seen the new specification', () => {
    const stale = deployment({
      observedGeneration: 1,
      replicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2
    });
    expect(assessRollout(stale, [])).toMatchObject({
      state: 'progressing',
      summary: 'waiting for the new specification to be observed'
    });
  });

  test('a pod waiting for room counts as waiting for a node, not as a failure', () => {
    const state = assessRollout(rolling, [
      pod(
        'a',
        unschedulable(
          '0/4 nodes are available: 1 Insufficient cpu, 3 node(s) had untolerated taint(s). preemption: 0/4 nodes are available.'
        )
      )
    ]);
    expect(state).toMatchObject({ state: 'progressing', pendingForNodes: 1 });
  });

  test('a pod whose claim does not exist fails at once, naming the claim', () => {
    const state = assessRollout(rolling, [
      pod(
        'a',
        unschedulable(
          '0/4 nodes are available: persistentvolumeclaim "gtdata" not found. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.'
        )
      )
    ]);
    expect(state.state).toBe('failed');
    expect(state.state === 'failed' && state.problems).toEqual([
      {
        pod: 'a',
        kind: 'broken',
        reason: 'PersistentVolumeClaimNotFound',
        message: 'the PersistentVolumeClaim "gtdata" does not exist in namespace ns'
      }
    ]);
  });

  test('an image that cannot be pulled fails; an old pod with the same trouble does not', () => {
    const pulling = {
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'gadgetron',
          image: IMAGE,
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image' } }
        }
      ]
    };
    expect(assessRollout(rolling, [pod('new', pulling)])).toMatchObject({
      state: 'failed',
      problems: [{ pod: 'new', reason: 'ImagePullBackOff' }]
    });
    expect(assessRollout(rolling, [pod('old', pulling, 'other:1')]).state).toBe('progressing');
  });

  test('a crash loop fails only after a few restarts', () => {
    const crashing = (restartCount: number) => ({
      phase: 'Running',
      containerStatuses: [
        {
          name: 'gadgetron',
          image: IMAGE,
          imageID: '',
          ready: false,
          restartCount,
          state: { waiting: { reason: 'CrashLoopBackOff' } }
        }
      ]
    });
    expect(assessRollout(rolling, [pod('a', crashing(2))]).state).toBe('progressing');
    expect(assessRollout(rolling, [pod('a', crashing(3))]).state).toBe('failed');
  });

  test('the progress deadline fails the rollout unless pods wait for nodes', () => {
    const late = deployment({
      ...rolling.status,
      conditions: [
        {
          type: 'Progressing',
          status: 'False',
          reason: 'ProgressDeadlineExceeded',
          message: 'ReplicaSet "x" has timed out progressing.'
        }
      ]
    });
    expect(assessRollout(late, [])).toMatchObject({
      state: 'failed',
      summary: expect.stringContaining('has timed out progressing')
    });
    expect(
      assessRollout(late, [pod('a', unschedulable('0/4 nodes are available: 2 Insufficient cpu.'))])
        .state
    ).toBe('progressing');
    expect(assessRollout(late, [], true).state).toBe('progressing');
  });
});

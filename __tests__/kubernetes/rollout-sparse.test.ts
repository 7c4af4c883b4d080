// Objects as the API server may send them, with the optional parts left out, and conditions
// that sit side by side: the assessment must neither throw nor read the wrong condition.
import { describe, expect, test } from '@jest/globals';
import type { V1Deployment, V1Pod } from '@kubernetes/client-node';
import { assessRollout } from '../../src/kubernetes/rollout-status.ts';

const IMAGE = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2';
const done = { observedGeneration: 1, replicas: 1, updatedReplicas: 1, availableReplicas: 1 };

function deployment(status: V1Deployment['status']): V1Deployment {
  return {
    metadata: { name: 'gadgetron', generation: 1 },
    spec: {
      replicas: 1,
      selector: {},
      template: { spec: { containers: [{ name: 'gadgetron', image: IMAGE }] } }
    },
    status
  };
}

const newPod = (status: V1Pod['status']): V1Pod => ({
  metadata: { name: 'gadgetron-1', namespace: 'mri' },
  spec: { containers: [{ name: 'gadgetron', image: IMAGE }] },
  status
});

const exceeded = {
  type: 'Progressing',
  status: 'False',
  reason: 'ProgressDeadlineExceeded',
  message: 'timed out'
};

describe('sparse objects', () => {
  test('a deployment and pod with nothing but a status are assessed, not thrown on', () => {
    expect(assessRollout({ status: done }, [{}])).toEqual({
      state: 'complete',
      summary: '1/1 updated, 0/1 ready'
    });
    expect(assessRollout({ status: { ...done, updatedReplicas: 0 } }, [{ status: {} }])).toEqual({
      state: 'progressing',
      summary: '0/1 updated, 0/1 ready',
      pendingForNodes: 0,
      waiting: []
    });
  });

  test('a deployment whose template has no pod spec yet is assessed too', () => {
    const bare: V1Deployment = { spec: { selector: {}, template: {} }, status: done };
    expect(assessRollout(bare, [{}]).state).toBe('complete');
  });

  test('a pod without metadata whose claim is missing is still named', () => {
    const pod: V1Pod = {
      status: {
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/2 nodes are available: persistentvolumeclaim "gtdata" not found.'
          }
        ]
      }
    };
    expect(assessRollout({ status: done }, [pod])).toMatchObject({
      state: 'failed',
      problems: [{ pod: '?', reason: 'PersistentVolumeClaimNotFound' }]
    });
  });

  test('containers without a state yet, and an init container with an empty state', () => {
    const pod = newPod({
      initContainerStatuses: [
        {
          name: 'wait-for-storage',
          image: IMAGE,
          imageID: '',
          ready: false,
          restartCount: 0,
          state: {}
        }
      ],
      containerStatuses: [
        { name: 'gadgetron', image: IMAGE, imageID: '', ready: false, restartCount: 0 }
      ]
    });
    expect(assessRollout(deployment({ ...done, updatedReplicas: 0 }), [pod])).toMatchObject({
      state: 'progressing',
      waiting: [{ reason: 'Init:Waiting' }]
    });
  });

  test('a running pod without init containers waits on nothing', () => {
    const pod = newPod({
      containerStatuses: [
        {
          name: 'gadgetron',
          image: IMAGE,
          imageID: '',
          ready: true,
          restartCount: 0,
          state: { running: {} }
        }
      ]
    });
    expect(assessRollout(deployment({ ...done, updatedReplicas: 0 }), [pod])).toMatchObject({
      state: 'progressing',
      waiting: []
    });
  });
});

describe('conditions side by side', () => {
  test('the deadline is read from the Progressing condition, not the first false one', () => {
    const status = {
      ...done,
      updatedReplicas: 0,
      conditions: [
        { type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' },
        exceeded
      ]
    };
    expect(assessRollout(deployment(status), [])).toMatchObject({
      state: 'failed',
      summary: '0/1 updated, 0/1 ready: timed out'
    });
  });

  test('a pod waiting for a node has other conditions too; it still holds the deadline off', () => {
    const pod = newPod({
      conditions: [
        {
          type: 'PodScheduled',
          status: 'False',
          reason: 'Unschedulable',
          message: 'Insufficient cpu'
        },
        { type: 'Ready', status: 'False', reason: 'ContainersNotReady' }
      ]
    });
    expect(
      assessRollout(deployment({ ...done, updatedReplicas: 0, conditions: [exceeded] }), [pod])
    ).toMatchObject({ state: 'progressing', pendingForNodes: 1 });
  });

  test('an unschedulable pod without a message is waiting for a node, not broken', () => {
    const pod = newPod({
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }]
    });
    expect(assessRollout(deployment({ ...done, updatedReplicas: 0 }), [pod])).toMatchObject({
      state: 'progressing',
      pendingForNodes: 1
    });
  });

  test('restarts alone do not fail a container that is starting again', () => {
    const pod = newPod({
      containerStatuses: [
        {
          name: 'gadgetron',
          image: IMAGE,
          imageID: '',
          ready: false,
          restartCount: 5,
          state: { waiting: { reason: 'ContainerCreating' } }
        }
      ]
    });
    expect(assessRollout(deployment({ ...done, updatedReplicas: 0 }), [pod]).state).toBe(
      'progressing'
    );
  });
});

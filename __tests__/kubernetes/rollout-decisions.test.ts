// The edges of each rollout decision: when a rollout is complete, when it fails and with what
// words, and which pods count. A wrong call here either reports a rollout that is not done or
// fails (and may roll back) one that was merely slow.
import { describe, expect, test } from '@jest/globals';
import type { V1ContainerStatus, V1Deployment, V1Pod } from '@kubernetes/client-node';
import { assessRollout } from '../../src/kubernetes/rollout-status.ts';

const IMAGE = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2';
const OLD_IMAGE = 'ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.1';

function deployment(
  status: V1Deployment['status'],
  replicas: number | null = 2,
  generation: number | null = 2
): V1Deployment {
  return {
    metadata: { name: 'gadgetron', ...(generation === null ? {} : { generation }) },
    spec: {
      ...(replicas === null ? {} : { replicas }),
      selector: {},
      template: { spec: { containers: [{ name: 'gadgetron', image: IMAGE }] } }
    },
    status
  };
}

const done = (n: number): V1Deployment['status'] => ({
  observedGeneration: 2,
  replicas: n,
  updatedReplicas: n,
  readyReplicas: n,
  availableReplicas: n
});

function container(s: Partial<V1ContainerStatus>, name = 'gadgetron'): V1ContainerStatus {
  return { name, image: IMAGE, imageID: '', ready: false, restartCount: 0, ...s };
}

function pod(
  status: V1Pod['status'],
  extra: { image?: string; name?: string; deleting?: boolean } = {}
): V1Pod {
  return {
    metadata: {
      ...(extra.name === undefined ? {} : { name: extra.name }),
      namespace: 'mri',
      ...(extra.deleting ? { deletionTimestamp: new Date() } : {})
    },
    spec: { containers: [{ name: 'gadgetron', image: extra.image ?? IMAGE }] },
    status
  };
}

const unschedulable = (message: string): V1Pod['status'] => ({
  conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }]
});

const deadline = (message?: string, status = 'False'): V1Deployment['status'] => ({
  ...done(2),
  updatedReplicas: 1,
  availableReplicas: 1,
  conditions: [
    {
      type: 'Progressing',
      status,
      reason: 'ProgressDeadlineExceeded',
      ...(message ? { message } : {})
    }
  ]
});

describe('complete', () => {
  test('exactly the desired replicas updated and available, none old, is complete', () => {
    expect(assessRollout(deployment(done(2)), [])).toEqual({
      state: 'complete',
      summary: '2/2 updated, 2/2 ready'
    });
  });

  test('one old replica left, one updated replica not available, or one too few is not', () => {
    expect(assessRollout(deployment({ ...done(2), replicas: 3 }), []).state).toBe('progressing');
    expect(assessRollout(deployment({ ...done(2), availableReplicas: 1 }), []).state).toBe(
      'progressing'
    );
    expect(assessRollout(deployment({ ...done(2), updatedReplicas: 1 }), []).state).toBe(
      'progressing'
    );
  });

  test('a deployment without replicas wants one; a missing status counts nothing', () => {
    expect(assessRollout(deployment(done(1), null), []).summary).toBe('1/1 updated, 1/1 ready');
    expect(assessRollout(deployment(undefined, 1, null), [])).toEqual({
      state: 'progressing',
      summary: '0/1 updated, 0/1 ready',
      pendingForNodes: 0,
      waiting: []
    });
  });
});

describe('a new specification not yet observed', () => {
  test('waits, whatever the counts say', () => {
    expect(assessRollout(deployment({ ...done(2), observedGeneration: 1 }), [])).toEqual({
      state: 'progressing',
      summary: 'waiting for the new specification to be observed',
      pendingForNodes: 0,
      waiting: []
    });
    expect(assessRollout(deployment({ ...done(2), observedGeneration: 3 }), []).state).toBe(
      'complete'
    );
  });
});

describe('the progress deadline', () => {
  test('fails with the controller message, or a plain one without', () => {
    expect(
      assessRollout(deployment(deadline('ReplicaSet "x" has timed out progressing.')), [])
    ).toEqual({
      state: 'failed',
      summary: '1/2 updated, 2/2 ready: ReplicaSet "x" has timed out progressing.',
      problems: []
    });
    expect(assessRollout(deployment(deadline()), []).summary).toBe(
      '1/2 updated, 2/2 ready: progress deadline exceeded'
    );
  });

  test('a Progressing condition that is True, or another reason, is no deadline', () => {
    expect(assessRollout(deployment(deadline('x', 'True')), []).state).toBe('progressing');
    const other = deadline('x');
    other!.conditions![0]!.reason = 'ReplicaSetUpdated';
    expect(assessRollout(deployment(other), []).state).toBe('progressing');
  });

  test('pods waiting for a node, or having waited for one, hold the failure off', () => {
    const waitingForNode = pod(unschedulable('0/3 nodes are available: 3 Insufficient cpu.'));
    expect(assessRollout(deployment(deadline('x')), [waitingForNode])).toMatchObject({
      state: 'progressing',
      pendingForNodes: 1
    });
    expect(assessRollout(deployment(deadline('x')), [], true).state).toBe('progressing');
    const leaving = pod(unschedulable('0/3 nodes are available.'), { deleting: true });
    expect(assessRollout(deployment(deadline('x')), [leaving]).state).toBe('failed');
    const scheduledFalseOther = pod({
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }]
    });
    expect(assessRollout(deployment(deadline('x')), [scheduledFalseOther]).state).toBe('failed');
    const scheduled = pod({
      conditions: [{ type: 'PodScheduled', status: 'True', reason: 'Unschedulable' }]
    });
    expect(assessRollout(deployment(deadline('x')), [scheduled]).state).toBe('failed');
  });
});

describe('pods that cannot start', () => {
  test('three restarts of a crash loop fail, with the waiting message first', () => {
    const crashing = (restartCount: number, message?: string) =>
      pod(
        {
          containerStatuses: [
            container({
              restartCount,
              state: { waiting: { reason: 'CrashLoopBackOff', ...(message ? { message } : {}) } },
              lastState: { terminated: { exitCode: 1, message: ' out of memory \n' } }
            })
          ]
        },
        { name: 'gadgetron-1' }
      );
    expect(assessRollout(deployment(done(2)), [crashing(2)]).state).toBe('complete');
    expect(assessRollout(deployment(done(2)), [crashing(3)])).toEqual({
      state: 'failed',
      summary: '2/2 updated, 2/2 ready: 1 new pod(s) cannot start',
      problems: [
        { pod: 'gadgetron-1', kind: 'broken', reason: 'CrashLoopBackOff', message: 'out of memory' }
      ]
    });
    expect(assessRollout(deployment(done(2)), [crashing(3, 'back-off 40s')])).toMatchObject({
      problems: [{ message: 'back-off 40s' }]
    });
  });

  test.each([
    'ImagePullBackOff',
    'InvalidImageName',
    'ErrImageNeverPull',
    'CreateContainerConfigError',
    'CreateContainerError',
    'RunContainerError'
  ])('%s fails at once', reason => {
    const stuck = pod({ containerStatuses: [container({ state: { waiting: { reason } } })] });
    const state = assessRollout(deployment(done(2)), [stuck]);
    expect(state).toMatchObject({
      state: 'failed',
      problems: [{ pod: '?', kind: 'broken', reason, message: '' }]
    });
  });

  test('a container that is merely starting, or its pod leaving, is no problem', () => {
    const creating = pod({
      containerStatuses: [container({ state: { waiting: { reason: 'ContainerCreating' } } })]
    });
    expect(assessRollout(deployment(done(2)), [creating]).state).toBe('complete');
    const leaving = pod(
      { containerStatuses: [container({ state: { waiting: { reason: 'ImagePullBackOff' } } })] },
      { deleting: true }
    );
    expect(assessRollout(deployment(done(2)), [leaving]).state).toBe('complete');
    const old = pod(
      { containerStatuses: [container({ state: { waiting: { reason: 'ImagePullBackOff' } } })] },
      { image: OLD_IMAGE }
    );
    expect(assessRollout(deployment(done(2)), [old]).state).toBe('complete');
  });

  test('a missing claim is named with its namespace; other unschedulable pods wait', () => {
    const noClaim = pod(
      unschedulable(
        '0/5 nodes are available: persistentvolumeclaim "gtdata" not found. preemption: 0/5 nodes are available.'
      ),
      { name: 'gadgetron-2' }
    );
    expect(assessRollout(deployment(done(2)), [noClaim])).toMatchObject({
      state: 'failed',
      problems: [
        {
          pod: 'gadgetron-2',
          kind: 'broken',
          reason: 'PersistentVolumeClaimNotFound',
          message: 'the PersistentVolumeClaim "gtdata" does not exist in namespace mri'
        }
      ]
    });
    const scheduledClaimText = pod({
      conditions: [
        {
          type: 'PodScheduled',
          status: 'True',
          reason: 'Unschedulable',
          message: 'persistentvolumeclaim "gtdata" not found'
        }
      ]
    });
    expect(assessRollout(deployment(done(2)), [scheduledClaimText]).state).toBe('complete');
  });
});

describe('init containers', () => {
  const withInit = (s: Partial<V1ContainerStatus>): V1Pod =>
    pod({ initContainerStatuses: [container(s, 'wait-for-storage')] }, { name: 'gadgetron-3' });
  const rolling = deployment({ ...done(2), updatedReplicas: 1 });

  test('one that finished is nothing; one that failed waits, with its reason and words', () => {
    expect(
      assessRollout(rolling, [
        withInit({ state: { terminated: { exitCode: 0, reason: 'Completed' } } })
      ])
    ).toMatchObject({ state: 'progressing', waiting: [] });
    expect(
      assessRollout(rolling, [
        withInit({
          restartCount: 2,
          state: { terminated: { exitCode: 1, reason: 'Error', message: 'no storage\n' } }
        })
      ])
    ).toEqual({
      state: 'progressing',
      summary: '1/2 updated, 2/2 ready; 1 pod(s) wait in an init container',
      pendingForNodes: 0,
      waiting: [
        {
          pod: 'gadgetron-3',
          kind: 'waiting',
          reason: 'Init:Error',
          message: 'init container wait-for-storage has not finished, 2 restart(s): no storage'
        }
      ]
    });
  });

  test('one with no state yet, or without words, says so plainly', () => {
    expect(assessRollout(rolling, [withInit({})])).toMatchObject({
      waiting: [
        {
          reason: 'Init:Waiting',
          message: 'init container wait-for-storage has not finished'
        }
      ]
    });
    expect(
      assessRollout(rolling, [withInit({ state: { terminated: { exitCode: 1 } } })])
    ).toMatchObject({ waiting: [{ reason: 'Init:Waiting' }] });
  });

  test('one whose image cannot be pulled is broken, with the kubelet message', () => {
    expect(
      assessRollout(rolling, [
        withInit({ state: { waiting: { reason: 'ErrImageNeverPull', message: 'never pull' } } })
      ])
    ).toMatchObject({
      state: 'failed',
      problems: [{ kind: 'broken', reason: 'Init:ErrImageNeverPull', message: 'never pull' }]
    });
    expect(
      assessRollout(rolling, [withInit({ state: { waiting: { reason: 'ImagePullBackOff' } } })])
    ).toMatchObject({ problems: [{ message: '' }] });
  });
});

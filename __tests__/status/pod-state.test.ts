// How the status action reads a pod, and counts reconstructions from Gadgetron's log.
import { describe, expect, test } from '@jest/globals';
import type { V1ContainerStatus, V1Pod, V1PodCondition } from '@kubernetes/client-node';
import { describePodState, podState } from '../../actions/status/pod-state.ts';
import { reconstructionsInFlight } from '../../actions/status/reconstructions.ts';

function pod(
  options: {
    conditions?: Partial<V1PodCondition>[];
    init?: Partial<V1ContainerStatus>[];
    containers?: Partial<V1ContainerStatus>[];
    phase?: string;
    deleted?: string;
  } = {}
): V1Pod {
  return {
    metadata: {
      name: 'gadgetron-1',
      ...(options.deleted ? { deletionTimestamp: new Date(options.deleted) } : {})
    },
    status: {
      phase: options.phase ?? 'Running',
      conditions: (options.conditions ?? []) as V1PodCondition[],
      initContainerStatuses: (options.init ?? []) as V1ContainerStatus[],
      containerStatuses: (options.containers ?? []) as V1ContainerStatus[]
    }
  };
}

const READY = [
  { type: 'PodScheduled', status: 'True' },
  { type: 'Ready', status: 'True' }
];
const done = { name: 'wait-for-storage', ready: true, state: { terminated: { exitCode: 0 } } };
const running = { name: 'gadgetron', ready: true, state: { running: {} } };

describe('podState', () => {
  test('a scheduled pod whose containers run and whose Ready condition is true is ready', () => {
    const state = podState(pod({ conditions: READY, init: [done], containers: [running] }));
    expect(state).toEqual({ kind: 'ready' });
    expect(describePodState(state)).toBe('ready');
  });

  test('a terminating pod drains until its deletion timestamp, whatever else it says', () => {
    const state = podState(
      pod({ conditions: READY, containers: [running], deleted: '2026-11-30T12:00:00Z' })
    );
    expect(state).toEqual({ kind: 'draining', until: '2026-11-30T12:00:00.000Z' });
    expect(describePodState(state)).toBe('draining, at most until 2026-11-30T12:00:00.000Z');
  });

  test("a pod the scheduler cannot place waits for a node, with the scheduler's message", () => {
    const message = '0/3 nodes are available: 3 Insufficient cpu.';
    const state = podState(
      pod({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message }]
      })
    );
    expect(state).toEqual({ kind: 'unschedulable', detail: message });
    expect(describePodState(state)).toBe(`waiting for a node: ${message}`);
    expect(
      podState(
        pod({ conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] })
      )
    ).toEqual({ kind: 'unschedulable', detail: 'Unschedulable' });
  });

  test.each([
    ['ImagePullBackOff', 'Back-off pulling image'],
    ['CrashLoopBackOff', 'back-off 40s restarting failed container']
  ])('a container waiting in %s is failing, named', (reason, message) => {
    const state = podState(
      pod({
        conditions: [{ type: 'PodScheduled', status: 'True' }],
        init: [done],
        containers: [{ name: 'gadgetron', ready: false, state: { waiting: { reason, message } } }]
      })
    );
    expect(state).toEqual({ kind: 'failing', reason, detail: `gadgetron: ${message}` });
    expect(describePodState(state)).toBe(`${reason}: gadgetron: ${message}`);
  });

  test('a failing init container is reported before the main container', () => {
    const state = podState(
      pod({
        conditions: [{ type: 'PodScheduled', status: 'True' }],
        init: [
          {
            name: 'wait-for-storage',
            ready: false,
            state: { waiting: { reason: 'CrashLoopBackOff' } }
          }
        ],
        containers: [
          { name: 'gadgetron', ready: false, state: { waiting: { reason: 'PodInitializing' } } }
        ]
      })
    );
    expect(state).toEqual({
      kind: 'failing',
      reason: 'CrashLoopBackOff',
      detail: 'wait-for-storage: CrashLoopBackOff'
    });
  });

  test('a container that exited with an error is failing; one that exited 0 is not', () => {
    const exited = (exitCode: number) =>
      podState(
        pod({
          conditions: [{ type: 'PodScheduled', status: 'True' }],
          containers: [
            {
              name: 'gadgetron',
              ready: false,
              state: { terminated: { exitCode, reason: 'Error' } }
            }
          ]
        })
      );
    expect(exited(137)).toEqual({
      kind: 'failing',
      reason: 'Error',
      detail: 'gadgetron exited with 137'
    });
    expect(exited(0)).toEqual({ kind: 'not ready' });
  });

  test('while an init container runs, or containers are being created, the pod is starting', () => {
    const initializing = podState(
      pod({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True' }],
        init: [{ name: 'wait-for-storage', ready: false, state: { running: {} } }],
        containers: [
          { name: 'gadgetron', ready: false, state: { waiting: { reason: 'PodInitializing' } } }
        ]
      })
    );
    expect(initializing).toEqual({ kind: 'starting', detail: 'init container wait-for-storage' });
    expect(describePodState(initializing)).toBe('starting (init container wait-for-storage)');
    const creating = podState(
      pod({
        phase: 'Pending',
        conditions: [{ type: 'PodScheduled', status: 'True' }],
        init: [done],
        containers: [
          { name: 'gadgetron', ready: false, state: { waiting: { reason: 'ContainerCreating' } } }
        ]
      })
    );
    expect(creating).toEqual({ kind: 'starting', detail: 'creating containers' });
  });

  test('a running pod whose readiness probe fails is not ready', () => {
    const state = podState(
      pod({
        conditions: [
          { type: 'PodScheduled', status: 'True' },
          { type: 'Ready', status: 'False' }
        ],
        init: [done],
        containers: [{ ...running, ready: false }]
      })
    );
    expect(state).toEqual({ kind: 'not ready' });
    expect(describePodState(state)).toBe('running, not ready');
  });
});

describe('podState on sparse pods, as the API serves them early in their life', () => {
  test('a pod with no status yet is not ready; one just accepted is starting', () => {
    expect(podState({})).toEqual({ kind: 'not ready' });
    expect(podState({ status: { phase: 'Pending' } })).toEqual({
      kind: 'starting',
      detail: 'creating containers'
    });
  });

  test('only the PodScheduled condition says whether the pod waits for a node', () => {
    expect(
      podState(
        pod({
          conditions: [
            { type: 'Ready', status: 'False' },
            { type: 'PodScheduled', status: 'True' }
          ],
          containers: [{ ...running, ready: false }]
        })
      )
    ).toEqual({ kind: 'not ready' });
    expect(
      podState(pod({ conditions: [{ type: 'Ready', status: 'True' }], containers: [running] }))
    ).toEqual({ kind: 'ready' });
    expect(
      podState(pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False' }] }))
    ).toEqual({ kind: 'unschedulable', detail: '' });
  });

  test('container statuses without a state, or without init containers, are read as such', () => {
    expect(
      podState(pod({ conditions: READY, containers: [{ name: 'gadgetron', ready: true }] }))
    ).toEqual({ kind: 'ready' });
    expect(
      podState({
        status: {
          phase: 'Running',
          conditions: READY as V1PodCondition[],
          containerStatuses: [running as V1ContainerStatus]
        }
      })
    ).toEqual({ kind: 'ready' });
  });

  test('a waiting container with no reason is failing as Waiting; a terminated one keeps its reason', () => {
    expect(
      podState(
        pod({ conditions: READY, containers: [{ name: 'gadgetron', state: { waiting: {} } }] })
      )
    ).toEqual({ kind: 'failing', reason: 'Waiting', detail: 'gadgetron: ' });
    const terminated = (reason?: string) =>
      podState(
        pod({
          conditions: READY,
          containers: [
            {
              name: 'gadgetron',
              state: { terminated: { exitCode: 137, ...(reason ? { reason } : {}) } }
            }
          ]
        })
      );
    expect(terminated('OOMKilled')).toMatchObject({ kind: 'failing', reason: 'OOMKilled' });
    expect(terminated()).toMatchObject({ kind: 'failing', reason: 'Error' });
  });
});

describe('reconstructionsInFlight', () => {
  const line = (state: string) =>
    `11-30 12:00:00.000 INFO [Server.cpp:57] Connection state: [${state}]`;

  test('counts streams started and not finished', () => {
    expect(reconstructionsInFlight('')).toBe(0);
    expect(reconstructionsInFlight([line('STREAM'), line('STREAM')].join('\n'))).toBe(2);
    expect(
      reconstructionsInFlight(
        [line('STREAM'), 'other', line('STREAM'), line('FINISHED')].join('\n')
      )
    ).toBe(1);
    expect(reconstructionsInFlight([line('STREAM'), line('FINISHED')].join('\n'))).toBe(0);
  });

  test('an end whose start was rotated out of the log does not count below zero', () => {
    expect(
      reconstructionsInFlight([line('FINISHED'), line('FINISHED'), line('STREAM')].join('\n'))
    ).toBe(1);
  });

  test('other connection states are not reconstructions', () => {
    expect(reconstructionsInFlight([line('HEADER'), line('CLOSED')].join('\n'))).toBe(0);
  });
});

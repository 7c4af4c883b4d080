import { describe, expect, test } from '@jest/globals';
import {
  boolean,
  cpuQuantity,
  duration,
  imageReference,
  integer,
  labelMap,
  memoryQuantity,
  oneOf,
  resourceName,
  tolerations
} from '../../src/inputs/parsers.ts';
import { ValueProblem } from '../../src/inputs/problem.ts';

function problemOf(run: () => unknown): ValueProblem {
  try {
    run();
  } catch (error) {
    if (error instanceof ValueProblem) return error;
    throw error;
  }
  throw new Error('expected a ValueProblem');
}

describe('durations', () => {
  test.each([
    ['90s', 90_000],
    ['15m', 900_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['1500ms', 1_500]
  ])('%s is %i ms', (raw, ms) => expect(duration()(raw)).toBe(ms));

  test.each(['15', '15 m', 'm15', '-5s', '0s', '25h', '1d'])('%s is refused', raw => {
    expect(problemOf(() => duration()(raw)).accepted).toContain('90s');
  });
});

describe('image references', () => {
  test.each([
    ['ghcr.io/gadgetron/gadgetron/ubuntu22.04_rt_nocuda:4.7.2', '4.7.2'],
    ['localhost:5000/gadgetron:latest', 'latest'],
    ['gadgetron:dev-1', 'dev-1'],
    [`ghcr.io/g/g@sha256:${'a'.repeat(64)}`, `sha256:${'a'.repeat(64)}`],
    [`ghcr.io/g/g:4.7@sha256:${'b'.repeat(64)}`, '4.7']
  ])('%s pins version %s', (raw, version) => {
    expect(imageReference(raw)).toEqual({ reference: raw, version });
  });

  test('a reference without tag or digest is refused, naming the problem', () => {
    expect(problemOf(() => imageReference('ghcr.io/gadgetron/gadgetron')).message).toContain(
      'neither a tag nor a digest'
    );
  });

  test.each(['Gadgetron:1', 'ghcr.io/g/g:', 'g:bad tag', 'g@sha256:abc', 'ghcr.io//g:1', 'g:-x'])(
    '%s is refused',
    raw => {
      expect(() => imageReference(raw)).toThrow(ValueProblem);
    }
  );

  test('a port in the registry is not mistaken for a tag', () => {
    expect(() => imageReference('registry.local:5000/gadgetron')).toThrow(
      'neither a tag nor a digest'
    );
  });
});

describe('quantities and numbers', () => {
  test.each(['2', '500m', '1.5', '0.25'])('cpu %s', raw => expect(cpuQuantity(raw)).toBe(raw));
  test.each(['0', '2 cores', '1.2345', '-1', 'm', '0.0001'])('cpu %s refused', raw => {
    expect(() => cpuQuantity(raw)).toThrow(ValueProblem);
  });
  test.each(['4Gi', '512Mi', '8G'])('memory %s', raw => expect(memoryQuantity(raw)).toBe(raw));
  test.each(['4gb', '4', '0Gi', 'Gi'])('memory %s refused', raw => {
    expect(() => memoryQuantity(raw)).toThrow(ValueProblem);
  });
  test('integers are bounded', () => {
    expect(integer(1, 10)('10')).toBe(10);
    expect(problemOf(() => integer(1, 10)('11')).accepted).toBe('a whole number from 1 to 10');
    expect(() => integer(1, 10)('2.5')).toThrow('not a whole number');
  });
  test('booleans use the spellings of YAML 1.2', () => {
    expect(boolean('True')).toBe(true);
    expect(boolean('FALSE')).toBe(false);
    expect(() => boolean('yes')).toThrow(ValueProblem);
  });
  test('choices list what is accepted', () => {
    expect(oneOf('none', 'client')('client')).toBe('client');
    expect(problemOf(() => oneOf('none', 'client')('all')).accepted).toBe('one of none, client');
  });
  test('names leave room for suffixes', () => {
    expect(resourceName(10)('gadgetron')).toBe('gadgetron');
    expect(() => resourceName(5)('gadgetron')).toThrow('9 characters long');
    expect(() => resourceName(40)('1gadgetron')).toThrow(ValueProblem);
  });
});

describe('lines', () => {
  test('node selectors are key=value lines, comments ignored', () => {
    expect(labelMap('agentpool=gadgetron\n# gpu nodes\nkubernetes.io/os = linux\n')).toEqual({
      agentpool: 'gadgetron',
      'kubernetes.io/os': 'linux'
    });
    expect(problemOf(() => labelMap('agentpool=gadgetron\nnot a pair')).message).toContain(
      'line 2'
    );
  });

  test('tolerations follow kubectl taint syntax', () => {
    expect(
      tolerations('sku=gpu:NoSchedule\nnvidia.com/gpu:NoExecute\ndedicated=mri\nspot')
    ).toEqual([
      { key: 'sku', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' },
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoExecute' },
      { key: 'dedicated', operator: 'Equal', value: 'mri' },
      { key: 'spot', operator: 'Exists' }
    ]);
  });

  test('an unknown taint effect is refused with its line', () => {
    const problem = problemOf(() => tolerations('sku=gpu:NoSchedule\nsku=gpu:Never'));
    expect(problem.message).toContain('line 2');
    expect(problem.message).toContain('"Never"');
    expect(problem.accepted).toContain('NoSchedule');
  });
});

// Values at the edges of the input patterns: each is one a user could type, and each would be
// judged the other way if an anchor, a repetition or an optional part of a pattern were lost.
import { describe, expect, test } from '@jest/globals';
import {
  cidrList,
  imageReference,
  kubernetesName,
  labelMap,
  tolerations
} from '../../src/inputs/parsers.ts';
import { ValueProblem } from '../../src/inputs/problem.ts';

const hex = (n: number): string => 'c'.repeat(n);

describe('image references', () => {
  test.each([
    'ab.cd/ef.gh:1',
    'a--b/c---d:1',
    'a_b/c__d:1',
    'r.io/g:1',
    'r.i.io:5000/g:1',
    'ghcr.IO/g:1',
    'Registry.example.com/g:1'
  ])('%s is accepted', raw => expect(imageReference(raw).reference).toBe(raw));

  test.each([
    'gadgetron/Bad:1',
    'g/a.:1',
    'g/a-:1',
    'reg.io_x/g:1',
    '-reg.io/g:1',
    'reg-.io/g:1',
    'g:v1!',
    `g@asha256:${hex(64)}`,
    `g@sha256:${hex(63)}`
  ])('%s is refused', raw => expect(() => imageReference(raw)).toThrow(ValueProblem));
});

describe('label keys and values', () => {
  test.each([
    ['k=v', { k: 'v' }],
    ['a/k=v', { 'a/k': 'v' }],
    ['a.b-c.d/key=v.1_x', { 'a.b-c.d/key': 'v.1_x' }],
    [`${'k'.repeat(63)}=${'v'.repeat(63)}`, { ['k'.repeat(63)]: 'v'.repeat(63) }]
  ])('%s is a label', (raw, labels) => expect(labelMap(raw)).toEqual(labels));

  test.each([
    'k=-v',
    'k=v-',
    'k_=v',
    '_k=v',
    'A.b/k=v',
    'a./k=v',
    'a-/k=v',
    '-a/k=v',
    'a..b/k=v',
    '/k=v',
    `${'k'.repeat(64)}=v`,
    `k=${'v'.repeat(64)}`,
    'k=v w'
  ])('%s is refused', raw => expect(() => labelMap(raw)).toThrow('line 1'));
});

describe('tolerations', () => {
  test('only the parts written are set: no value for key-only, no effect for key=value', () => {
    expect(tolerations('spot')).toStrictEqual([{ key: 'spot', operator: 'Exists' }]);
    expect(tolerations('k=v')).toStrictEqual([{ key: 'k', operator: 'Equal', value: 'v' }]);
    expect(tolerations('k:NoExecute')).toStrictEqual([
      { key: 'k', operator: 'Exists', effect: 'NoExecute' }
    ]);
  });
});

describe('names', () => {
  test('a one-letter Kubernetes name is valid', () => {
    expect(kubernetesName('namespace')('a')).toBe('a');
    expect(kubernetesName('namespace')('1')).toBe('1');
  });
});

describe('networks', () => {
  test.each(['10.0.0.0/x24', '10.0.0.0/24x', '10.0.0.0/2 4', '1:2:3:4::5:6:7::8/64'])(
    '%s is refused',
    entry => expect(() => cidrList(entry)).toThrow(ValueProblem)
  );

  test('an IPv4 tail counts as two groups of eight', () => {
    expect(cidrList('1:2:3:4:5:6:192.0.2.1/128')).toEqual([
      { cidr: '1:2:3:4:5:6:192.0.2.1/128', family: 6, prefix: 128 }
    ]);
    expect(() => cidrList('1:2:3:4:5:6:7:192.0.2.1/128')).toThrow('is not an IP network');
    expect(() => cidrList('1:2:3:4:5::6:192.0.2.1/128')).toThrow('is not an IP network');
  });
});

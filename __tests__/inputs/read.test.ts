import { describe, expect, test } from '@jest/globals';
import { field, readInputs, warnUndeclaredInputs } from '../../src/inputs/read.ts';
import { integer, kubernetesName } from '../../src/inputs/parsers.ts';
import { InvalidInputs } from '../../src/inputs/problem.ts';
import { closest } from '../../src/inputs/suggest.ts';
import type { DeclaredInputs } from '../../src/inputs/declared.ts';

const DECLARED: DeclaredInputs = {
  namespace: { required: false, default: 'gadgetron' },
  'min-replicas': { required: false, default: '1' },
  image: { required: true }
};
const FIELDS = {
  namespace: field(kubernetesName('namespace'), { required: true }),
  'min-replicas': field(integer(1, 10), { required: true }),
  image: field((raw: string) => raw, { required: true })
};

function problems(given: Record<string, string>): string[] {
  try {
    readInputs(FIELDS, DECLARED, name => given[name]);
  } catch (error) {
    if (error instanceof InvalidInputs) return error.problems.map(p => `${p.input}: ${p.problem}`);
    throw error;
  }
  return [];
}

describe('readInputs', () => {
  test("applies action.yml's defaults to inputs that were not given", () => {
    expect(readInputs(FIELDS, DECLARED, name => ({ image: 'x:1' })[name])).toEqual({
      namespace: 'gadgetron',
      'min-replicas': 1,
      image: 'x:1'
    });
  });

  test('an input given as empty text is not replaced by its default, and the error says so', () => {
    expect(problems({ image: 'x:1', namespace: '' })).toEqual([
      'namespace: was given as empty text; give a value, or leave the input out for its default (gadgetron)'
    ]);
  });

  test('a required input without a default: not given, or (as GitHub passes it) empty', () => {
    expect(problems({})).toEqual(['image: is required but was not given']);
    expect(problems({ image: ' ' })).toEqual([
      'image: is required but was not given, or was given as empty text'
    ]);
  });
});

describe('warnUndeclaredInputs', () => {
  test('names each INPUT_ variable no input declares, with the closest declared name', () => {
    const warnings: string[] = [];
    warnUndeclaredInputs(
      DECLARED,
      {
        'INPUT_MIN-REPLICA': '3',
        INPUT_NAMESPACE: 'x',
        INPUT_COLOUR: 'blue',
        PATH: '/bin'
      },
      message => warnings.push(message)
    );
    expect(warnings).toEqual([
      "Input 'colour' (INPUT_COLOUR) is not an input of this action and is ignored.",
      "Input 'min-replica' (INPUT_MIN-REPLICA) is not an input of this action and is ignored; did you mean 'min-replicas'?"
    ]);
  });

  test('suggests only near names', () => {
    expect(closest('namespce', ['namespace', 'name'])).toBe('namespace');
    expect(closest('timeout', ['namespace', 'image'])).toBeUndefined();
  });
});

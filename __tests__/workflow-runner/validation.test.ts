import { describe, expect, test } from '@jest/globals';
import { run, step } from './helpers.ts';
import type { StandInStep } from '../../tools/workflow-runner/index.ts';

const job = (steps: string, extra = ''): string => `
on: push
jobs:
  build:
    runs-on: ubuntu-latest${extra}
    steps:
${steps}`;

describe('checks before running', () => {
  test('a with: key the action does not declare fails the run, naming step and input', async () => {
    const result = await run(
      job(`
      - uses: ./actions/echo
      - id: deploy
        uses: ./actions/echo
        with: { mesage: typo }`)
    );
    expect(result.ok).toBe(false);
    expect(result.error).toBe(
      "job 'build', step 'deploy' passes input 'mesage', which action ./actions/echo does not declare " +
        '(it declares: message, outputs, env, summary, secret, print-env, sleep-ms)'
    );
    // nothing ran
    expect(result.steps).toEqual([]);
  });

  test('reading an output the action does not declare fails the run', async () => {
    const result = await run(
      job(`
      - id: cluster
        uses: ./actions/echo
      - id: deploy
        uses: ./actions/echo
        with: { message: "\${{ steps.cluster.outputs.nope }}" }`)
    );
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(
      /^job 'build', step 'deploy' reads steps\.cluster\.outputs\.nope, which action \.\/actions\/echo does not declare/
    );
    expect(result.steps).toEqual([]);
  });

  test('reading needs.<job>.outputs.<name> the job does not declare fails the run', async () => {
    const result = await run(`
on: push
jobs:
  one:
    runs-on: ubuntu-latest
    outputs:
      real: \${{ steps.s.outputs.message }}
    steps:
      - id: s
        uses: ./actions/echo
  two:
    needs: one
    runs-on: ubuntu-latest
    steps:
      - id: use
        run: echo "\${{ needs.one.outputs.imaginary }}"
`);
    expect(result.ok).toBe(false);
    expect(result.error).toBe(
      "job 'two', step 'use' reads needs.one.outputs.imaginary, which job 'one' does not declare (it declares: real)"
    );
  });

  test.each([
    [
      'a later step',
      job(`
      - id: early
        run: echo "\${{ steps.late.outputs.x }}"
      - id: late
        run: echo`),
      "job 'build', step 'early' reads steps.late.outputs.x, but job 'build' has no earlier step with id 'late'"
    ],
    [
      'an undeclared workflow input',
      job(`
      - run: echo "\${{ inputs.missing }}"`),
      "job 'build', step '#1' reads inputs.missing, which the workflow does not declare (it declares: none)"
    ]
  ])('reading %s fails the run', async (_what, yaml, message) => {
    const result = await run(yaml);
    expect(result.error).toBe(message);
  });
});

describe('workflow inputs', () => {
  const workflow = `
on:
  workflow_call:
    inputs:
      name: { type: string, required: true }
      size: { type: number, default: 3 }
      dry-run: { type: boolean, default: false }
      tag: { type: string, default: "for-\${{ github.ref_name }}" }
jobs:
  show:
    runs-on: ubuntu-latest
    steps:
      - id: echo
        uses: ./actions/echo
        with:
          message: "\${{ inputs.name }} \${{ inputs.size }} \${{ inputs.dry-run }} \${{ inputs.tag }} \${{ inputs.size > 2 }}"
`;

  test('defaults are applied, typed and may use expressions', async () => {
    const result = await run(workflow, { inputs: { name: 'x' } });
    expect(result.error).toBeUndefined();
    expect(step(result, 'show', 'echo').outputs.message).toBe('x 3 false for-main true');
  });

  test('given values are coerced to the declared type', async () => {
    const result = await run(workflow, { inputs: { name: 'y', size: '1', 'dry-run': 'true' } });
    expect(step(result, 'show', 'echo').outputs.message).toBe('y 1 true for-main false');
  });

  test.each([
    [{}, "required input 'name' was not provided"],
    [{ name: 'x', colour: 'red' }, "unknown input 'colour' (declared: name, size, dry-run, tag)"],
    [{ name: 'x', size: 'big' }, 'input \'size\' must be a number, got "big"'],
    [{ name: 'x', 'dry-run': 'maybe' }, 'input \'dry-run\' must be a boolean, got "maybe"']
  ])('inputs %j are rejected', async (inputs, message) => {
    const result = await run(workflow, { inputs });
    expect(result.ok).toBe(false);
    expect(result.error).toBe(message);
  });
});

describe('unsupported features fail with a reason', () => {
  test.each([
    [
      'strategy',
      job('      - run: echo', '\n    strategy:\n      matrix:\n        n: [1, 2]'),
      /strategy \(matrix\)/
    ],
    [
      'container',
      job('      - run: echo', '\n    container: node:24'),
      /job 'build': 'container' is unsupported/
    ],
    [
      'services',
      job('      - run: echo', '\n    services:\n      db:\n        image: postgres'),
      /'services' is unsupported/
    ],
    [
      'pwsh',
      job('      - run: echo\n        shell: pwsh'),
      /shell 'pwsh' \(only bash and sh\) is unsupported/
    ],
    [
      'hashFiles',
      job('      - run: echo "${{ hashFiles(\'**/package-lock.json\') }}"'),
      /hashfiles\(\) is unsupported/
    ],
    [
      'a node20 action',
      job('      - uses: ./actions/old-node'),
      /runs\.using is 'node20', but actions here must use 'node24'/
    ],
    [
      'a third-party action',
      job('      - uses: actions/setup-node@v5'),
      /uses actions\/setup-node@v5: actions from other repositories are unsupported/
    ],
    [
      'a remote reusable workflow',
      `
on: push
jobs:
  call:
    uses: octo/repo/.github/workflows/x.yml@main
`,
      /reusable workflow 'octo\/repo\/.github\/workflows\/x.yml@main' is unsupported/
    ]
  ])('%s', async (_what, yaml, message) => {
    const result = await run(yaml);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(message);
    expect(result.steps).toEqual([]);
  });

  test('a stand-in replaces a third-party action', async () => {
    const calls: StandInStep[] = [];
    const result = await run(
      job(`
      - id: checkout
        uses: actions/checkout@v5
        with: { fetch-depth: 0 }
      - id: after
        uses: ./actions/echo
        with: { message: "\${{ steps.checkout.outputs.ref }}", print-env: FROM_STAND_IN }`),
      {
        standIns: {
          'actions/checkout': async s => {
            calls.push(s);
            return { outputs: { ref: 'abc' }, env: { FROM_STAND_IN: 'yes' } };
          }
        }
      }
    );
    expect(result.ok).toBe(true);
    expect(calls.map(c => [c.uses, c.with])).toEqual([
      ['actions/checkout@v5', { 'fetch-depth': '0' }]
    ]);
    expect(step(result, 'build', 'after').outputs.message).toBe('abc');
    expect(step(result, 'build', 'after').log).toContain('ENV FROM_STAND_IN=yes');
  });

  test('schema errors from the workflow parser are reported', async () => {
    const result = await run(job('      - run: echo', '\n    timeout-minutes: [1]'));
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/main\.yml/);
  });
});

import { describe, expect, test } from '@jest/globals';
import { run, step } from './helpers.ts';

describe('jobs', () => {
  test('independent jobs run concurrently and dependent jobs wait for them', async () => {
    // Each job sleeps several times as long as starting and running one action step takes on
    // this machine right now, so the sleeps overlap however slowly processes start.
    const probe = await run(`
on: workflow_dispatch
jobs:
  probe:
    runs-on: ubuntu-latest
    steps:
      - id: work
        uses: ./actions/echo
`);
    const sleepMs = String(Math.max(600, Math.ceil(4 * step(probe, 'probe', 'work').durationMs)));
    const result = await run(`
on: workflow_dispatch
jobs:
  left:
    runs-on: ubuntu-latest
    outputs:
      started: \${{ steps.work.outputs.started-at }}
      finished: \${{ steps.work.outputs.finished-at }}
    steps:
      - id: work
        uses: ./actions/echo
        with: { sleep-ms: '${sleepMs}' }
  right:
    runs-on: ubuntu-latest
    outputs:
      started: \${{ steps.work.outputs.started-at }}
      finished: \${{ steps.work.outputs.finished-at }}
    steps:
      - id: work
        uses: ./actions/echo
        with: { sleep-ms: '${sleepMs}' }
  after:
    needs: [left, right]
    runs-on: ubuntu-latest
    steps:
      - id: work
        uses: ./actions/echo
`);
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    const left = result.jobs.left?.outputs ?? {};
    const right = result.jobs.right?.outputs ?? {};
    const after = step(result, 'after', 'work').outputs;
    // the two sleeps overlap
    expect(Number(left.started)).toBeLessThan(Number(right.finished));
    expect(Number(right.started)).toBeLessThan(Number(left.finished));
    // the dependent job starts only once both are done
    expect(Number(after['started-at'])).toBeGreaterThanOrEqual(Number(left.finished));
    expect(Number(after['started-at'])).toBeGreaterThanOrEqual(Number(right.finished));
  });
});

describe('job outputs and conditions', () => {
  test('outputs flow from steps to jobs to workflow_call outputs', async () => {
    const result = await run(`
on:
  workflow_call:
    outputs:
      final:
        value: \${{ jobs.second.outputs.combined }}
jobs:
  first:
    runs-on: ubuntu-latest
    outputs:
      greeting: \${{ steps.say.outputs.message }}
    steps:
      - id: say
        uses: ./actions/echo
        with: { message: hello }
      - id: shout
        run: echo "loud=\${{ steps.say.outputs.message }}!" >> "$GITHUB_OUTPUT"
  second:
    needs: first
    runs-on: ubuntu-latest
    outputs:
      combined: \${{ steps.use.outputs.message }}
    steps:
      - id: use
        uses: ./actions/echo
        with:
          message: \${{ needs.first.outputs.greeting }} and \${{ needs.first.result }}
`);
    expect(result.ok).toBe(true);
    expect(step(result, 'first', 'shout').outputs).toEqual({ loud: 'hello!' });
    expect(result.jobs.first?.outputs).toEqual({ greeting: 'hello' });
    expect(result.outputs).toEqual({ final: 'hello and success' });
  });

  test('a failed job skips its dependents unless their if: says otherwise', async () => {
    const result = await run(`
on: push
jobs:
  broken:
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/fail
  dependent:
    needs: broken
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/echo
  cleanup:
    needs: broken
    if: failure()
    runs-on: ubuntu-latest
    steps:
      - id: report
        uses: ./actions/echo
        with: { message: "\${{ needs.broken.result }}" }
`);
    expect(result.ok).toBe(false);
    expect(result.jobs.broken?.result).toBe('failure');
    expect(result.jobs.dependent?.result).toBe('skipped');
    expect(result.jobs.cleanup?.result).toBe('success');
    expect(step(result, 'cleanup', 'report').outputs.message).toBe('failure');
  });

  test('a job whose if: is false is skipped', async () => {
    const result = await run(`
on: push
jobs:
  never:
    if: github.ref == 'refs/heads/other'
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/echo
`);
    expect(result.ok).toBe(true);
    expect(result.jobs.never?.result).toBe('skipped');
    expect(result.steps).toEqual([]);
  });

  test('a reusable workflow job runs the called workflow and exposes its outputs', async () => {
    const called = `
on:
  workflow_call:
    inputs:
      name: { type: string, required: true }
      loud: { type: boolean, default: false }
    secrets:
      token: { required: true }
    outputs:
      said: { value: "\${{ jobs.speak.outputs.said }}" }
jobs:
  speak:
    runs-on: ubuntu-latest
    outputs:
      said: \${{ steps.say.outputs.message }}
    steps:
      - id: say
        uses: ./actions/echo
        with:
          message: "\${{ inputs.loud && 'HI' || 'hi' }} \${{ inputs.name }}"
          print-env: TOKEN
        env:
          TOKEN: \${{ secrets.token }}
`;
    const result = await run(
      `
on: workflow_dispatch
jobs:
  call:
    uses: ./.github/workflows/called.yml
    with:
      name: there
      loud: true
    secrets:
      token: \${{ secrets.OUTER }}
  after:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - id: read
        uses: ./actions/echo
        with: { message: "\${{ needs.call.outputs.said }}" }
`,
      { secrets: { OUTER: 'outer-secret-value' } },
      { 'called.yml': called }
    );
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    expect(result.jobs.call?.outputs).toEqual({ said: 'HI there' });
    expect(Object.keys(result.jobs)).toEqual(['call', 'call/speak', 'after']);
    expect(step(result, 'call/speak', 'say').log).toContain('ENV TOKEN=***');
    expect(step(result, 'after', 'read').outputs.message).toBe('HI there');
  });

  test('timeout-minutes stops a step that runs too long', async () => {
    const started = Date.now();
    const result = await run(`
on: push
jobs:
  slow:
    runs-on: ubuntu-latest
    steps:
      - id: sleep
        timeout-minutes: 0.01
        run: sleep 600
`);
    // Stopped after 0.6 s, far sooner than the 600 s the step would run.
    expect(Date.now() - started).toBeLessThan(60_000);
    expect(result.ok).toBe(false);
    expect(step(result, 'slow', 'sleep').log).toContain('timed out');
  });
});

describe('recorded settings', () => {
  test("a job's environment is printed evaluated, and not at all when it comes out empty", async () => {
    const result = await run(
      `
on:
  workflow_dispatch:
    inputs:
      environment: { type: string, default: '' }
      other: { type: string, default: '' }
jobs:
  named:
    runs-on: ubuntu-latest
    environment: \${{ inputs.environment }}
    steps:
      - run: 'true'
  unnamed:
    runs-on: ubuntu-latest
    environment: \${{ inputs.other }}
    steps:
      - run: 'true'
`,
      { inputs: { environment: 'production' } }
    );
    expect(result.ok).toBe(true);
    const notes = result.lines.filter(line => line.includes('environment'));
    expect(notes).toEqual([
      "[named] environment 'production': protection rules and environment secrets are not emulated locally"
    ]);
  });
});

import { describe, expect, test } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { run, step } from './helpers.ts';

describe('steps', () => {
  test('GITHUB_ENV (including heredoc values) is carried into later steps of the job', async () => {
    const result = await run(`
on: push
env:
  LEVEL: workflow
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/echo
        with:
          env: '{"CARRIED": "yes", "MULTI": "line one\\nline two"}'
      - id: show
        uses: ./actions/echo
        with: { print-env: 'CARRIED,LEVEL' }
      - id: script
        run: |
          printf '%s\\n' "$MULTI" | tail -n 1
          echo "expr=\${{ env.CARRIED }}"
  other:
    runs-on: ubuntu-latest
    steps:
      - id: isolated
        uses: ./actions/echo
        with: { print-env: CARRIED }
`);
    expect(result.error).toBeUndefined();
    expect(result.ok).toBe(true);
    const shown = step(result, 'build', 'show').log;
    expect(shown).toContain('ENV CARRIED=yes');
    expect(shown).toContain('ENV LEVEL=workflow');
    expect(step(result, 'build', 'script').log).toMatch(/^line two$/m);
    expect(step(result, 'build', 'script').log).toContain('expr=yes');
    expect(step(result, 'other', 'isolated').log).toContain('ENV CARRIED=<unset>');
  });

  test('::add-mask:: and secrets are masked in later output', async () => {
    const lines: string[] = [];
    const result = await run(
      `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: mask
        uses: ./actions/echo
        with: { secret: hunter2 }
      - id: later
        run: |
          echo "still hunter2"
          echo "token \${{ secrets.API_TOKEN }}"
`,
      { secrets: { API_TOKEN: 'tok-123456' }, log: line => lines.push(line) }
    );
    expect(result.ok).toBe(true);
    expect(step(result, 'build', 'mask').log).toContain('the secret is ***');
    expect(step(result, 'build', 'later').log).toContain('still ***');
    expect(step(result, 'build', 'later').log).toContain('token ***');
    const all = lines.join('\n');
    expect(all).not.toContain('hunter2');
    expect(all).not.toContain('tok-123456');
    expect(all).not.toContain('::add-mask::');
  });

  test('after a failure later steps are skipped, but if: always() and failure() steps run', async () => {
    const result = await run(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: boom
        uses: ./actions/fail
      - id: normal
        uses: ./actions/echo
      - id: always
        if: always()
        uses: ./actions/echo
        with: { message: "\${{ steps.boom.outcome }}/\${{ job.status }}" }
      - id: on-failure
        if: \${{ failure() }}
        run: echo handled
`);
    expect(result.ok).toBe(false);
    expect(result.jobs.build?.result).toBe('failure');
    expect(step(result, 'build', 'boom').outcome).toBe('failure');
    expect(step(result, 'build', 'normal').outcome).toBe('skipped');
    expect(step(result, 'build', 'always').outcome).toBe('success');
    expect(step(result, 'build', 'always').outputs.message).toBe('failure/failure');
    expect(step(result, 'build', 'on-failure').outcome).toBe('success');
  });

  test('continue-on-error keeps the job successful and records the outcome', async () => {
    const result = await run(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: flaky
        continue-on-error: true
        uses: ./actions/fail
      - id: next
        uses: ./actions/echo
        with: { message: "\${{ steps.flaky.outcome }}-\${{ steps.flaky.conclusion }}" }
`);
    expect(result.ok).toBe(true);
    expect(step(result, 'build', 'flaky').outcome).toBe('failure');
    expect(step(result, 'build', 'next').outputs.message).toBe('failure-success');
  });

  test('post scripts run at job end in reverse order with their saved state', async () => {
    const result = await run(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: ./actions/with-post
        with: { name: one, log-file: "\${{ github.workspace }}/post.log" }
      - uses: ./actions/with-post
        with: { name: two, log-file: "\${{ github.workspace }}/post.log" }
      - uses: ./actions/fail
`);
    expect(result.ok).toBe(false);
    const log = await readFile(join(result.repo, 'post.log'), 'utf8');
    expect(log).toBe('main one\nmain two\npost two state-of-two\npost one state-of-one\n');
    expect(result.steps.map(s => [s.step, s.outcome])).toEqual([
      ['Run ./actions/with-post', 'success'],
      ['Run ./actions/with-post', 'success'],
      ['Run ./actions/fail', 'failure'],
      ['Post Run ./actions/with-post', 'success'],
      ['Post Run ./actions/with-post', 'success']
    ]);
  });

  test('expression functions come from @actions/expressions', async () => {
    const result = await run(
      `
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: fns
        uses: ./actions/echo
        with:
          message: "\${{ format('{0}-{1}', 'a', 'b') }}|\${{ contains(fromJSON('[\\"x\\",\\"y\\"]'), 'y') }}|\${{ startsWith(github.ref, 'refs/tags/') }}|\${{ join(fromJSON('[1,2]'), '+') }}|\${{ fromJSON('{\\"k\\":7}').k }}"
      - id: when
        if: startsWith(github.ref, 'refs/tags/v')
        run: echo "tag \${{ github.ref_name }}"
`,
      { github: { ref: 'refs/tags/v1.2.3' } }
    );
    expect(result.ok).toBe(true);
    expect(step(result, 'build', 'fns').outputs.message).toBe('a-b|true|true|1+2|7');
    expect(step(result, 'build', 'when').log).toContain('tag v1.2.3');
  });

  test('run: blocks keep their YAML meaning (indentation, heredocs) around expressions', async () => {
    const result = await run(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: heredoc
        run: |
          cat <<EOF
          ref \${{ github.ref_name }}
          EOF
          echo "done=1" >> "$GITHUB_OUTPUT"
      - id: quotes
        run: echo 'a' 'b' '\${{ github.ref_name }}' "it's"
`);
    expect(result.ok).toBe(true);
    expect(step(result, 'build', 'heredoc').log).toMatch(/^ref main$/m);
    expect(step(result, 'build', 'quotes').log).toMatch(/^a b main it's$/m);
  });

  test('workflow commands are rendered readably', async () => {
    const result = await run(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - id: boom
        uses: ./actions/fail
        with: { message: kaput }
`);
    const log = step(result, 'build', 'boom').log;
    expect(log).toContain('▸ details\n  about to fail');
    expect(log).toContain('Warning: Careful: kaput is coming');
    expect(log).toContain('Error: kaput (app.ts:3)');
    expect(log).toContain('Error: Process completed with exit code 1.');
    expect(log).not.toContain('::');
  });

  test('GITHUB_PATH entries are prepended to PATH for later steps', async () => {
    const result = await run(`
on: push
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: |
          mkdir -p "$RUNNER_TEMP/bin"
          printf '#!/bin/sh\\necho from-added-path\\n' > "$RUNNER_TEMP/bin/added-tool"
          chmod +x "$RUNNER_TEMP/bin/added-tool"
          echo "$RUNNER_TEMP/bin" >> "$GITHUB_PATH"
      - id: use
        run: added-tool
`);
    expect(result.ok).toBe(true);
    expect(step(result, 'build', 'use').log).toContain('from-added-path');
  });
});

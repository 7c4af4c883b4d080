import { expect, test } from '@jest/globals';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintWorkflows } from '../../tools/workflow-runner/actionlint.ts';

async function workflowFile(name: string, yaml: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'actionlint-test-'));
  const path = join(dir, name);
  await writeFile(path, yaml);
  return path;
}

test('a broken workflow is reported and a good one is not', async () => {
  const good = await workflowFile(
    'good.yml',
    `on: workflow_dispatch
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo "\${{ github.ref }} \${{ vars.REGION }} \${{ github.workflow_sha }}"
`
  );
  const broken = await workflowFile(
    'broken.yml',
    `on: workflow_dispatch
jobs:
  build:
    runs-on: ubuntu-latest
    needs: missing-job
    steps:
      - run: echo "\${{ github.nope.really }}"
`
  );
  expect(await lintWorkflows([good])).toEqual([]);
  const problems = await lintWorkflows([good, broken]);
  expect(problems.length).toBeGreaterThan(0);
  expect(problems.every(p => p.startsWith(`${broken}:`))).toBe(true);
  expect(problems.join('\n')).toMatch(/missing-job/);
});

import { expect, test } from '@jest/globals';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { makeRepo, writeWorkflow } from './helpers.ts';

const exec = promisify(execFile);
const INDEX = fileURLToPath(new URL('../../tools/workflow-runner/index.ts', import.meta.url));

test('the runner works from a script under plain node, without loader flags', async () => {
  const repo = await makeRepo();
  const workflowPath = await writeWorkflow(
    repo,
    'plain.yml',
    `on: push
jobs:
  one:
    runs-on: ubuntu-latest
    steps:
      - id: hi
        uses: ./actions/echo
        with: { message: "from \${{ github.ref_name }}" }
`
  );
  const script = `
    const { runWorkflow, formatResultTable } = await import(${JSON.stringify(INDEX)});
    const result = await runWorkflow({ repoRoot: ${JSON.stringify(repo)}, workflowPath: ${JSON.stringify(workflowPath)}, inputs: {} });
    console.log(JSON.stringify({ ok: result.ok, error: result.error, message: result.steps[0]?.outputs.message }));
    console.error(formatResultTable(result));
  `;
  const { stdout, stderr } = await exec(process.execPath, ['--input-type=module', '-e', script]);
  expect(JSON.parse(stdout)).toEqual({ ok: true, message: 'from main' });
  expect(stderr).toContain('workflow: success');
});

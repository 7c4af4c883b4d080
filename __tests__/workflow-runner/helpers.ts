import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWorkflow } from '../../tools/workflow-runner/index.ts';
import type {
  RunWorkflowOptions,
  StepResult,
  WorkflowResult
} from '../../tools/workflow-runner/index.ts';

export const FIXTURE_REPO = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'repo');

/** A scratch copy of the fixture repository, so each test writes its own workflows. */
export async function makeRepo(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'workflow-runner-test-'));
  await cp(FIXTURE_REPO, root, { recursive: true });
  return root;
}

export async function writeWorkflow(repo: string, name: string, yaml: string): Promise<string> {
  const path = join(repo, '.github', 'workflows', name);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, yaml);
  return `.github/workflows/${name}`;
}

export interface Run extends WorkflowResult {
  lines: string[];
  repo: string;
}

/** Writes `yaml` as a workflow of a fresh repository copy and runs it. */
export async function run(
  yaml: string,
  options: Partial<RunWorkflowOptions> = {},
  extraWorkflows: Record<string, string> = {}
): Promise<Run> {
  const repo = await makeRepo();
  for (const [name, text] of Object.entries(extraWorkflows)) await writeWorkflow(repo, name, text);
  const workflowPath = await writeWorkflow(repo, 'main.yml', yaml);
  const lines: string[] = [];
  const result = await runWorkflow({
    repoRoot: repo,
    workflowPath,
    inputs: {},
    log: line => lines.push(line),
    ...options
  });
  return { ...result, lines, repo };
}

export function step(result: WorkflowResult, job: string, name: string): StepResult {
  const found = result.steps.find(s => s.job === job && (s.id === name || s.step === name));
  if (!found) {
    const known = result.steps.map(s => `${s.job}/${s.id ?? s.step}`).join(', ');
    throw new Error(`no step ${job}/${name} (have: ${known})`);
  }
  return found;
}

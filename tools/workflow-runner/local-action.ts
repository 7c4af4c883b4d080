/** Metadata of a JavaScript action in the repository (`uses: ./actions/<name>`). */
import { access } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import type { ScalarToken } from '@actions/workflow-parser/templates/tokens/index';
import { parseActionFile } from './parser.ts';
import { WorkflowError, unsupported } from './errors.ts';

export interface ActionInput {
  required: boolean;
  default?: ScalarToken;
}

export interface LocalAction {
  /** The `uses:` value, e.g. `./actions/echo`. */
  ref: string;
  dir: string;
  inputs: Map<string, ActionInput>;
  outputs: string[];
  main: string;
  post?: string;
  postIf?: string;
}

const REQUIRED_RUNTIME = 'node24';

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false
  );
}

async function metadataFile(dir: string, ref: string): Promise<string> {
  for (const name of ['action.yml', 'action.yaml']) {
    if (await exists(join(dir, name))) return join(dir, name);
  }
  throw new WorkflowError(`action ${ref}: no action.yml in ${dir}`);
}

export function isLocalReference(uses: string): boolean {
  return uses.startsWith('./');
}

export async function loadLocalAction(repoRoot: string, ref: string): Promise<LocalAction> {
  const dir = resolve(repoRoot, ref);
  if (relative(repoRoot, dir).startsWith('..')) {
    throw new WorkflowError(`action ${ref} is outside the repository`);
  }
  const file = await metadataFile(dir, ref);
  const { template } = await parseActionFile(file, relative(repoRoot, file));
  const runs = template.runs;
  if (runs.using !== REQUIRED_RUNTIME) {
    if (runs.using === 'composite' || runs.using === 'docker') {
      throw unsupported(`runs.using '${runs.using}'`, `action ${ref}`);
    }
    throw new WorkflowError(
      `action ${ref}: runs.using is '${runs.using}', but actions here must use '${REQUIRED_RUNTIME}'`
    );
  }
  if (runs.pre) throw unsupported('runs.pre', `action ${ref}`);
  const main = join(dir, runs.main);
  if (!(await exists(main))) {
    throw new WorkflowError(
      `action ${ref}: ${relative(repoRoot, main)} does not exist (is it built?)`
    );
  }
  const action: LocalAction = {
    ref,
    dir,
    main,
    inputs: new Map(
      (template.inputs ?? []).map(input => [
        input.id,
        { required: input.required ?? false, ...(input.default && { default: input.default }) }
      ])
    ),
    outputs: (template.outputs ?? []).map(output => output.id)
  };
  if (runs.post) action.post = join(dir, runs.post);
  if (runs.postIf) action.postIf = runs.postIf;
  return action;
}

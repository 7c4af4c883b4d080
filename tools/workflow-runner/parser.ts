/**
 * Loads workflow and action files with GitHub's own parser (@actions/workflow-parser), so
 * schema and expression validation matches github.com.
 */
import { readFile } from 'node:fs/promises';
import type { WorkflowTemplate } from '@actions/workflow-parser';
// type-only: the modules themselves are imported once the JSON import hook is in place
import type * as WorkflowParser from '@actions/workflow-parser';
import type * as ActionParser from '@actions/workflow-parser/actions/index';
import type { ActionTemplate } from '@actions/workflow-parser/actions/index';
import type { TemplateContext } from '@actions/workflow-parser/templates/template-context';
import type { MappingToken } from '@actions/workflow-parser/templates/tokens/index';
import { registerJsonImportHook } from './json-import-hook.ts';
import { WorkflowError } from './errors.ts';
import { recordMultilineText } from './multiline-scalars.ts';

export interface ParsedWorkflow {
  file: string;
  /** The schema-validated YAML, with `${{ }}` already turned into expression tokens. */
  root: MappingToken;
  template: WorkflowTemplate;
}

export interface ParsedAction {
  file: string;
  root: MappingToken;
  template: ActionTemplate;
}

type WorkflowParserModule = typeof WorkflowParser;
type ActionParserModule = typeof ActionParser;

let library: Promise<[WorkflowParserModule, ActionParserModule]> | undefined;

function loadLibrary(): Promise<[WorkflowParserModule, ActionParserModule]> {
  registerJsonImportHook();
  // One after the other: the two entry points share modules, and Jest's ESM runtime fails to
  // link a module that two imports in flight both load.
  library ??= (async (): Promise<[WorkflowParserModule, ActionParserModule]> => {
    const workflows = await import('@actions/workflow-parser');
    const actions = await import('@actions/workflow-parser/actions/index');
    return [workflows, actions];
  })();
  return library;
}

function throwOnErrors(context: TemplateContext, extra: { Message: string }[] = []): void {
  const messages = [
    ...context.errors.getErrors().map(e => e.message),
    ...extra.map(e => e.Message)
  ];
  if (messages.length > 0) throw new WorkflowError(messages.join('\n'));
}

export async function parseWorkflowFile(
  file: string,
  displayName: string
): Promise<ParsedWorkflow> {
  const [wp] = await loadLibrary();
  const content = await readFile(file, 'utf8');
  const parsed = wp.parseWorkflow({ name: displayName, content }, new wp.NoOperationTraceWriter());
  throwOnErrors(parsed.context);
  if (!parsed.value || !wp.isMapping(parsed.value)) {
    throw new WorkflowError(`${displayName}: a workflow must be a mapping`);
  }
  const template = await wp.convertWorkflowTemplate(parsed.context, parsed.value);
  throwOnErrors(parsed.context, template.errors);
  recordMultilineText(parsed.value, content);
  return { file, root: parsed.value, template };
}

export async function parseActionFile(file: string, displayName: string): Promise<ParsedAction> {
  const [wp, ap] = await loadLibrary();
  const content = await readFile(file, 'utf8');
  const parsed = ap.parseAction({ name: displayName, content }, new wp.NoOperationTraceWriter());
  throwOnErrors(parsed.context);
  if (!parsed.value || !wp.isMapping(parsed.value)) {
    throw new WorkflowError(`${displayName}: an action must be a mapping`);
  }
  const template = ap.convertActionTemplate(parsed.context, parsed.value);
  throwOnErrors(parsed.context);
  recordMultilineText(parsed.value, content);
  return { file, root: parsed.value, template };
}

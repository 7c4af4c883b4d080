import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface ActionInput {
  readonly description?: string;
  readonly required?: boolean;
  readonly default?: string;
}

export interface ActionMetadata {
  readonly name: string;
  readonly description: string;
  readonly inputs: Record<string, ActionInput>;
  readonly outputs: Record<string, { description?: string }>;
  readonly runs: { using: string; main: string; pre?: string; post?: string };
}

export function readActionMetadata(actionDir: string): ActionMetadata {
  const metadata = parse(readFileSync(join(actionDir, 'action.yml'), 'utf8')) as ActionMetadata;
  return { ...metadata, inputs: metadata.inputs ?? {}, outputs: metadata.outputs ?? {} };
}

/** The environment variable the runner uses for an input: upper case, spaces as underscores. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

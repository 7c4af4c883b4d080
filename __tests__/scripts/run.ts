import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export function scriptPath(name: string): string {
  return fileURLToPath(new URL(`../../manifests/gadgetron/scripts/${name}`, import.meta.url));
}

export interface Running {
  child: ChildProcess;
  /** stdout and stderr so far */
  output(): string;
  stdout(): string;
  /** Resolves with the exit code, or null if the process is still running after `ms`. */
  exited(ms: number): Promise<number | null>;
}

/** Runs a script with real bash and only the given environment (plus PATH). */
export function run(script: string, env: Record<string, string>): Running {
  const child = spawn('bash', [scriptPath(script)], {
    env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  });
  let out = '';
  let all = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    all += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => (all += chunk.toString()));
  const exit = new Promise<number>(resolve => child.on('close', code => resolve(code ?? -1)));
  return {
    child,
    output: () => all,
    stdout: () => out,
    exited: ms =>
      Promise.race([
        exit,
        new Promise<null>(resolve => setTimeout(() => resolve(null), ms).unref())
      ])
  };
}

/**
 * How long a test waits for something that must happen. Generous on purpose: a machine busy
 * with other work slows bash and Node down many times over, and waiting longer costs nothing
 * when the thing happens. Claims about speed compare with a duration measured in the test.
 */
export const PATIENCE_MS = 60_000;

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** Polls until `check` holds or `ms` pass. */
export async function eventually(check: () => boolean, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await sleep(50);
  }
  return check();
}

/** Runs a child process, streaming its stdout and stderr line by line, with an optional timeout. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ProcessSpec {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs?: number;
  onLine: (line: string) => void;
}

export interface ProcessOutcome {
  exitCode: number | null;
  timedOut: boolean;
  /** Set when the process could not be started. */
  spawnError?: string;
}

const KILL_GRACE_MS = 5000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

export function runProcess(spec: ProcessSpec): Promise<ProcessOutcome> {
  return new Promise(resolve => {
    // its own process group, so a timeout also stops anything it started
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true
    });
    let timedOut = false;
    const timers: NodeJS.Timeout[] = [];
    if (spec.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true;
          killGroup(child.pid, 'SIGTERM');
          timers.push(setTimeout(() => killGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS));
        }, spec.timeoutMs)
      );
    }
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream, crlfDelay: Infinity }).on('line', spec.onLine);
    }
    child.on('error', err => {
      timers.forEach(clearTimeout);
      resolve({ exitCode: null, timedOut, spawnError: err.message });
    });
    child.on('close', code => {
      timers.forEach(clearTimeout);
      resolve({ exitCode: code, timedOut });
    });
  });
}

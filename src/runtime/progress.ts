/** Rate-limits progress lines on long waits: the first line at once, then at most one per interval. */
export class ProgressReporter {
  private readonly intervalMs: number;
  private readonly write: (line: string) => void;
  private readonly startedAt = Date.now();
  private lastAt = -Infinity;
  private lastLine = '';

  constructor(intervalMs: number, write: (line: string) => void) {
    this.intervalMs = intervalMs;
    this.write = write;
  }

  /**
   * Reports `line` unless one was reported within the interval (`force` skips that wait); an
   * unchanged line waits three intervals, forced or not, so no state is logged twice in a row.
   */
  report(line: string, force = false): void {
    const now = Date.now();
    const repeat = line === this.lastLine && now - this.lastAt < this.intervalMs * 3;
    if (repeat || (!force && now - this.lastAt < this.intervalMs)) return;
    this.lastAt = now;
    this.lastLine = line;
    this.write(`${line} (${formatElapsed(now - this.startedAt)} elapsed)`);
  }

  elapsedMs(): number {
    return Date.now() - this.startedAt;
  }
}

export function formatElapsed(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
}

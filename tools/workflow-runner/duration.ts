/** Durations as people read them: 850ms, 4.2s, 3m07s. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.floor((ms % 60_000) / 1000);
  return `${minutes}m${String(seconds).padStart(2, '0')}s`;
}

export function minutesToMs(value: unknown, where: string): number {
  const minutes = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    throw new Error(
      `${where}: timeout-minutes must be a positive number, got ${JSON.stringify(value)}`
    );
  }
  return minutes * 60_000;
}

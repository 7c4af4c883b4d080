/** Order statistics for small samples of timings. */
export interface Spread {
  readonly n: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly p90: number;
}

export function spread(samples: readonly number[]): Spread {
  if (samples.length === 0) throw new Error('no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => {
    const position = (sorted.length - 1) * q;
    const low = Math.floor(position);
    const high = Math.ceil(position);
    return (
      (sorted[low] as number) +
      ((sorted[high] as number) - (sorted[low] as number)) * (position - low)
    );
  };
  return {
    n: sorted.length,
    median: at(0.5),
    min: sorted[0] as number,
    max: sorted[sorted.length - 1] as number,
    p90: at(0.9)
  };
}

export const ms = (value: number): string => `${value.toFixed(value < 10 ? 1 : 0)} ms`;

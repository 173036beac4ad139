import type { BenchRecord, RunResult } from '../bench-record.ts';

export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Nearest-rank percentile of an already sorted array. */
export function percentileSorted(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/**
 * Folds the measured runs of one engine into one record: `rows_per_s` and `seconds` are the median run's,
 * `rows_per_s_min`/`_max` the spread, `runs` the count and `run_rows_per_s` every run; p50/p99 are medians over
 * runs; other fields come from the median run, then `extra`.
 */
export function aggregateRuns(scenario: string, engine: string, runs: readonly RunResult[], extra: Record<string, unknown> = {}): BenchRecord {
  const rates = runs.map((r) => r.rows / r.seconds);
  const order = runs.map((_, i) => i).sort((a, b) => rates[a] - rates[b]);
  const mid = runs[order[(order.length - 1) >> 1]];
  const pct = (k: 'p50_ms' | 'p99_ms') => {
    const xs = runs.map((r) => r[k]).filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return xs.length ? median(xs) : null;
  };
  const { rows, seconds: _s, p50_ms: _a, p99_ms: _b, ...rest } = mid;
  return {
    scenario, engine, rows,
    seconds: median(runs.map((r) => r.seconds)),
    rows_per_s: median(rates),
    p50_ms: pct('p50_ms'),
    p99_ms: pct('p99_ms'),
    runs: runs.length,
    rows_per_s_min: Math.min(...rates),
    rows_per_s_max: Math.max(...rates),
    run_rows_per_s: rates.map((r) => Math.round(r)),
    ...rest,
    ...extra,
  };
}

export function skippedRecord(scenario: string, engine: string, rows: number, reason: string): BenchRecord {
  return { scenario, engine, rows, seconds: 0, rows_per_s: 0, p50_ms: null, p99_ms: null, skipped: reason };
}

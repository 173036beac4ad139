/**
 * A latency histogram: exact count, sum, min and max, and percentiles from a bounded uniform reservoir
 * (Vitter's algorithm R), so memory stays flat on an unbounded job.
 */
export class Histogram {
  private readonly reservoir: Float64Array;
  private filled = 0;
  count = 0;
  sum = 0;
  min = Infinity;
  max = -Infinity;

  constructor(readonly capacity = 4096) {
    this.reservoir = new Float64Array(capacity);
  }

  record(value: number): void {
    this.count++;
    this.sum += value;
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
    if (this.filled < this.capacity) {
      this.reservoir[this.filled++] = value;
    } else {
      const j = Math.floor(Math.random() * this.count);
      if (j < this.capacity) this.reservoir[j] = value;
    }
  }

  /** The q-quantile (0..1) of the retained samples, or 0 when empty. */
  percentile(q: number): number {
    return quantile(this.reservoir.slice(0, this.filled).sort(), q);
  }

  snapshot(): HistogramSnapshot {
    const sorted = this.reservoir.slice(0, this.filled).sort();
    const at = (q: number) => quantile(sorted, q);
    return {
      count: this.count,
      sum: this.sum,
      min: this.count ? this.min : 0,
      max: this.count ? this.max : 0,
      mean: this.count ? this.sum / this.count : 0,
      p50: at(0.5),
      p95: at(0.95),
      p99: at(0.99),
      samples: Array.from(sorted),
    };
  }
}

export interface HistogramSnapshot {
  count: number;
  sum: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  /** Retained samples, sorted; used to merge histograms across subtasks. */
  samples: number[];
}

/** Merges snapshots from parallel subtasks: exact count/sum/min/max, percentiles from the pooled samples. */
export function mergeHistograms(parts: HistogramSnapshot[]): HistogramSnapshot {
  const samples = parts.flatMap((p) => p.samples).sort((a, b) => a - b);
  const count = parts.reduce((n, p) => n + p.count, 0);
  const sum = parts.reduce((n, p) => n + p.sum, 0);
  const at = (q: number) => quantile(samples, q);
  return {
    count,
    sum,
    min: count ? Math.min(...parts.filter((p) => p.count).map((p) => p.min)) : 0,
    max: count ? Math.max(...parts.filter((p) => p.count).map((p) => p.max)) : 0,
    mean: count ? sum / count : 0,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    samples,
  };
}

/** The nearest-rank q-quantile (0..1) of ascending samples; 0 when there are none. */
function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  return sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
}

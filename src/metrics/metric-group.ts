import { Histogram, type HistogramSnapshot } from './histogram.ts';

/** A monotonically increasing count. */
export class Counter {
  value = 0;
  inc(n = 1): void { this.value += n; }
  dec(n = 1): void { this.value -= n; }
}

/** The latest value of something, set by the owner or computed on read. */
export class Gauge {
  constructor(private read: () => number | string = () => 0) {}
  set(value: number | string): void { this.read = () => value; }
  get value(): number | string { return this.read(); }
}

export type MetricValue = number | string | HistogramSnapshot | Record<string, unknown>;

/** A flat snapshot: dotted metric path → value. Plain data, so it crosses threads. */
export type MetricsSnapshot = Record<string, MetricValue>;

/**
 * A named scope of metrics, as in Flink: `job.operator.Calc[1].0.numRecordsIn` or `udf.normalize.rowsIn`.
 * Groups nest with `group(name)`; metrics are created on first use and reused afterwards.
 */
export class MetricGroup {
  private readonly counters = new Map<string, Counter>();
  private readonly gauges = new Map<string, Gauge>();
  private readonly histograms = new Map<string, Histogram>();
  private readonly external = new Map<string, MetricValue>();
  private readonly children = new Map<string, MetricGroup>();

  constructor(readonly name = '') {}

  group(name: string): MetricGroup {
    let child = this.children.get(name);
    if (!child) {
      child = new MetricGroup(name);
      this.children.set(name, child);
    }
    return child;
  }

  counter(name: string): Counter {
    let c = this.counters.get(name);
    if (!c) { c = new Counter(); this.counters.set(name, c); }
    return c;
  }

  gauge(name: string, read?: () => number | string): Gauge {
    let g = this.gauges.get(name);
    if (!g) { g = new Gauge(read); this.gauges.set(name, g); }
    return g;
  }

  histogram(name: string): Histogram {
    let h = this.histograms.get(name);
    if (!h) { h = new Histogram(); this.histograms.set(name, h); }
    return h;
  }

  /** Records a value reported from elsewhere (e.g. a Python UDF's own metric). */
  setExternal(name: string, value: MetricValue): void { this.external.set(name, value); }

  /** Every metric below this group, keyed by dotted path relative to it. */
  snapshot(prefix = ''): MetricsSnapshot {
    const out: MetricsSnapshot = {};
    const p = prefix ? `${prefix}.` : '';
    for (const [k, c] of this.counters) out[p + k] = c.value;
    for (const [k, g] of this.gauges) out[p + k] = g.value;
    for (const [k, h] of this.histograms) out[p + k] = h.snapshot();
    for (const [k, v] of this.external) out[p + k] = v;
    for (const [k, child] of this.children) Object.assign(out, child.snapshot(p + k));
    return out;
  }
}

import type { UserMetricUpdate } from '../udf-backend.ts';

/**
 * Metrics a TS UDF reports about itself, shaped like PyFlink's metric group (and Weir's Python worker, see
 * python/weir/metrics.py): counter, gauge, meter, distribution, nested groups. Values use the same encoding as the
 * Python protocol's METRIC records, so the operator treats both languages alike: counter = total count, gauge =
 * last value, meter = `{count, rate}`, distribution = `{count, sum, min, max, mean}`.
 *
 * Each worker thread keeps its own registry; the host merges the per-thread values ({@link ThreadMetricMerger}) so
 * what the operator sees is the function's total across the pool.
 */

export interface UdfCounter { inc(n?: number): void; dec(n?: number): void; readonly count: number }
export interface UdfMeter { markEvent(n?: number): void; readonly count: number; readonly rate: number }
export interface UdfDistribution { update(value: number): void }

/** `ctx.metrics` in a kernel. Metrics are created on first use and the same object is returned afterwards. */
export interface UdfMetricGroup {
  /** A nested group; `addGroup('k', 'v')` nests the key-value pair as in Flink. */
  addGroup(name: string, value?: string): UdfMetricGroup;
  counter(name: string): UdfCounter;
  /** A gauge reads its value when metrics are reported; pass a function, or a number to set it now. */
  gauge(name: string, value: number | (() => number)): void;
  meter(name: string, timeSpanSeconds?: number): UdfMeter;
  distribution(name: string): UdfDistribution;
}

type Kind = UserMetricUpdate['kind'];
interface Metric { readonly kind: Kind; value(): unknown }

class Counter implements Metric, UdfCounter {
  readonly kind = 'counter';
  count = 0;
  inc(n = 1): void { this.count += n; }
  dec(n = 1): void { this.count -= n; }
  value(): unknown { return this.count; }
}

class Gauge implements Metric {
  readonly kind = 'gauge';
  constructor(public read: () => number) {}
  value(): unknown { return this.read(); }
}

/** Events per second over a sliding window, bucketed per second so memory stays bounded (like Flink's MeterView). */
class Meter implements Metric, UdfMeter {
  readonly kind = 'meter';
  count = 0;
  private readonly buckets: [number, number][] = [];
  constructor(private readonly span: number, private readonly now: () => number = () => Math.floor(performance.now() / 1000)) {}
  markEvent(n = 1): void {
    this.count += n;
    const s = this.now();
    const last = this.buckets[this.buckets.length - 1];
    if (last && last[0] === s) last[1] += n; else this.buckets.push([s, n]);
    this.expire(s);
  }
  get rate(): number {
    this.expire(this.now());
    return this.buckets.reduce((n, b) => n + b[1], 0) / this.span;
  }
  private expire(s: number): void { while (this.buckets.length && this.buckets[0][0] <= s - this.span) this.buckets.shift(); }
  value(): unknown { return { count: this.count, rate: this.rate }; }
}

class Distribution implements Metric, UdfDistribution {
  readonly kind = 'distribution';
  private count = 0; private sum = 0; private min: number | null = null; private max: number | null = null;
  update(v: number): void {
    this.count++; this.sum += v;
    if (this.min === null || v < this.min) this.min = v;
    if (this.max === null || v > this.max) this.max = v;
  }
  value(): unknown { return { count: this.count, sum: this.sum, min: this.min, max: this.max, mean: this.count ? this.sum / this.count : 0 }; }
}

/** A metric value as reported by one worker thread, before merging. */
export interface MetricRecord { readonly group: readonly string[]; readonly name: string; readonly kind: Kind; readonly value: unknown }

/** All metrics of one function in one worker thread, with change tracking so unchanged metrics cost nothing. */
export class UdfMetricRegistry {
  private readonly metrics = new Map<string, { group: string[]; name: string; metric: Metric }>();
  private readonly lastSent = new Map<string, string>();

  /** The root group handed to the kernel. */
  readonly root: UdfMetricGroup = this.groupAt([]);

  /** Records of metrics whose value changed since the previous call. */
  collectChanges(): MetricRecord[] {
    const out: MetricRecord[] = [];
    for (const [key, { group, name, metric }] of this.metrics) {
      let value: unknown;
      try { value = metric.value(); } catch (e) { value = `<gauge failed: ${(e as Error)?.message ?? e}>`; }
      if (typeof value === 'number' && Number.isNaN(value)) value = null;
      const text = JSON.stringify(value);
      if (this.lastSent.get(key) === text) continue;
      this.lastSent.set(key, text);
      out.push({ group, name, kind: metric.kind, value });
    }
    return out;
  }

  private groupAt(path: string[]): UdfMetricGroup {
    return {
      addGroup: (name, value) => {
        if (typeof name !== 'string' || !name) throw new TypeError(`metric group name must be a non-empty string, got ${String(name)}`);
        return this.groupAt(value === undefined ? [...path, name] : [...path, name, String(value)]);
      },
      counter: (name) => this.register(path, name, 'counter', () => new Counter()) as Counter,
      gauge: (name, value) => {
        const read = typeof value === 'function' ? value : () => value;
        (this.register(path, name, 'gauge', () => new Gauge(read)) as Gauge).read = read;
      },
      meter: (name, span = 60) => {
        if (!(span > 0)) throw new RangeError(`meter time span must be positive, got ${span}`);
        return this.register(path, name, 'meter', () => new Meter(span)) as Meter;
      },
      distribution: (name) => this.register(path, name, 'distribution', () => new Distribution()) as Distribution,
    };
  }

  private register(group: string[], name: string, kind: Kind, make: () => Metric): Metric {
    const key = JSON.stringify([...group, name]);
    const existing = this.metrics.get(key);
    if (existing) {
      if (existing.metric.kind !== kind) {
        throw new TypeError(`metric '${[...group, name].join('.')}' is already registered as a ${existing.metric.kind}, cannot re-register it as a ${kind}`);
      }
      return existing.metric;
    }
    const metric = make();
    this.metrics.set(key, { group, name, metric });
    return metric;
  }
}

/**
 * Host side: merges the latest value each worker thread reported into one value per metric — counters and meters
 * summed, distributions combined, gauges last-writer-wins.
 */
export class ThreadMetricMerger {
  private readonly perThread = new Map<string, { record: MetricRecord & { udf: string }; byThread: Map<number, unknown> }>();

  /** Folds one reply's records in and returns the merged updates for the metrics it touched. */
  merge(threadId: number, records: readonly (MetricRecord & { udf: string })[]): UserMetricUpdate[] {
    const out: UserMetricUpdate[] = [];
    for (const r of records) {
      const key = JSON.stringify([r.udf, ...r.group, r.name]);
      let entry = this.perThread.get(key);
      if (!entry) { entry = { record: r, byThread: new Map() }; this.perThread.set(key, entry); }
      entry.byThread.set(threadId, r.value);
      out.push({ udf: r.udf, group: r.group, name: r.name, kind: r.kind, value: r.kind === 'gauge' ? r.value : combine(r.kind, [...entry.byThread.values()]) });
    }
    return out;
  }
}

function combine(kind: Kind, values: unknown[]): unknown {
  if (kind === 'counter') return values.reduce((n: number, v) => n + Number(v), 0);
  if (kind === 'meter') {
    const ms = values as { count: number; rate: number }[];
    return { count: ms.reduce((n, m) => n + m.count, 0), rate: ms.reduce((n, m) => n + m.rate, 0) };
  }
  const ds = (values as { count: number; sum: number; min: number | null; max: number | null }[]).filter((d) => d.count > 0);
  const count = ds.reduce((n, d) => n + d.count, 0);
  const sum = ds.reduce((n, d) => n + d.sum, 0);
  return {
    count, sum,
    min: ds.length ? Math.min(...ds.map((d) => d.min as number)) : null,
    max: ds.length ? Math.max(...ds.map((d) => d.max as number)) : null,
    mean: count ? sum / count : 0,
  };
}

import { TableEnvironment, type Table } from '../../src/index.ts';
import type { JobMetrics, UdfMetrics } from '../../src/exec/job/job-metrics.ts';
import type { HistogramSnapshot } from '../../src/metrics/histogram.ts';
import type { RunResult } from '../bench-record.ts';

export interface WeirJobSpec {
  name: string;
  udfDir: string;
  rows: number;
  config?: Record<string, string | number | boolean>;
  /** Registers tables and functions, returns the table to insert into `sink` (a blackhole registered by setup). */
  build(env: TableEnvironment): Promise<Table>;
  /** The UDF whose metrics go into the record (default: the first one reported). */
  udf?: string;
}

/**
 * Runs one Weir job `build(env) → executeInsert('sink')` and times it from submission to the job's end (plan,
 * slot threads, Python workers starting, the run, teardown) — the same span the peers time. Per-UDF metrics and
 * the steady-state split (start-up / steady / teardown, from the UDF operator's active span) are extra fields, and
 * `output_rows`, the rows the sink received (to check that engines compute the same results).
 */
export async function runWeirJob(spec: WeirJobSpec): Promise<RunResult> {
  const env = TableEnvironment.create({ baseDir: spec.udfDir, name: `bench-${spec.name}`, config: spec.config });
  const table = await spec.build(env);
  const started = process.hrtime.bigint();
  const result = await table.executeInsert('sink').done();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const endedAtMs = performance.timeOrigin + performance.now();
  const startedAtMs = endedAtMs - seconds * 1000;
  const udf = spec.udf ? result.metrics.udfs.find((u) => u.name === spec.udf) : result.metrics.udfs[0];
  const spanKey = udf && Object.keys(result.metrics.raw).find((k) => k.endsWith(`.udf.${udf.name}.activeSpan`));
  const span = spanKey ? result.metrics.raw[spanKey] as { firstRequestAtMs: number; lastResultAtMs: number } : undefined;
  const phases = span && span.firstRequestAtMs > 0 ? {
    startup_s: (span.firstRequestAtMs - startedAtMs) / 1000,
    steady_s: (span.lastResultAtMs - span.firstRequestAtMs) / 1000,
    steady_rows_per_s: spec.rows / ((span.lastResultAtMs - span.firstRequestAtMs) / 1000),
    teardown_s: (endedAtMs - span.lastResultAtMs) / 1000,
  } : {};
  const bundled = udf !== undefined && hasUdfMetric(result.metrics, udf.name, 'bundleLatencyMs');
  return {
    rows: spec.rows,
    seconds,
    p50_ms: bundled ? udf.bundleLatencyMs.p50 : null,
    p99_ms: bundled ? udf.bundleLatencyMs.p99 : null,
    udf_user_ms: udf?.userTimeMs,
    udf_serialization_ms: udf?.serializationTimeMs,
    udf_transport_ms: udf && transportMs(result.metrics, udf),
    output_rows: result.metrics.operators.filter((o) => o.name.startsWith('Sink(')).reduce((n, o) => n + o.recordsIn, 0),
    ...phases,
  };
}

function hasUdfMetric(metrics: JobMetrics, udf: string, metric: string): boolean {
  return Object.keys(metrics.raw).some((k) => k.endsWith(`.udf.${udf}.${metric}`));
}

/**
 * Transport and queueing time of a UDF. Scalar UDF operators count it (`transportTimeNs`); aggregate operators
 * record each request's round trip (`roundTripMs`) instead, so for UDAFs it is the round trips' total minus the
 * worker's user and serialization time (what remains: ZeroMQ, queueing, and the host's Arrow encoding/decoding).
 */
function transportMs(metrics: JobMetrics, udf: UdfMetrics): number {
  if (hasUdfMetric(metrics, udf.name, 'transportTimeNs')) return udf.transportTimeMs;
  const trips = Object.entries(metrics.raw).filter(([k]) => k.endsWith(`.udf.${udf.name}.roundTripMs`)).map(([, v]) => v as HistogramSnapshot);
  const roundTrips = trips.reduce((ms, h) => ms + h.sum, 0);
  return Math.max(0, roundTrips - udf.userTimeMs - udf.serializationTimeMs);
}

import type { CheckpointMetrics } from '../../checkpoint/job-checkpointing.ts';
import type { HistogramSnapshot } from '../../metrics/histogram.ts';
import type { MetricsSnapshot } from '../../metrics/metric-group.ts';
import type { JobGraph } from '../../plan/physical/job-graph.ts';

/** Per-UDF figures, summed over every operator and subtask that calls the function. */
export interface UdfMetrics {
  readonly name: string;
  readonly rowsIn: number;
  readonly rowsOut: number;
  readonly batches: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly errors: number;
  readonly userTimeMs: number;
  readonly serializationTimeMs: number;
  readonly transportTimeMs: number;
  readonly bundleLatencyMs: { p50: number; p99: number; max: number };
  /** Metrics the function registered itself, by dotted name. */
  readonly user: Record<string, unknown>;
}

export interface OperatorMetrics {
  readonly id: string;
  readonly name: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

export interface JobMetrics {
  readonly operators: OperatorMetrics[];
  readonly udfs: UdfMetrics[];
  /** Checkpoints, restarts and the last restore; present when the job checkpoints, restores or may restart. */
  readonly checkpoints?: CheckpointMetrics;
  /** Every metric, merged over subtasks, by dotted path. */
  readonly raw: MetricsSnapshot;
}

const UDF_KEY = /^operator\.([^.]+)\.udf\.([^.]+)\.(.+)$/;

export function summarizeMetrics(graph: JobGraph, raw: MetricsSnapshot): JobMetrics {
  const operators: OperatorMetrics[] = graph.vertices.flatMap((v) => v.chain).map((node) => ({
    id: node.id,
    name: node.name,
    recordsIn: num(raw[`operator.${node.id}.numRecordsIn`]),
    recordsOut: num(raw[`operator.${node.id}.numRecordsOut`]),
  }));
  const perUdf = new Map<string, Map<string, unknown[]>>();
  for (const [key, value] of Object.entries(raw)) {
    const m = UDF_KEY.exec(key);
    if (!m) continue;
    const [, , udf, metric] = m;
    const metrics = perUdf.get(udf) ?? new Map<string, unknown[]>();
    metrics.set(metric, [...(metrics.get(metric) ?? []), value]);
    perUdf.set(udf, metrics);
  }
  const udfs = [...perUdf.entries()].map(([name, m]) => udfSummary(name, m));
  return { operators, udfs, raw };
}

function udfSummary(name: string, m: Map<string, unknown[]>): UdfMetrics {
  const sum = (k: string) => (m.get(k) ?? []).reduce((a: number, v) => a + num(v), 0);
  const latency = (m.get('bundleLatencyMs') ?? []) as HistogramSnapshot[];
  const user: Record<string, unknown> = {};
  for (const [k, v] of m) if (k.startsWith('user.')) user[k.slice(5)] = v.length === 1 ? v[0] : v;
  return {
    name,
    rowsIn: sum('rowsIn'),
    rowsOut: sum('rowsOut'),
    batches: sum('batches'),
    bytesSent: sum('bytesSent'),
    bytesReceived: sum('bytesReceived'),
    errors: sum('errors'),
    userTimeMs: sum('userTimeNs') / 1e6,
    serializationTimeMs: sum('serializationTimeNs') / 1e6,
    transportTimeMs: sum('transportTimeNs') / 1e6,
    bundleLatencyMs: {
      p50: Math.max(0, ...latency.map((h) => h.p50)),
      p99: Math.max(0, ...latency.map((h) => h.p99)),
      max: Math.max(0, ...latency.map((h) => h.max)),
    },
    user,
  };
}

function num(v: unknown): number {
  return typeof v === 'number' ? v : 0;
}

import type { MetricGroup } from '../../metrics/metric-group.ts';
import type { UdfProgram } from '../../udf/function-definition.ts';
import type { UdfEvalResult } from '../../udf/udf-backend.ts';

/**
 * Metrics of a UDF call operator, per UDF, under `udf.<name>` of the operator's metric group:
 *
 * | metric | kind | meaning |
 * |---|---|---|
 * | `udf.<name>.rowsIn` | counter | rows sent to the function |
 * | `udf.<name>.rowsOut` | counter | result rows emitted downstream |
 * | `udf.<name>.batches` | counter | requests (round trips) that ran the function |
 * | `udf.<name>.bytesSent` | counter | request bytes (msgpack header + Arrow IPC body) |
 * | `udf.<name>.bytesReceived` | counter | reply bytes |
 * | `udf.<name>.errors` | counter | failed requests attributed to the function |
 * | `udf.<name>.userTimeNs` | counter | time inside user code, as reported by the worker |
 * | `udf.<name>.serializationTimeNs` | counter | host Arrow IPC encode/decode + worker Arrow↔Python conversion |
 * | `udf.<name>.transportTimeNs` | counter | round trip − worker-reported time − host codec time: transport and queueing |
 * | `udf.<name>.bundleLatencyMs` | histogram | per request: first row's arrival in the buffer → its results' emission |
 * | `udf.<name>.activeSpan` | external | `{ firstRequestAtMs, lastResultAtMs }`: wall-clock (epoch ms) of this subtask's first request and last emitted result; merged over subtasks the first subtask's is kept. Separates start-up and shutdown from steady-state time (benchmarks). |
 * | `udf.<name>.user.<group…>.<metric>` | external | the function's own metrics (Python FunctionContext metric group) |
 *
 * Chained UDFs share a request. Rows, batches and bytes of a request count in full for every distinct function in
 * it (each function saw every row); the three time metrics and errors without a named function are split: time
 * values are divided equally among the request's distinct functions, because the worker reports one total per
 * request. A single-UDF operator is therefore exact.
 */
export class UdfCallMetrics {
  private readonly groups: Map<string, MetricGroup>;
  private firstRequestAtMs = 0;

  constructor(root: MetricGroup, program: UdfProgram) {
    const udf = root.group('udf');
    this.groups = new Map(program.steps.map((s) => [s.fn.name, udf.group(s.fn.name)]));
  }

  /** Records one completed request. `roundTripNs` is measured around backend.eval; `hostCodecNs` when known. */
  recordRequest(rows: number, result: UdfEvalResult, roundTripNs: number, hostCodecNs: number): void {
    const t = result.timings;
    const share = 1 / this.groups.size;
    const transport = Math.max(0, roundTripNs - t.userNs - t.deserNs - t.serNs - hostCodecNs);
    for (const g of this.groups.values()) {
      g.counter('rowsIn').inc(rows);
      g.counter('batches').inc();
      g.counter('bytesSent').inc(result.bytesSent);
      g.counter('bytesReceived').inc(result.bytesReceived);
      g.counter('userTimeNs').inc(Math.round(t.userNs * share));
      g.counter('serializationTimeNs').inc(Math.round((t.deserNs + t.serNs + hostCodecNs) * share));
      g.counter('transportTimeNs').inc(Math.round(transport * share));
    }
    for (const m of result.userMetrics) {
      let g = this.groups.get(m.udf)?.group('user');
      if (!g) continue;
      for (const part of m.group) g = g.group(part);
      g.setExternal(m.name, m.value as never);
    }
  }

  /** Marks the operator's first request (wall clock), once. */
  recordFirstRequest(): void {
    if (this.firstRequestAtMs === 0) this.firstRequestAtMs = wallClockMs();
  }

  /** Records the emission of a request's rows and its bundle latency. */
  recordEmitted(rows: number, latencyMs: number): void {
    const span = { firstRequestAtMs: this.firstRequestAtMs, lastResultAtMs: wallClockMs() };
    for (const g of this.groups.values()) {
      g.counter('rowsOut').inc(rows);
      g.histogram('bundleLatencyMs').record(latencyMs);
      g.setExternal('activeSpan', span);
    }
  }

  /** Counts an error against the named UDF, or against every UDF of the program when the culprit is unknown. */
  recordError(udf: string | undefined): void {
    const g = udf ? this.groups.get(udf) : undefined;
    if (g) g.counter('errors').inc();
    else for (const x of this.groups.values()) x.counter('errors').inc();
  }
}

/** Epoch milliseconds with sub-millisecond resolution, comparable across threads (unlike performance.now()). */
function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

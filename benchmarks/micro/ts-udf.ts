/**
 * Micro benchmark: 10M rows of two DOUBLE columns through the TS UDF `a * b + 1` in the worker pool, in batches
 * of 10,000 with 8 requests in flight. Prints rows/s and where the time of a request goes: user code, Arrow
 * conversion in the worker, and the rest (host encode/copy, postMessage, queueing, decode).
 *
 *   node --import tsx benchmarks/micro/ts-udf.ts [rows] [batch] [inFlight]
 */
import * as arrow from 'apache-arrow';
import { fileURLToPath } from 'node:url';
import { Configuration } from '../../src/config/configuration.ts';
import { MetricGroup } from '../../src/metrics/metric-group.ts';
import type { HistogramSnapshot } from '../../src/metrics/histogram.ts';
import { inspectTsFunction } from '../../src/udf/ts/inspect.ts';
import { tsUdfBackendFactory } from '../../src/udf/ts/ts-backend.ts';

const ROWS = Number(process.argv[2] ?? 10_000_000);
const BATCH = Number(process.argv[3] ?? 10_000);
const IN_FLIGHT = Number(process.argv[4] ?? 8);
const THREADS = 2;

const fn = await inspectTsFunction('mul_add_one', fileURLToPath(new URL('./ts-udf-kernels.ts', import.meta.url)), 'mulAddOne');
const metrics = new MetricGroup('bench');
const backend = await tsUdfBackendFactory.open(
  { language: 'typescript', argColumns: [0, 1], steps: [{ fn, args: [{ col: 0 }, { col: 1 }] }], outputs: [0] },
  {
    config: new Configuration({ 'ts.worker.pool-size': String(THREADS), 'ts.fn-execution.max-in-flight': String(Math.ceil(IN_FLIGHT / THREADS)) }),
    baseDir: process.cwd(), signal: new AbortController().signal, metrics, operatorName: 'bench', subtaskIndex: 0, parallelism: 1,
  },
);

// Input batches are built up front so the measurement covers only the UDF path.
const batches = Array.from({ length: Math.ceil(ROWS / BATCH) }, (_, b) => {
  const n = Math.min(BATCH, ROWS - b * BATCH);
  const a = new Float64Array(n), c = new Float64Array(n);
  for (let i = 0; i < n; i++) { a[i] = i * 0.5; c[i] = b + i; }
  return [arrow.makeData({ type: new arrow.Float64(), length: n, data: a }), arrow.makeData({ type: new arrow.Float64(), length: n, data: c })];
});

// Warm-up: JIT the kernel and conversion code in every worker thread.
await Promise.all(batches.slice(0, 32).map((cols) => backend.eval(cols, cols[0].length)));
const warm = (metrics.snapshot()['tsUdfRoundTripMs'] as HistogramSnapshot).count;

let userNs = 0, workerConvNs = 0, bytes = 0, next = 0, checked = 0;
const started = process.hrtime.bigint();
async function lane(): Promise<void> {
  while (next < batches.length) {
    const cols = batches[next++];
    const r = await backend.eval(cols, cols[0].length);
    userNs += r.timings.userNs;
    workerConvNs += r.timings.deserNs + r.timings.serNs;
    bytes += r.bytesSent + r.bytesReceived;
    if (checked++ < 3) {
      const x = cols[0].values[7] * cols[1].values[7] + 1;
      if (r.columns[0].values[7] !== x) throw new Error(`wrong result ${r.columns[0].values[7]} != ${x}`);
    }
  }
}
await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
const wallNs = Number(process.hrtime.bigint() - started);
const rt = metrics.snapshot()['tsUdfRoundTripMs'] as HistogramSnapshot;
await backend.close();

// The worker threads' time budget is wall × threads; what is not user code or Arrow conversion there is spent on
// messaging (postMessage, transfer, task dispatch) or idle waiting for the host (encode/copy, decode, scheduling).
const budget = wallNs * THREADS;
const pct = (ns: number) => `${((100 * ns) / budget).toFixed(1)}%`;
const perBatch = (ns: number) => `${(ns / batches.length / 1000).toFixed(1)} µs`;
console.log(`TS UDF a*b+1: ${ROWS.toLocaleString()} rows, batch ${BATCH}, ${IN_FLIGHT} in flight, ${THREADS} worker threads (${warm} warm-up requests excluded)`);
console.log(`  wall ${(wallNs / 1e9).toFixed(2)} s, ${(ROWS / (wallNs / 1e9) / 1e6).toFixed(2)} M rows/s, ${(bytes / (wallNs / 1e9) / 2 ** 20).toFixed(0)} MiB/s of column buffers moved`);
console.log(`  per batch: user code ${perBatch(userNs)}, worker Arrow conversion ${perBatch(workerConvNs)}, wall per batch ${perBatch(wallNs)}`);
console.log(`  request round trip (incl. queueing behind in-flight requests) p50 ${rt.p50.toFixed(3)} ms, p99 ${rt.p99.toFixed(3)} ms`);
console.log(`  worker thread time: user code ${pct(userNs)}, Arrow conversion ${pct(workerConvNs)}, messaging/transfer/idle ${pct(budget - userNs - workerConvNs)}`);

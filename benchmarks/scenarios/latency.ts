import { TableDescriptor, call, col, currentTimestamp } from '../../src/index.ts';
import type { EngineScenario, RunResult } from '../bench-record.ts';
import { SKIP, inProcess, peerProcess } from '../lib/engines.ts';
import { percentileSorted } from '../lib/stats.ts';
import { TableEnvironment } from '../../src/index.ts';

/** Input rate of the latency scenario, rows per second (benchmarks/peers/pyflink_job.py has the same constant). */
export const LATENCY_RATE = 10_000;
/** Rows stamped in the first second of a run are start-up (Python workers starting), not steady latency. */
const SETTLE_MS = 1_000;

/**
 * End-to-end per-row latency at a fixed input rate with default bundle settings. The rate-limited datagen source
 * emits LATENCY_RATE rows/s (batches of rate/10 rows every 100 ms); the Calc chained right behind it stamps every
 * row with CURRENT_TIMESTAMP (evaluated when the batch leaves the source); the stamp then goes *through* a pandas
 * UDF that returns it unchanged (bench_udfs.py:pass_ts, so the optimizer cannot re-evaluate it after the UDF), and
 * the rows are read by this process (`table.execute()`), where latency = Date.now() − stamp per row. p50/p99 are
 * over rows stamped after the first second; `p99_all_ms` and `max_ms` include the start-up second. Default bundle
 * settings: Weir sends a partial bundle at once while fewer than `python.fn-execution.bundle.eager-in-flight` (2)
 * requests are in flight, so at this rate rows need not wait for `python.fn-execution.bundle.time` (1 s).
 *
 * PyFlink (process mode, its defaults) runs the same pipeline with a datagen limited to the same rate: CURRENT_TIMESTAMP
 * (per row in streaming mode) in the Calc before the pandas UDF, passed through it, and CURRENT_TIMESTAMP again in
 * the Calc chained to the sink; the JVM's print sink writes both per row and pyflink_job.py computes the same
 * percentiles. Its figure ends where the row reaches the sink, Weir's when the client reads it.
 */
export const latency: EngineScenario = {
  name: 'latency',
  description: `end-to-end per-row latency source -> pandas UDF -> client at ${LATENCY_RATE.toLocaleString('en-US')} rows/s, default bundle settings`,
  defaultRows: 50_000,
  warmupRows: () => 10_000,
  engines: {
    weir: inProcess(runWeirLatency),
    'transport-limit': { skip: 'throughput-only baseline (no per-row latency)' },
    'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process' }),
    'pyflink-thread': SKIP.pandasThread,
    pyspark: SKIP.pysparkNone,
  },
};

async function runWeirLatency(rows: number, { udfDir }: { udfDir: string }): Promise<RunResult> {
  const env = TableEnvironment.create({ baseDir: udfDir, name: 'bench-latency' });
  env.createTemporaryTable('src', TableDescriptor.forConnector('datagen')
    .schema({ x: 'DOUBLE' })
    .option('number-of-rows', rows)
    .option('rows-per-second', LATENCY_RATE)
    .option('seed', 5)
    .build());
  await env.createPythonFunction('pass_ts', 'bench_udfs.py:pass_ts');
  const table = env.from('src')
    .select(col('x'), currentTimestamp().as('ts'))
    .select(col('x'), call('pass_ts', col('ts')).as('ts'));
  const stamps = new Float64Array(rows);
  const latencies = new Float64Array(rows);
  let n = 0;
  const started = performance.now();
  for await (const row of table.execute()) {
    const ts = row.values[1] as Date;
    stamps[n] = ts.getTime();
    latencies[n] = Date.now() - stamps[n];
    n++;
  }
  const seconds = (performance.now() - started) / 1000;
  const first = n ? stamps.subarray(0, n).reduce((a, b) => Math.min(a, b)) : 0;
  const steady = Float64Array.from(latencies.subarray(0, n).filter((_, i) => stamps[i] >= first + SETTLE_MS)).sort();
  const all = Float64Array.from(latencies.subarray(0, n)).sort();
  const last = n ? stamps.subarray(0, n).reduce((a, b) => Math.max(a, b)) : 0;
  const spanMs = last - (first + SETTLE_MS);
  return {
    rows: n,
    seconds,
    p50_ms: percentileSorted(steady, 50),
    p99_ms: percentileSorted(steady, 99),
    p99_all_ms: percentileSorted(all, 99),
    max_ms: all[all.length - 1],
    input_rows_per_s: LATENCY_RATE,
    latency_rows: steady.length,
    // the rate the source really delivered after the first second (stamps per second)
    input_rows_per_s_measured: spanMs > 0 ? steady.length / (spanMs / 1000) : null,
  };
}

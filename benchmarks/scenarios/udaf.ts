import type { EngineScenario } from '../bench-record.ts';
import { SKIP, inProcess, peerProcess } from '../lib/engines.ts';
import { runWeirJob } from '../lib/weir-job.ts';

/**
 * Rows per millisecond of event time in pandas-udaf-window (benchmarks/peers/pyflink_job.py has the same constant):
 * 100,000 rows per 1 s window, so each of the 1,000 keys has ~100 rows per window.
 */
export const ROWS_PER_EVENT_MS = 100;
/** Keys of both aggregate scenarios: uniform INTs in [0, KEYS - 1]. */
export const KEYS = 1000;

/**
 * pandas UDAF `mean_udaf(v)` (benchmarks/udfs/bench_udafs.py) per key and 1 s tumbling event-time window. The event
 * time comes from a sequence id (`TO_TIMESTAMP_LTZ(id / ROWS_PER_EVENT_MS, 3)`, watermark = ts), so every engine
 * and run has the same windows: ceil(rows / 100,000) windows, each with all 1,000 keys (a key is
 * missing from a window with probability ~e^-100), i.e. 1,000 window results per window. Weir writes the window as the
 * TUMBLE table function; PyFlink as the legacy `GROUP BY TUMBLE(ts, ...)`, the only form its streaming planner runs
 * pandas UDAFs in (the TVF form is refused: "Pandas UDAFs are not supported in streaming mode currently").
 */
export const pandasUdafWindow: EngineScenario = {
  name: 'pandas-udaf-window',
  description: `pandas UDAF mean(v) per key (${KEYS.toLocaleString('en-US')} keys) and 1 s tumbling event-time window (${(ROWS_PER_EVENT_MS * 1000).toLocaleString('en-US')} rows per window), datagen -> window agg -> blackhole`,
  // 10 windows: enough that firings happen while input flows, and that the run is not mostly job start-up.
  defaultRows: 1_000_000,
  engines: {
    weir: inProcess((rows, { udfDir }) => runWeirJob({
      name: 'pandas-udaf-window', udfDir, rows, udf: 'mean_udaf',
      async build(env) {
        await env.executeSql(`CREATE TEMPORARY TABLE src (id BIGINT, k INT, v DOUBLE,
            ts AS TO_TIMESTAMP_LTZ(id / ${ROWS_PER_EVENT_MS}, 3), WATERMARK FOR ts AS ts)
          WITH (${datagenOptions(rows, 13, { 'fields.id.kind': 'sequence', 'fields.id.start': 0, 'fields.id.end': rows - 1, 'fields.v.min': 0, 'fields.v.max': 1000 })})`);
        await env.executeSql("CREATE TEMPORARY TABLE sink (k INT, w TIMESTAMP(3), m DOUBLE) WITH ('connector' = 'blackhole')");
        await env.createPythonFunction('mean_udaf', 'bench_udafs.py:mean_udaf');
        return env.sqlQuery(`SELECT k, window_start, mean_udaf(v) FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '1' SECOND))
          GROUP BY k, window_start, window_end`);
      },
    })),
    'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process' }),
    'pyflink-thread': SKIP.udafThread,
    pyspark: SKIP.pysparkNone,
  },
};

/**
 * General (accumulator) UDAF `weighted_avg(v, w)` (PyFlink's weighted-average example, bench_udafs.py) in a
 * non-windowed streaming `GROUP BY k` over 1,000 keys: an updating result (-U/+U per changed key) into a blackhole.
 * v: BIGINT in [0, 100], w: BIGINT in [1, 10]. How many changes an engine emits depends on its batching (Weir
 * folds a batch per key; PyFlink without mini-batch emits per row), so only the final result per key is comparable.
 */
export const generalUdafGroupby: EngineScenario = {
  name: 'general-udaf-groupby',
  description: `row-at-a-time UDAF weighted_avg(v, w) GROUP BY k (${KEYS.toLocaleString('en-US')} keys, updating), datagen -> agg -> blackhole`,
  defaultRows: 40_000,
  engines: {
    weir: inProcess((rows, { udfDir }) => runWeirJob({
      name: 'general-udaf-groupby', udfDir, rows, udf: 'weighted_avg',
      async build(env) {
        await env.executeSql(`CREATE TEMPORARY TABLE src (k INT, v BIGINT, w BIGINT)
          WITH (${datagenOptions(rows, 17, { 'fields.v.min': 0, 'fields.v.max': 100, 'fields.w.min': 1, 'fields.w.max': 10 })})`);
        await env.executeSql("CREATE TEMPORARY TABLE sink (k INT, m DOUBLE) WITH ('connector' = 'blackhole')");
        await env.createPythonFunction('weighted_avg', 'bench_udafs.py:weighted_avg');
        return env.sqlQuery('SELECT k, weighted_avg(v, w) FROM src GROUP BY k');
      },
    })),
    'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process' }),
    'pyflink-thread': SKIP.udafThread,
    pyspark: SKIP.pysparkNone,
  },
};

/** WITH options of a seeded, unthrottled datagen table of `rows` rows with a key column `k` in [0, KEYS - 1]. */
function datagenOptions(rows: number, seed: number, fields: Record<string, string | number>): string {
  const options = {
    connector: 'datagen', 'number-of-rows': rows, 'rows-per-second': 1e12, seed,
    'fields.k.min': 0, 'fields.k.max': KEYS - 1, ...fields,
  };
  return Object.entries(options).map(([k, v]) => `'${k}' = '${v}'`).join(', ');
}

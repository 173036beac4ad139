import { TableEnvironment } from '../../src/index.ts';
import type { BenchRecord, Scenario, ScenarioOptions } from '../bench-record.ts';

/**
 * Window aggregation throughput: `SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v) FROM
 * TABLE(TUMBLE | HOP | CUMULATE(...)) GROUP BY k, window_start, window_end` into blackhole, over N datagen rows one
 * millisecond apart (event time, watermark 1 s behind) and 1000 keys, at parallelism 1; beside it the same rows
 * through a plain `GROUP BY k` (the baseline: same state work without windows).
 */
export const windowAggregate: Scenario = {
  name: 'window-aggregate',
  description: 'TUMBLE(10 s), HOP(2 s, 10 s) and CUMULATE(2 s, 10 s) window aggregation by 1000 keys vs a plain GROUP BY, datagen -> blackhole',
  defaultRows: 2_000_000,
  async run({ rows }: ScenarioOptions): Promise<BenchRecord[]> {
    const out: BenchRecord[] = [];
    for (const engine of ['weir-tumble', 'weir-hop', 'weir-cumulate', 'weir-groupby'] as const) out.push(await runWeir(rows, engine));
    return out;
  },
};

const QUERIES = {
  'weir-tumble': "INSERT INTO sink SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v) FROM TABLE(TUMBLE(TABLE src, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end",
  'weir-hop': "INSERT INTO sink SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v) FROM TABLE(HOP(TABLE src, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end",
  'weir-cumulate': "INSERT INTO sink SELECT k, window_start, window_end, COUNT(*), SUM(v), MAX(v) FROM TABLE(CUMULATE(TABLE src, DESCRIPTOR(ts), INTERVAL '2' SECOND, INTERVAL '10' SECOND)) GROUP BY k, window_start, window_end",
  'weir-groupby': 'INSERT INTO plain SELECT k, COUNT(*), SUM(v), MAX(v) FROM src GROUP BY k',
};

async function runWeir(rows: number, engine: keyof typeof QUERIES): Promise<BenchRecord> {
  const env = TableEnvironment.create({ name: `bench-${engine}`, config: { 'table.exec.batch-size': 8192 } });
  await env.executeSql(`CREATE TABLE src (id BIGINT, k BIGINT, v DOUBLE, ts AS TO_TIMESTAMP_LTZ(id, 3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}', 'rows-per-second' = '1000000000000', 'seed' = '7',
          'fields.id.kind' = 'sequence', 'fields.id.start' = '0', 'fields.id.end' = '${rows - 1}', 'fields.k.min' = '0', 'fields.k.max' = '999')`);
  await env.executeSql("CREATE TABLE sink (k BIGINT, ws TIMESTAMP(3), we TIMESTAMP(3), c BIGINT, s DOUBLE, m DOUBLE) WITH ('connector' = 'blackhole')");
  await env.executeSql("CREATE TABLE plain (k BIGINT, c BIGINT, s DOUBLE, m DOUBLE) WITH ('connector' = 'blackhole')");
  const started = process.hrtime.bigint();
  const result = await env.executeSql(QUERIES[engine]);
  if (result.kind !== 'insert') throw new Error(`expected an INSERT job, got ${result.kind}`);
  await result.job.done();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { scenario: 'window-aggregate', engine, rows, seconds, rows_per_s: rows / seconds, p50_ms: null, p99_ms: null, keys: 1000 };
}

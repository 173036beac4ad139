/**
 * The fault-injection job, run by `weir run` (test/checkpoint/fault-injection/harness.ts starts it, kills it and
 * restores it): datagen (event time, watermarks) → a TS scalar UDF (piscina worker threads to kill) → three
 * filesystem sinks, exactly-once with checkpoints (each INSERT reads the source on its own):
 * - `rows`: every row with a pandas scalar UDF's result (stateless; Python worker processes to kill);
 * - `windows`: an event-time TUMBLE window aggregation with a general Python UDAF and COUNT;
 * - `groups`: a keyed, non-windowed GROUP BY with COUNT and SUM, its updating result written as a Debezium JSON
 *   changelog (`format = 'debezium-json'`; the harness folds it into the final table).
 *
 * Environment: WEIR_FI_OUT (sink directories), WEIR_FI_CHK (state.checkpoints.dir), WEIR_FI_UDF (the die-at-row
 * UDF's directory), WEIR_FI_ROWS, WEIR_FI_RATE (rows per second), WEIR_FI_DONE (file written when the job is done).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TableEnvironment } from '../../../src/index.ts';

const env = (name: string): string => {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const out = env('WEIR_FI_OUT');
const udf = env('WEIR_FI_UDF');
const rows = Number(env('WEIR_FI_ROWS'));

const tableEnv = TableEnvironment.create({
  baseDir: join(import.meta.dirname, '..', '..', 'fixtures'),
  config: {
    'parallelism.default': '2', 'table.exec.batch-size': '100', 'taskmanager.network.buffers-per-channel': '2',
    'python.worker.pool-size': '1', 'python.fn-execution.bundle.time': '20 ms', 'python.fn-execution.arrow.batch.size': '100',
    'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1',
    'execution.checkpointing.interval': '100 ms', 'state.checkpoints.dir': env('WEIR_FI_CHK'),
    'state.checkpoints.num-retained': '1',
    'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': '20', 'restart-strategy.fixed-delay.delay': '0 ms',
  },
});
await tableEnv.createPythonFunction('scramble', 'udfs/fault_injection.py:scramble');
await tableEnv.createPythonFunction('sum_of_squares', 'udfs/fault_injection.py:sum_of_squares');
await tableEnv.createTypeScriptFunction('die_at_row', 'ts-udfs/die-at-row.ts', 'dieAtRow');

await tableEnv.executeSql(`CREATE TABLE src (id BIGINT, v BIGINT, ts AS TO_TIMESTAMP_LTZ(id, 3), WATERMARK FOR ts AS ts)
  WITH ('connector' = 'datagen', 'number-of-rows' = '${rows}', 'rows-per-second' = '${env('WEIR_FI_RATE')}', 'seed' = '17',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${rows}', 'fields.v.min' = '0', 'fields.v.max' = '100000')`);
await tableEnv.executeSql(`CREATE TEMPORARY VIEW mixed AS
  SELECT die_at_row(id, '${udf}') AS id, v, ts FROM src`);
await tableEnv.executeSql(`CREATE TABLE \`rows\` (id BIGINT, v BIGINT, sv BIGINT)
  WITH ('connector' = 'filesystem', 'path' = '${join(out, 'rows')}', 'format' = 'csv')`);
await tableEnv.executeSql(`CREATE TABLE windows (k BIGINT, ws TIMESTAMP(3), n BIGINT, sq STRING)
  WITH ('connector' = 'filesystem', 'path' = '${join(out, 'windows')}', 'format' = 'csv')`);
await tableEnv.executeSql(`CREATE TABLE \`groups\` (k BIGINT, n BIGINT, s BIGINT)
  WITH ('connector' = 'filesystem', 'path' = '${join(out, 'groups')}', 'format' = 'debezium-json')`);
const result = await tableEnv.executeSql(`EXECUTE STATEMENT SET BEGIN
  INSERT INTO \`rows\` SELECT id, v, scramble(v) FROM mixed;
  INSERT INTO windows SELECT k, window_start, COUNT(*), sum_of_squares(v)
    FROM TABLE(TUMBLE(TABLE (SELECT id % 4 AS k, v, ts FROM mixed), DESCRIPTOR(ts), INTERVAL '0.1' SECOND))
    GROUP BY k, window_start, window_end;
  INSERT INTO \`groups\` SELECT k, COUNT(*), SUM(v) FROM (SELECT v % 500 AS k, v FROM mixed) GROUP BY k;
END`);
if (result.kind !== 'insert') throw new Error('the statement set did not start a job');
const done = await result.job.done();
writeFileSync(env('WEIR_FI_DONE'), JSON.stringify({ status: done.status, at: Date.now(), checkpoints: done.metrics.checkpoints ?? null }));
if (done.status !== 'FINISHED') process.exitCode = 1;

import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TableEnvironment, type JobResult } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { committedRows, failOnceDir, recoverOnceConfig } from './helpers.ts';

const ROWS = 12_000;

/**
 * An event-time window aggregation (keyed window state and event-time timers in checkpoints) restarted after an
 * injected failure: the committed window results equal an uninterrupted run's exactly.
 */
describe('window aggregation recovery', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-window-recovery-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('fires every window once, with the same results, after a restart from a checkpoint', async () => {
    const reference = await run(join(dir, 'reference'), 'plain');
    assert.equal(reference.status, 'FINISHED');
    const expected = committedRows(join(dir, 'reference', 'out'));
    assert.equal(expected.length, (ROWS / 100) * 4 + 1); // the last window, [12000, 12100), holds id 12000 only

    const recovered = await run(join(dir, 'failure'), 'fail');
    assert.equal(recovered.status, 'FINISHED');
    assert.ok(existsSync(join(dir, 'failure', 'udf', 'fired')), 'the injected failure happened');
    assert.equal(recovered.metrics.checkpoints!.restarts, 1);
    assert.deepEqual(committedRows(join(dir, 'failure', 'out')), expected);
  });

  /** ids 1..ROWS as milliseconds: 100 ms tumbling windows per key k (4 keys), each with 25 rows. `plain`: no UDF. */
  async function run(work: string, mode: 'plain' | 'fail'): Promise<JobResult> {
    const udf = failOnceDir(work, mode !== 'plain');
    const env = TableEnvironment.create({
      baseDir: FIXTURES,
      config: {
        'parallelism.default': '2', 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
        'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1', 'python.fn-execution.bundle.time': '20 ms',
        'python.fn-execution.arrow.batch.size': '200',
        ...(mode === 'fail' ? recoverOnceConfig(udf) : {}),
      },
    });
    await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
    await env.executeSql(`CREATE TABLE src (id BIGINT, v BIGINT, ts AS TO_TIMESTAMP_LTZ(id, 3), WATERMARK FOR ts AS ts)
      WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}', 'rows-per-second' = '1e12', 'seed' = '9',
      'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${ROWS}', 'fields.v.min' = '0', 'fields.v.max' = '1000')`);
    await env.executeSql(`CREATE TABLE out (k BIGINT, ws TIMESTAMP(3), n BIGINT, total BIGINT)
      WITH ('connector' = 'filesystem', 'path' = '${join(work, 'out')}', 'format' = 'csv')`);
    const result = await env.executeSql(`INSERT INTO out
      SELECT k, window_start, COUNT(*), SUM(v)
      FROM TABLE(TUMBLE(TABLE (SELECT ${mode === 'plain' ? 'id' : `fail_once(id, '${udf}')`} % 4 AS k, v, ts FROM src), DESCRIPTOR(ts), INTERVAL '0.1' SECOND))
      GROUP BY k, window_start, window_end`);
    assert.equal(result.kind, 'insert');
    return (result as { job: { done(): Promise<JobResult> } }).job.done();
  }
});

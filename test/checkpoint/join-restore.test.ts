import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableEnvironment, type JobClient } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { checkpointWithOutput, committedRows, waitFor } from './helpers.ts';

/**
 * A regular (unbounded) inner join's two sides survive a savepoint and a restore at another parallelism, with
 * incremental checkpoints (the default) writing the join's map state as deltas: orders stream through the fail-once
 * UDF (held until a checkpoint with output exists, then stopped with a savepoint), customers are a small file read
 * at once. After the restore at parallelism 2 the remaining orders can only find their customers in restored state;
 * a customer listed twice must join twice (the row count kept per stored row). The committed output equals an
 * uninterrupted run's.
 */
describe('regular join state across a savepoint and a rescale', () => {
  let dir: string;
  let expected: string[];
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-join-restore-'));
    mkdirSync(join(dir, 'orders'));
    mkdirSync(join(dir, 'customers'));
    const customers: [number, string][] = [];
    for (let c = 0; c < 200; c++) customers.push([c, `name${c}`]);
    for (let c = 0; c < 50; c++) customers.push([c, `name${c}`]); // listed twice: joins twice
    writeFileSync(join(dir, 'customers', 'c.csv'), `${customers.map((r) => r.join(',')).join('\n')}\n`);
    expected = [];
    // Enough orders that the fail-once UDF cannot let them all through before the customers are read, however slow
    // the machine (it slows down call by call until a checkpoint holds output).
    for (let f = 0; f < 4; f++) {
      const orders = Array.from({ length: 4000 }, (_, i) => [(f * 7919 + i * 131) % 300, f * 4000 + i]);
      writeFileSync(join(dir, 'orders', `part-${f}.csv`), `${orders.map((r) => r.join(',')).join('\n')}\n`);
      for (const [k, seq] of orders) for (const [c, name] of customers) if (c === k) expected.push(`${seq},${k},${name}`);
    }
    expected.sort();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('restored at parallelism 2 from a savepoint taken at 1, the join commits exactly the uninterrupted output', async () => {
    const out = join(dir, 'out');
    const first = await start(out, 1, 's1', null, 'hold');
    await waitFor(() => checkpointWithOutput(join(out, 's1', 'chk')));
    const savepoint = await first.stopWithSavepoint(join(dir, 'savepoints'));
    assert.equal((await first.done()).status, 'CANCELED');
    const before = committedRows(join(out, 'joined')).length;
    assert.ok(before > 0 && before < expected.length, `the savepoint falls mid-stream (${before} of ${expected.length} rows)`);

    const second = await start(out, 2, 's2', savepoint, 'fired');
    const result = await second.done();
    assert.equal(result.status, 'FINISHED');
    assert.equal(result.metrics.checkpoints!.lastRestore!.path, savepoint);
    assert.deepEqual(committedRows(join(out, 'joined')), expected);
  });

  async function start(out: string, parallelism: number, stage: string, restore: string | null, mode: 'hold' | 'fired'): Promise<JobClient> {
    const udf = join(out, stage);
    mkdirSync(udf, { recursive: true });
    writeFileSync(join(udf, mode), '');
    const env = TableEnvironment.create({
      baseDir: FIXTURES,
      config: {
        'parallelism.default': String(parallelism), 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
        'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1', 'execution.checkpointing.interval': '30 ms',
        'restart-strategy.type': 'none', 'state.checkpoints.dir': join(udf, 'chk'),
        ...(restore ? { 'execution.savepoint.path': restore } : {}),
      },
    });
    await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
    await env.executeSql(`CREATE TABLE orders (k BIGINT, seq BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'orders')}', 'format' = 'csv')`);
    await env.executeSql(`CREATE TABLE customers (c BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'customers')}', 'format' = 'csv')`);
    await env.executeSql(`CREATE TABLE joined (seq BIGINT, k BIGINT, name STRING) WITH ('connector' = 'filesystem', 'path' = '${join(out, 'joined')}', 'format' = 'csv')`);
    const result = await env.executeSql(`INSERT INTO joined
      SELECT o.seq, o.k, c.name FROM (SELECT fail_once(k, '${udf}') AS k, seq FROM orders) o JOIN customers c ON o.k = c.c`);
    assert.equal(result.kind, 'insert');
    return (result as { job: JobClient }).job;
  }
});

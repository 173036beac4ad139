import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readManifest } from '../../src/checkpoint/checkpoint-storage.ts';
import { TableEnvironment, type JobClient } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { checkpointWithOutput, committedRows, waitFor } from './helpers.ts';

/**
 * Savepoints and rescaling through key groups: a job reading CSV files into a keyed GROUP BY and a stateless pipeline
 * (two INSERTs, each with its own source) is stopped with a savepoint at parallelism 1, started from it at
 * parallelism 2, stopped with a savepoint again, and started from that at parallelism 1 to the end. Keyed state and
 * file positions move between subtasks; the committed output equals an uninterrupted run's exactly. The fail-once
 * UDF in `hold` mode keeps each stage from ending before the test stops it (after a checkpoint with output).
 */
describe('savepoints and restore at another parallelism', () => {
  let dir: string;
  /** The output of an uninterrupted run: every input row, and each key group once. */
  const expected: { raw: string[]; uniq: string[] } = { raw: [], uniq: [] };
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-rescale-'));
    mkdirSync(join(dir, 'input'));
    const keys = new Set<number>();
    for (let f = 0; f < 4; f++) {
      const rows = Array.from({ length: 1500 }, (_, i) => [(f * 7919 + i * 104729) % 100_000, f * 1500 + i]);
      writeFileSync(join(dir, 'input', `part-${f}.csv`), `${rows.map((r) => r.join(',')).join('\n')}\n`);
      for (const [k] of rows) keys.add(k % 2000);
      expected.raw.push(...rows.map((r) => r.join(',')));
    }
    expected.raw.sort();
    expected.uniq = [...keys].map(String).sort();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('1 → 2 → 1 through savepoints gives the output of an uninterrupted run', async () => {
    const out = join(dir, 'out');
    const savepoints = join(dir, 'savepoints');
    const first = await start(out, 1, 's1', null, 'hold');
    await waitFor(() => checkpointWithOutput(join(out, 's1', 'chk')));
    const sp1 = await first.stopWithSavepoint(savepoints);
    assert.equal((await first.done()).status, 'CANCELED');
    assert.equal(readManifest(sp1).kind, 'savepoint');
    assert.match(sp1, /savepoint-[0-9a-f]{6}-[0-9a-f]{12}$/);

    // Few new keys reach the GROUP BY after the restore (most were seen before): wait for output of the raw sink only.
    const second = await start(out, 2, 's2', sp1, 'hold', 'raw');
    await waitFor(() => checkpointWithOutput(join(out, 's2', 'chk'), 'raw'));
    const sp2 = await second.stopWithSavepoint(savepoints);
    assert.equal((await second.done()).status, 'CANCELED');
    assert.deepEqual(readdirSync(savepoints).sort(), [sp1, sp2].map((p) => p.slice(savepoints.length + 1)).sort());

    const last = await start(out, 1, 's3', sp2, 'fired');
    const result = await last.done();
    assert.equal(result.status, 'FINISHED');
    assert.equal(result.metrics.checkpoints!.lastRestore!.path, sp2);
    assert.deepEqual({ raw: committedRows(join(out, 'raw')), uniq: committedRows(join(out, 'uniq')) }, expected);
  });

  it('a job without checkpointing cannot take a savepoint', async () => {
    const env = TableEnvironment.create();
    const job = env.fromValues([[1]], { a: 'INT' }).executeInsert(
      (await import('../../src/index.ts')).TableDescriptor.forConnector('blackhole').schema({ a: 'INT' }).build());
    await assert.rejects(job.savepoint(join(dir, 'nowhere')), (e: { code?: string; message: string }) =>
      e.code === 'CHECKPOINT_FAILED' && /checkpointing is off/.test(e.message));
    await job.done();
    assert.equal(existsSync(join(dir, 'nowhere')), false);
  });

  /** Starts a stage: its UDF directory `<out>/<stage>` gets the mode file (and `require` file), checkpoints go into it. */
  async function start(out: string, parallelism: number, stage: string, restore: string | null, mode: 'hold' | 'fired', require?: string): Promise<JobClient> {
    const udf = join(out, stage);
    mkdirSync(udf, { recursive: true });
    writeFileSync(join(udf, mode), '');
    if (require) writeFileSync(join(udf, 'require'), require);
    const env = TableEnvironment.create({
      baseDir: FIXTURES,
      config: {
        'parallelism.default': String(parallelism), 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
        'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1', 'python.fn-execution.bundle.time': '5 ms',
        'python.fn-execution.arrow.batch.size': '200', 'execution.checkpointing.interval': '30 ms',
        'state.checkpoints.dir': join(udf, 'chk'), ...(restore ? { 'execution.savepoint.path': restore } : {}),
      },
    });
    await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
    await env.executeSql(`CREATE TABLE src (k BIGINT, seq BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'input')}', 'format' = 'csv')`);
    await env.executeSql(`CREATE TABLE raw (k BIGINT, seq BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(out, 'raw')}', 'format' = 'csv')`);
    await env.executeSql(`CREATE TABLE uniq (g BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(out, 'uniq')}', 'format' = 'csv')`);
    const result = await env.executeSql(`EXECUTE STATEMENT SET BEGIN
      INSERT INTO raw SELECT fail_once(k, '${udf}'), seq FROM src;
      INSERT INTO uniq SELECT g FROM (SELECT fail_once(k, '${udf}') % 2000 AS g FROM src) GROUP BY g;
    END`);
    assert.equal(result.kind, 'insert');
    return (result as { job: JobClient }).job;
  }
});

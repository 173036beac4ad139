import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableEnvironment, type JobClient } from '../../src/index.ts';
import { jobTag } from '../../src/connectors/filesystem/sink.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { checkpointWithOutput, committedRows, waitFor } from './helpers.ts';

/** The fail-once UDF: pass through (reference), hold the job back, pass through (fired) or fail once (armed). */
type Mode = 'reference' | 'hold' | 'fired' | 'armed';

/**
 * A generated table, the query that reads it into its sink `out_<name>` (`{key}`: its BIGINT key, which goes through
 * the fail-once UDF), the sink's columns, and the key.
 */
interface Source { readonly name: string; readonly ddl: string; readonly select: string; readonly columns: string; readonly key: string }

const DATAGEN: Source = {
  name: 'datagen',
  ddl: `CREATE TABLE gen (id BIGINT, x DOUBLE, s STRING, n INT) WITH ('connector' = 'datagen', 'number-of-rows' = '5000',
    'rows-per-second' = '1e12', 'seed' = '11', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '100000',
    'fields.s.length' = '6', 'fields.n.null-rate' = '0.2')`,
  select: 'SELECT {key}, x, s, n FROM gen',
  columns: 'k BIGINT, x DOUBLE, s STRING, n INT',
  key: 'id',
};

const NEXMARK: Source = {
  name: 'nexmark',
  ddl: `CREATE TABLE nx (event_type INT, person ROW<id BIGINT, name STRING>, auction ROW<id BIGINT, seller BIGINT>,
    bid ROW<auction BIGINT, bidder BIGINT, price BIGINT>) WITH ('connector' = 'nexmark', 'events.num' = '5000', 'events-per-second' = '1000')`,
  select: 'SELECT event_type, {key}, person.name, auction.seller, bid.auction, bid.bidder FROM nx',
  columns: 'event_type INT, k BIGINT, name STRING, seller BIGINT, auction BIGINT, bidder BIGINT',
  key: 'COALESCE(bid.price, person.id, auction.id)',
};

/**
 * Replayable generated sources restored at another parallelism through savepoints: datagen (bounded, seeded) and
 * nexmark are stopped with a savepoint mid-stream and restored at a different parallelism; the committed output
 * equals an uninterrupted run's. The fail-once UDF in `hold` mode keeps a stage from ending before the test stops it.
 * Also: a restore deletes the hidden in-progress files of the job it restores (and none of another job's).
 */
describe('generated sources restored at another parallelism', () => {
  let dir: string;
  before(() => { dir = mkdtempSync(join(tmpdir(), 'weir-rescale-sources-')); });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('datagen and nexmark: 1 → 2 → 1 and 2 → 3 through savepoints give the output of an uninterrupted run', async () => {
    const work = join(dir, 'rescale');
    const both = [DATAGEN, NEXMARK];
    const reference = await start(work, both, 1, 'reference', 'ref', null);
    assert.equal((await reference.done()).status, 'FINISHED');
    const expected = outputs(join(work, 'ref'));
    assert.deepEqual([expected.datagen.length, expected.nexmark.length], [5000, 5000]);

    const a1 = await start(work, both, 1, 'hold', 'a1', null, 'a');
    const sp1 = await savepointWithOutput(a1, join(work, 'a1'));
    const a2 = await start(work, both, 2, 'hold', 'a2', sp1, 'a');
    const sp2 = await savepointWithOutput(a2, join(work, 'a2'));
    const a3 = await start(work, both, 1, 'fired', 'a3', sp2, 'a');
    assert.equal((await a3.done()).status, 'FINISHED');
    assert.deepEqual(outputs(join(work, 'a')), expected);

    const b1 = await start(work, both, 2, 'hold', 'b1', null, 'b');
    const sp3 = await savepointWithOutput(b1, join(work, 'b1'));
    const b2 = await start(work, both, 3, 'fired', 'b2', sp3, 'b');
    assert.equal((await b2.done()).status, 'FINISHED');
    assert.deepEqual(outputs(join(work, 'b')), expected);
  });

  it('a restore and a restart delete the in-progress files their job left, not those of another job; none are left when it finishes', async () => {
    const work = join(dir, 'orphans');
    const first = await start(work, [DATAGEN], 2, 'hold', 'c1', null);
    await waitFor(() => checkpointWithOutput(join(work, 'c1', 'chk')));
    const firstJob = first.jobId;
    await first.cancel();
    assert.equal((await first.done()).status, 'CANCELED');
    // What a killed writer of the cancelled job would leave (no close() ran), and files of other writers.
    const out = join(work, 'c1', 'datagen');
    const orphan = `.part-${jobTag(firstJob)}-0badc0de-1-9.csv.inprogress`;
    const otherJob = `.part-${'f'.repeat(12)}-cafebabe-0-0.csv.inprogress`;
    const legacy = '.part-cafebabe-0-0.csv.inprogress';
    for (const f of [orphan, otherJob, legacy]) writeFileSync(join(out, f), '1,2,3,4\n');
    const expected = committedRows(out).length;
    assert.ok(expected > 0);

    // The restored job fails once after a checkpoint with output and restarts from it, then finishes.
    const second = await start(work, [DATAGEN], 1, 'armed', 'c2', join(work, 'c1', 'chk'), 'c1');
    const result = await second.done();
    assert.equal(result.status, 'FINISHED');
    assert.equal(result.metrics.checkpoints!.restarts, 1);
    const hidden = readdirSync(out).filter((f) => f.startsWith('.')).sort();
    assert.deepEqual(hidden, [otherJob, legacy].sort());
    assert.equal(committedRows(out).length, 5000);
  });

  /** Waits for a completed checkpoint with output under `<stage>/chk`, then stops the job with a savepoint. */
  async function savepointWithOutput(job: JobClient, stage: string): Promise<string> {
    await waitFor(() => checkpointWithOutput(join(stage, 'chk')));
    const path = await job.stopWithSavepoint(join(stage, 'savepoints'));
    assert.equal((await job.done()).status, 'CANCELED');
    return path;
  }

  /** The committed rows of each source's sink under `<work>/<output>`. */
  function outputs(root: string): { datagen: string[]; nexmark: string[] } {
    return { datagen: committedRows(join(root, 'datagen')), nexmark: committedRows(join(root, 'nexmark')) };
  }

  /**
   * Starts a stage `<work>/<stage>` (its fail-once UDF directory and checkpoints): one INSERT per source, each into
   * `<work>/<output>/<source name>` (output default: the stage's directory), restored from `restore` when given.
   */
  async function start(work: string, sources: readonly Source[], parallelism: number, mode: Mode, stage: string, restore: string | null, output = stage): Promise<JobClient> {
    const udf = join(work, stage);
    mkdirSync(udf, { recursive: true });
    if (mode !== 'reference' && mode !== 'armed') writeFileSync(join(udf, mode), '');
    const env = TableEnvironment.create({
      baseDir: FIXTURES,
      config: {
        'parallelism.default': String(parallelism), 'table.exec.batch-size': '100', 'taskmanager.network.buffers-per-channel': '2',
        'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1', 'python.fn-execution.bundle.time': '5 ms',
        'python.fn-execution.arrow.batch.size': '100', 'execution.checkpointing.interval': '30 ms',
        'state.checkpoints.dir': join(udf, 'chk'), ...(restore ? { 'execution.savepoint.path': restore } : {}),
        ...(mode === 'armed' ? { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': '1', 'restart-strategy.fixed-delay.delay': '0 ms' } : {}),
      },
    });
    await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
    const inserts: string[] = [];
    for (const source of sources) {
      await env.executeSql(source.ddl);
      await env.executeSql(`CREATE TABLE out_${source.name} (${source.columns}) WITH ('connector' = 'filesystem', 'path' = '${join(work, output, source.name)}', 'format' = 'csv')`);
      const key = mode === 'reference' ? source.key : `fail_once(${source.key}, '${udf}')`;
      inserts.push(`INSERT INTO out_${source.name} ${source.select.replace('{key}', key)};`);
    }
    const result = await env.executeSql(`EXECUTE STATEMENT SET BEGIN ${inserts.join('\n')} END`);
    assert.equal(result.kind, 'insert');
    return (result as { job: JobClient }).job;
  }
});

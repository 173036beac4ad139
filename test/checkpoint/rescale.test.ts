import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableEnvironment, type JobResult } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';

/**
 * Rescaling through key groups: a job reading CSV files into a keyed GROUP BY and a stateless pipeline (two INSERTs,
 * each with its own source, held back by the fail-once UDF until a checkpoint with output completed) fails (an
 * injected UDF exception after a checkpoint with output) at parallelism 1, is restored from its checkpoint at
 * parallelism 2, fails again, and is restored at parallelism 1 to the end. Keyed state and file positions move
 * between subtasks; the committed output equals an uninterrupted run's exactly.
 */
describe('restore at another parallelism', () => {
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

  it('1 → 2 → 1 gives the output of an uninterrupted run', async () => {
    const out = join(dir, 'rescaled');
    await assert.rejects(run(out, 1, { 'state.checkpoints.dir': join(out, 's1', 'chk') }, join(out, 's1')), /injected failure/);
    // Few new keys reach the GROUP BY after the restore (most were seen before): the second failure waits for output
    // of the raw sink only.
    mkdirSync(join(out, 's2'), { recursive: true });
    writeFileSync(join(out, 's2', 'require'), 'raw');
    await assert.rejects(run(out, 2, { 'state.checkpoints.dir': join(out, 's2', 'chk'), 'execution.savepoint.path': join(out, 's1', 'chk') }, join(out, 's2')), /injected failure/);
    const last = await run(out, 1, { 'state.checkpoints.dir': join(out, 's3', 'chk'), 'execution.savepoint.path': join(out, 's2', 'chk') }, 'none');
    assert.equal(last.status, 'FINISHED');
    assert.ok(last.metrics.checkpoints!.lastRestore!.path.startsWith(join(out, 's2', 'chk')));
    assert.deepEqual(committed(out), expected);
  });

  /** Runs the job; `failIn` is the fail-once UDF's directory ('none': it never fails). */
  async function run(out: string, parallelism: number, config: Record<string, string>, failIn: string): Promise<JobResult> {
    if (failIn === 'none') failIn = join(out, 'never');
    mkdirSync(failIn, { recursive: true });
    if (failIn.endsWith('never')) writeFileSync(join(failIn, 'fired'), '');
    const env = TableEnvironment.create({
      baseDir: FIXTURES,
      config: {
        'parallelism.default': String(parallelism), 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
        'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1', 'python.fn-execution.bundle.time': '5 ms',
        'python.fn-execution.arrow.batch.size': '200', 'execution.checkpointing.interval': '30 ms', ...config,
      },
    });
    await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
    await env.executeSql(`CREATE TABLE src (k BIGINT, seq BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(dir, 'input')}', 'format' = 'csv')`);
    await env.executeSql(`CREATE TABLE raw (k BIGINT, seq BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(out, 'raw')}', 'format' = 'csv')`);
    await env.executeSql(`CREATE TABLE uniq (g BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(out, 'uniq')}', 'format' = 'csv')`);
    const result = await env.executeSql(`EXECUTE STATEMENT SET BEGIN
      INSERT INTO raw SELECT fail_once(k, '${failIn}'), seq FROM src;
      INSERT INTO uniq SELECT g FROM (SELECT fail_once(k, '${failIn}') % 2000 AS g FROM src) GROUP BY g;
    END`);
    assert.equal(result.kind, 'insert');
    return (result as { job: { done(): Promise<JobResult> } }).job.done();
  }
});

function committed(work: string): { raw: string[]; uniq: string[] } {
  const read = (d: string) => (existsSync(d) ? readdirSync(d) : []).filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(d, f), 'utf8').split('\n').filter(Boolean)).sort();
  return { raw: read(join(work, 'raw')), uniq: read(join(work, 'uniq')) };
}

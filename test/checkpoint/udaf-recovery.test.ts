import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { WeirError } from '../../src/errors/weir-error.ts';
import { TableEnvironment, type JobClient, type JobResult } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { committedRows, failOnceDir, recoverOnceConfig, waitFor } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CONFIG = {
  'parallelism.default': '2', 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
  'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1', 'python.worker.pool-size': '1',
  'python.fn-execution.bundle.time': '20 ms', 'python.fn-execution.arrow.batch.size': '200',
};

/**
 * UDAF accumulators survive a failure: the job fails once mid-stream, after a checkpoint with output completed
 * (test/fixtures/ts-udfs/fail-once.ts), restarts from it, and the committed output equals a fault-free run's
 * exactly. The sinks are exactly-once, so a source replayed from the start would show as duplicated rows, and a
 * source resumed from its checkpointed position with lost accumulators as wrong aggregates.
 */
describe('UDAF recovery from checkpoints', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-udaf-recovery-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('event-time TUMBLE windows: a Python general UDAF (accumulators) and a pandas UDAF (the windows\' rows)', async () => {
    const reference = await windows(join(dir, 'windows-reference'), 'plain');
    assert.equal(reference.status, 'FINISHED');
    const expected = { general: committedRows(join(dir, 'windows-reference', 'general')), pandas: committedRows(join(dir, 'windows-reference', 'pandas')) };
    assert.equal(expected.general.length, WINDOW_ROWS / 500 * 4 + 1); // 4 keys per 0.5 s window; the last holds id 8000 only
    assert.equal(expected.pandas.length, expected.general.length);

    const work = join(dir, 'windows-failure');
    const recovered = await windows(work, 'fail');
    assert.equal(recovered.status, 'FINISHED');
    assert.ok(existsSync(join(work, 'udf', 'fired')), 'the injected failure happened');
    const cp = recovered.metrics.checkpoints!;
    assert.equal(cp.restarts, 1);
    assert.ok(cp.lastRestore !== null, JSON.stringify(cp));
    assert.deepEqual({ general: committedRows(join(work, 'general')), pandas: committedRows(join(work, 'pandas')) }, expected);
  });

  it('GROUP BY with retraction: a Python general UDAF and a TypeScript aggregateFunction, weir sql with only checkpointing set', async () => {
    const env = TableEnvironment.create({ baseDir: FIXTURES, config: CONFIG });
    const statements = groupStatements(join(dir, 'group-reference'), null);
    for (const statement of statements.slice(1, -1)) await env.executeSql(statement);
    const inner = '(SELECT g, SUM(v) AS s, COUNT(*) AS c FROM (SELECT k % 300 AS g, v FROM src) GROUP BY g)';
    const view = async (call: string): Promise<string[]> => {
      const result = await env.executeSql(`SELECT g % 8, ${call} FROM ${inner} GROUP BY g % 8`);
      assert.equal(result.kind, 'query');
      return (await result.result.materialize()).map((r) => `${r.get(0)}:${Number(r.get(1))}`).sort();
    };
    const expected = { py: await view('weighted_avg(s, c)'), ts: await view('ts_weighted_avg(CAST(s AS DOUBLE), c)') };
    assert.equal(expected.py.length, 8);
    assert.deepEqual(expected.ts, expected.py);

    // The default restart strategy (exponential-delay, as in Flink) recovers the job: only the interval is set.
    const work = join(dir, 'group-failure');
    const udf = failOnceDir(work, true);
    writeFileSync(join(udf, 'require'), 'raw'); // the print sinks have no committables
    const file = join(work, 'job.sql');
    writeFileSync(file, groupStatements(work, udf).map((s) => `${s};\n`).join(''));
    const run = await weirSql([file, ...Object.entries({ ...CONFIG, 'execution.checkpointing.interval': '50 ms', 'state.checkpoints.dir': join(udf, 'chk') }).flatMap(([k, v]) => ['-D', `${k}=${v}`])]);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(existsSync(join(udf, 'fired')), 'the injected failure happened');
    assert.match(run.stderr, /restart 1 in [\d.]+ s from chk-\d+ \(restart-strategy exponential-delay/);
    assert.match(run.stdout, /restarts: 1 \(last: UDF_ERROR: [^)]*injected failure after a completed checkpoint/);
    // The raw rows (k = 1..GROUP_ROWS) are committed exactly once: the source resumed from its checkpointed
    // position, not from the start ...
    const ks = committedRows(join(work, 'raw')).map((line) => Number(line.split(',')[0])).sort((a, b) => a - b);
    assert.deepEqual(ks, Array.from({ length: GROUP_ROWS }, (_, i) => i + 1));
    // ... and the restored aggregates went on from their accumulators: each key was inserted (+I) once, before the
    // failure; after it, its first change retracts (-U) the value the checkpoint held. An aggregate that started over
    // with empty accumulators would insert every key again.
    assert.deepEqual({ py: materializePrinted(run.stdout, 'py'), ts: materializePrinted(run.stdout, 'ts') }, expected);
    for (const id of ['py', 'ts']) {
      const inserts = run.stdout.split('\n').filter((l) => new RegExp(`^${id}(:\\d+)?> \\+I\\[`).test(l)).map((l) => l.slice(l.indexOf('[')).split(',')[0]);
      assert.deepEqual(inserts.sort(), ['[0', '[1', '[2', '[3', '[4', '[5', '[6', '[7'], `${id}: one +I per key`);
    }
  });

  it('refuses to restore accumulators written under another accumulator type (RESTORE_FAILED), and restores the same type', async () => {
    const chk = join(dir, 'versions', 'chk');
    const first = await versionedJob('ts-udfs/aggregates.ts', { 'execution.checkpointing.interval': '50 ms', 'state.checkpoints.dir': chk });
    await waitFor(() => checkpointWithAggregateState(chk), 120_000);
    await first.cancel(); // its checkpoints are retained (RETAIN_ON_CANCELLATION)

    const changed = await versionedJob('ts-udfs/aggregates-v2.ts', { 'execution.savepoint.path': chk, 'restart-strategy.type': 'none' });
    await assert.rejects(changed.done(), (e: WeirError) => e.code === 'RESTORE_FAILED'
      && e.message.includes('ROW<sum DOUBLE, weight BIGINT>') && e.message.includes('ROW<sum DOUBLE, weight BIGINT, rows BIGINT>'));

    const same = await versionedJob('ts-udfs/aggregates.ts', { 'execution.savepoint.path': chk, 'restart-strategy.type': 'none' });
    const result = await same.done();
    assert.equal(result.status, 'FINISHED');
    assert.ok(result.metrics.checkpoints?.lastRestore !== null);
  });
});

const WINDOW_ROWS = 8_000;

/**
 * ids 1..WINDOW_ROWS as milliseconds, 4 keys: 0.5 s tumbling windows of 125 rows per key, so most checkpoints fall
 * inside windows whose accumulators (and, for the pandas UDAF, rows) are in the checkpoint. `plain`: no failure.
 */
async function windows(work: string, mode: 'plain' | 'fail'): Promise<JobResult> {
  const udf = failOnceDir(work, mode === 'fail');
  const env = TableEnvironment.create({ baseDir: FIXTURES, config: { ...CONFIG, ...(mode === 'fail' ? recoverOnceConfig(udf) : {}) } });
  await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
  await env.createPythonFunction('weighted_avg', 'udfs/udafs.py:weighted_avg');
  await env.createPythonFunction('mean_udaf', 'udfs/udafs.py:mean_udaf');
  await env.executeSql(`CREATE TABLE src (id BIGINT, v BIGINT, w BIGINT, ts AS TO_TIMESTAMP_LTZ(id, 3), WATERMARK FOR ts AS ts)
    WITH ('connector' = 'datagen', 'number-of-rows' = '${WINDOW_ROWS}', 'rows-per-second' = '1e12', 'seed' = '13',
    'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '${WINDOW_ROWS}',
    'fields.v.min' = '0', 'fields.v.max' = '1000', 'fields.w.min' = '1', 'fields.w.max' = '9')`);
  await env.executeSql(`CREATE TABLE general (k BIGINT, ws TIMESTAMP(3), n BIGINT, wavg DOUBLE)
    WITH ('connector' = 'filesystem', 'path' = '${join(work, 'general')}', 'format' = 'csv')`);
  await env.executeSql(`CREATE TABLE pandas (k BIGINT, ws TIMESTAMP(3), n BIGINT, mean DOUBLE)
    WITH ('connector' = 'filesystem', 'path' = '${join(work, 'pandas')}', 'format' = 'csv')`);
  const keyed = `(SELECT ${mode === 'plain' ? 'id' : `fail_once(id, '${udf}')`} % 4 AS k, v, w, ts FROM src)`;
  const window = `TABLE(TUMBLE(TABLE ${keyed}, DESCRIPTOR(ts), INTERVAL '0.5' SECOND))`;
  const result = await env.executeSql(`EXECUTE STATEMENT SET BEGIN
    INSERT INTO general SELECT k, window_start, COUNT(*), weighted_avg(v, w) FROM ${window} GROUP BY k, window_start, window_end;
    INSERT INTO pandas SELECT k, window_start, COUNT(*), mean_udaf(CAST(v AS DOUBLE)) FROM ${window} GROUP BY k, window_start, window_end;
  END`);
  assert.equal(result.kind, 'insert');
  return (result as { job: { done(): Promise<JobResult> } }).job.done();
}

const GROUP_ROWS = 8_000;

/**
 * The statements of the GROUP BY job: an inner GROUP BY (its updates are retractions for the outer one) and an outer
 * GROUP BY with a Python general UDAF (`py`) and a TypeScript `aggregateFunction` (`ts`), printed as changelogs; and
 * the raw rows to an exactly-once filesystem sink. `udf`: the fail-once UDF's directory (null: without it).
 */
function groupStatements(out: string, udf: string | null): string[] {
  const key = udf === null ? 'k' : `fail_once(k, '${udf}')`;
  const inner = `(SELECT g, SUM(v) AS s, COUNT(*) AS c FROM (SELECT ${key} % 300 AS g, v FROM src) GROUP BY g)`;
  return [
    `CREATE FUNCTION fail_once AS '${join(FIXTURES, 'ts-udfs', 'fail-once.ts')}:failOnce' LANGUAGE TYPESCRIPT`,
    `CREATE FUNCTION weighted_avg AS '${join(FIXTURES, 'udfs', 'udafs.py')}:weighted_avg' LANGUAGE PYTHON`,
    `CREATE FUNCTION ts_weighted_avg AS '${join(FIXTURES, 'ts-udfs', 'aggregates.ts')}:tsWeightedAvg' LANGUAGE TYPESCRIPT`,
    `CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${GROUP_ROWS}',
      'rows-per-second' = '1e12', 'seed' = '21', 'fields.k.kind' = 'sequence', 'fields.k.start' = '1', 'fields.k.end' = '${GROUP_ROWS}',
      'fields.v.min' = '0', 'fields.v.max' = '1000')`,
    `CREATE TABLE raw (k BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(out, 'raw')}', 'format' = 'csv')`,
    "CREATE TABLE py_out (h BIGINT, a DOUBLE) WITH ('connector' = 'print', 'print-identifier' = 'py')",
    "CREATE TABLE ts_out (h BIGINT, a DOUBLE) WITH ('connector' = 'print', 'print-identifier' = 'ts')",
    `EXECUTE STATEMENT SET BEGIN
      INSERT INTO raw SELECT ${key}, v FROM src;
      INSERT INTO py_out SELECT g % 8, weighted_avg(s, c) FROM ${inner} GROUP BY g % 8;
      INSERT INTO ts_out SELECT g % 8, ts_weighted_avg(CAST(s AS DOUBLE), c) FROM ${inner} GROUP BY g % 8;
    END`,
  ];
}

/** The final value per key of a printed changelog (`py:1> +U[3, 512.5]`): the last +I/+U of each key, unless a -D follows. */
function materializePrinted(stdout: string, identifier: string): string[] {
  const view = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${identifier}(?::\\d+)?> ([+-][IUD])\\[(-?\\d+), (.*)\\]$`).exec(line);
    if (!m) continue;
    if (m[1] === '+I' || m[1] === '+U') view.set(m[2], `${m[2]}:${Number(m[3])}`);
    else if (m[1] === '-D') view.delete(m[2]);
  }
  return [...view.values()].sort();
}

function weirSql(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'weir.mjs'), 'sql', ...args], { cwd: ROOT });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  child.stderr.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

/** A GROUP BY with the TS aggregate function `tsWeightedAvg` of `module` as `wavg`, over 3000 rows at 2000 rows/s. */
async function versionedJob(module: string, config: Record<string, string>): Promise<JobClient> {
  const env = TableEnvironment.create({ baseDir: FIXTURES, config: { ...CONFIG, ...config } });
  await env.createTypeScriptFunction('wavg', module, 'tsWeightedAvg');
  await env.executeSql(`CREATE TABLE src (k BIGINT, v DOUBLE, w BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '3000',
    'rows-per-second' = '2000', 'seed' = '3', 'fields.k.min' = '0', 'fields.k.max' = '20', 'fields.w.min' = '1', 'fields.w.max' = '5')`);
  await env.executeSql("CREATE TABLE sink (k BIGINT, a DOUBLE) WITH ('connector' = 'blackhole')");
  const result = await env.executeSql('INSERT INTO sink SELECT k, wavg(v, w) FROM src GROUP BY k');
  assert.equal(result.kind, 'insert');
  return (result as { job: JobClient }).job;
}

/** Whether a completed checkpoint under `root` holds keyed state of the GROUP BY. */
function checkpointWithAggregateState(root: string): boolean {
  try {
    return readdirSync(root).some((job) => readdirSync(join(root, job)).some((c) => {
      const path = join(root, job, c, '_metadata');
      if (!existsSync(path)) return false;
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as { operators: { kind: string; subtasks: { keyedState?: unknown }[] }[] };
      return manifest.operators.some((o) => o.kind === 'group-aggregate' && o.subtasks.some((s) => s.keyedState));
    }));
  } catch {
    return false;
  }
}

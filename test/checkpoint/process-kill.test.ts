import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TableEnvironment } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { checkpointWithOutput, committedRows, waitFor } from './helpers.ts';

const root = join(import.meta.dirname, '..', '..');
const ROWS = 12_000;

/**
 * The job's statements; `$OUT` is its output directory, `$UDF` the fail-once UDF's directory (its `hold` file keeps
 * the job slow once a checkpoint with output completed, so the kill falls mid-stream; its `fired` file lets the job
 * run at full speed).
 */
const STATEMENTS = [
  `CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}',
    'rows-per-second' = '1e12', 'seed' = '3', 'fields.k.min' = '0', 'fields.k.max' = '100000')`,
  "CREATE TABLE raw (k BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '$OUT/raw', 'format' = 'csv')",
  "CREATE TABLE uniq (g BIGINT) WITH ('connector' = 'filesystem', 'path' = '$OUT/uniq', 'format' = 'csv')",
  `EXECUTE STATEMENT SET BEGIN
    INSERT INTO raw SELECT fail_once(k, '$UDF'), v FROM src;
    INSERT INTO uniq SELECT g FROM (SELECT fail_once(k, '$UDF') % 3000 AS g FROM src) GROUP BY g;
  END`,
];

const CONFIG = {
  'parallelism.default': '2', 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
  'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1', 'python.fn-execution.bundle.time': '20 ms',
  'python.fn-execution.arrow.batch.size': '200',
};

/**
 * The whole Weir process is killed (SIGKILL) while its job runs with checkpoints; `weir run --restore` on the
 * checkpoint directory resumes it, `--stop-with-savepoint` stops that run with a savepoint on SIGTERM, and a third
 * run from the savepoint finishes the job: the committed output equals a fault-free run's exactly.
 */
describe('recovery after the process is killed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-process-kill-'));
  const job = join(root, 'test', `.checkpoint-kill-job-${process.pid}.ts`);
  writeFileSync(job, `
    import { TableEnvironment } from 'weir';
    const out = process.env.WEIR_TEST_OUT;
    const udf = process.env.WEIR_TEST_UDF;
    const env = TableEnvironment.create({ baseDir: ${JSON.stringify(FIXTURES)}, config: {
      ...${JSON.stringify(CONFIG)}, 'execution.checkpointing.interval': '50 ms', 'state.checkpoints.dir': udf + '/chk',
    } });
    await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
    for (const statement of ${JSON.stringify(STATEMENTS)}) {
      const r = await env.executeSql(statement.replaceAll('$OUT', out).replaceAll('$UDF', udf));
      if (r.kind === 'insert') await r.job.done();
    }
  `);
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(job, { force: true });
  });

  it('weir run --restore resumes from the latest checkpoint, and --stop-with-savepoint stops on SIGTERM', async () => {
    const reference = join(dir, 'reference');
    await runInProcess(reference);

    const work = join(dir, 'killed');
    const first = weir(['run', job], work, udfDir(join(work, 'first'), 'hold'));
    await stopped(first, () => checkpointWithOutput(join(work, 'first', 'chk')), 'SIGKILL');
    assert.ok(committed(work).raw.length < ROWS);

    const savepoints = join(work, 'savepoints');
    const second = weir(['run', '--restore', join(work, 'first', 'chk'), '--stop-with-savepoint', savepoints, job], work, udfDir(join(work, 'again'), 'hold', 'raw'));
    const stop = await stopped(second, () => checkpointWithOutput(join(work, 'again', 'chk'), 'raw'), 'SIGTERM');
    assert.equal(stop.code, 0, stop.stderr);
    assert.match(stop.stderr, /restored from chk-\d+/);
    const savepoint = /stopped with savepoint (\S+)/.exec(stop.stderr)?.[1];
    assert.ok(savepoint?.startsWith(savepoints), stop.stderr);

    const third = await finished(weir(['run', '--restore', savepoint!, job], work, udfDir(join(work, 'third'), 'fired')));
    assert.equal(third.code, 0, third.stderr);
    assert.match(third.stderr, new RegExp(`restored from chk-\\d+ \\(${savepoint}\\)`));
    assert.deepEqual(committed(work), committed(reference));
    assert.equal(committed(work).raw.length, ROWS);
  });
});

/** Sends `signal` to a running `weir run` once `ready` holds (it must still be running then); resolves when it exited. */
async function stopped(child: ChildProcess, ready: () => boolean, signal: NodeJS.Signals): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  const exited = finished(child);
  let ended = false;
  void exited.then(() => { ended = true; });
  await waitFor(() => ended || ready(), 120_000);
  assert.equal(ended, false, 'the job was still running');
  child.kill(signal);
  const result = await exited;
  if (signal === 'SIGKILL') assert.equal(result.signal, 'SIGKILL', result.stderr);
  return result;
}

/** A directory for the fail-once UDF with its mode file (`hold` or `fired`), and the sink it waits for. */
function udfDir(path: string, mode: 'hold' | 'fired', require?: string): string {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, mode), '');
  if (require) writeFileSync(join(path, 'require'), require);
  return path;
}

/** The fault-free reference, in this process, without checkpoints and without the (identity) UDF. */
async function runInProcess(out: string): Promise<void> {
  const env = TableEnvironment.create({ baseDir: FIXTURES, config: CONFIG });
  for (const statement of STATEMENTS) {
    const r = await env.executeSql(statement.replaceAll('$OUT', out).replaceAll(/fail_once\(k, '\$UDF'\)/g, 'k'));
    if (r.kind === 'insert') assert.equal((await r.job.done()).status, 'FINISHED');
  }
}

function weir(args: string[], out: string, udf: string): ChildProcess {
  return spawn(process.execPath, [join(root, 'bin', 'weir.mjs'), ...args], { cwd: root, env: { ...process.env, WEIR_TEST_OUT: out, WEIR_TEST_UDF: udf } });
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  child.stdout!.resume();
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

function committed(work: string): { raw: string[]; uniq: string[] } {
  return { raw: committedRows(join(work, 'raw')), uniq: committedRows(join(work, 'uniq')) };
}

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
 * checkpoint directory finishes the job, and the committed output equals a fault-free run's exactly.
 */
describe('recovery after the process is killed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-process-kill-'));
  const job = join(root, 'test', `.checkpoint-kill-job-${process.pid}.ts`);
  writeFileSync(job, `
    import { TableEnvironment } from 'weir';
    const out = process.env.WEIR_TEST_OUT;
    const udf = process.env.WEIR_TEST_UDF;
    const env = TableEnvironment.create({ baseDir: ${JSON.stringify(FIXTURES)}, config: {
      ...${JSON.stringify(CONFIG)}, 'execution.checkpointing.interval': '50 ms', 'state.checkpoints.dir': out + '/chk',
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

  it('weir run --restore resumes from the latest checkpoint with exactly the fault-free output', async () => {
    const reference = join(dir, 'reference');
    await runInProcess(reference);

    const work = join(dir, 'killed');
    const first = weir(['run', job], work, udfDir(join(work, 'first'), 'hold'));
    const exited = finished(first);
    let ended = false;
    void exited.then(() => { ended = true; });
    // Killed once a checkpoint holding output of both sinks is complete, so the restore must resume mid-stream.
    await waitFor(() => ended || checkpointWithOutput(join(work, 'chk')), 120_000);
    first.kill('SIGKILL');
    const killed = await exited;
    assert.equal(killed.signal, 'SIGKILL', `the job was still running when killed: ${killed.stderr}`);
    assert.ok(committed(work).raw.length < ROWS);

    const second = await finished(weir(['run', '--restore', join(work, 'chk'), job], work, udfDir(join(work, 'again'), 'fired')));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /checkpoints: \d+ completed .*restored from chk-\d+/);
    assert.deepEqual(committed(work), committed(reference));
    assert.equal(committed(work).raw.length, ROWS);
  });
});

/** A directory for the fail-once UDF with its mode file (`hold` or `fired`). */
function udfDir(path: string, mode: 'hold' | 'fired'): string {
  mkdirSync(path, { recursive: true });
  writeFileSync(join(path, mode), '');
  return path;
}

/** The fault-free reference, in this process, without checkpoints. */
async function runInProcess(out: string): Promise<void> {
  const env = TableEnvironment.create({ baseDir: FIXTURES, config: CONFIG });
  await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
  const udf = udfDir(join(out, 'udf'), 'fired');
  for (const statement of STATEMENTS) {
    const r = await env.executeSql(statement.replaceAll('$OUT', out).replaceAll('$UDF', udf));
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

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TableEnvironment } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { checkpointWithOutput, committedRows, rawAndUniqJob, waitFor } from './helpers.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const ROWS = 10_000;
const CONFIG = {
  'parallelism.default': '2', 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
  'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1',
};

/** The job's statements, writing under `out`; `udf` is the fail-once UDF's directory (`null`: without the UDF). */
function statements(out: string, udf: string | null): string[] {
  const key = udf === null ? 'k' : `fail_once(k, '${udf}')`;
  return [
    ...(udf === null ? [] : [`CREATE FUNCTION fail_once AS '${join(FIXTURES, 'ts-udfs', 'fail-once.ts')}:failOnce' LANGUAGE TYPESCRIPT`]),
    ...rawAndUniqJob({ out, rows: ROWS, seed: 7, kMax: 100_000, key, groups: 2500 }),
  ];
}

const script = (out: string, udf: string): string => statements(out, udf).map((s) => `${s};\n`).join('');

/** The summary line of a job that checkpoints: count, duration, size, alignment, restarts, restore. */
const SUMMARY = /checkpoints: \d+ completed \(latest chk-\d+\), \d+ failed; last took \d+ ms, [\d.]+ (B|KB|MB), alignment [\d.]+ ms; restarts: (\d+)[^;\n]*(; restored from chk-(\d+) \(([^)]+)\))?/;

/**
 * `weir sql` with checkpoints is killed (SIGKILL) mid-stream; `weir sql --restore <checkpoints dir> file.sql` resumes
 * the INSERT job and commits exactly the fault-free output. Both CLI commands print the checkpoint summary.
 */
describe('weir sql --restore and the CLI checkpoint summary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-sql-restore-'));
  // Inside the repository, where `weir` resolves to src/index.ts.
  const job = join(ROOT, 'test', `.sql-restore-run-job-${process.pid}.ts`);
  after(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(job, { force: true });
  });

  it('resumes a killed weir sql run from its checkpoints with exactly the fault-free output', async () => {
    const reference = join(dir, 'reference');
    const env = TableEnvironment.create({ baseDir: FIXTURES, config: CONFIG });
    for (const statement of statements(reference, null)) {
      const r = await env.executeSql(statement);
      if (r.kind === 'insert') assert.equal((await r.job.done()).status, 'FINISHED');
    }
    const expected = committed(reference);
    assert.equal(expected.raw.length, ROWS);

    const work = join(dir, 'killed');
    const first = udfDir(join(work, 'first'), 'hold');
    const killed = weir(['sql', sqlFile(join(work, 'first.sql'), script(work, first)), ...defines(first)]);
    const exited = finished(killed);
    let ended = false;
    void exited.then(() => { ended = true; });
    // Killed once rows are committed (renamed after their checkpoint's manifest), so the restore must resume.
    await waitFor(() => ended || (checkpointWithOutput(join(first, 'chk')) && committed(work).raw.length > 0), 120_000);
    assert.equal(ended, false, 'the first run was still running');
    killed.kill('SIGKILL');
    assert.equal((await exited).signal, 'SIGKILL');
    const partial = committed(work);
    assert.ok(partial.raw.length > 0 && partial.raw.length < ROWS, `${partial.raw.length} rows committed before the kill`);

    const again = udfDir(join(work, 'again'), 'fired');
    const resumed = await finished(weir(['sql', '--restore', join(first, 'chk'), sqlFile(join(work, 'again.sql'), script(work, again)), ...defines(again)]));
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /\[INFO\] Job FINISHED in [\d.]+ s\./);
    const summary = SUMMARY.exec(resumed.stdout);
    assert.ok(summary, resumed.stdout);
    assert.equal(summary[2], '0');
    assert.ok(summary[5]?.startsWith(join(first, 'chk')), `restored from the first run's checkpoints: ${summary[0]}`);
    assert.deepEqual(committed(work), expected);
  });

  it('weir run prints the same summary, with the restart and the restore after an injected failure', async () => {
    const work = join(dir, 'run');
    const udf = udfDir(join(work, 'udf'), null);
    writeFileSync(job, `
      import { TableEnvironment } from 'weir';
      const env = TableEnvironment.create({ baseDir: ${JSON.stringify(FIXTURES)}, config: ${JSON.stringify({
        ...CONFIG, 'execution.checkpointing.interval': '50 ms', 'state.checkpoints.dir': join(udf, 'chk'),
        'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.delay': '0 ms',
      })} });
      for (const statement of ${JSON.stringify(statements(work, udf))}) {
        const r = await env.executeSql(statement);
        if (r.kind === 'insert') await r.job.done();
      }
    `);
    const run = await finished(weir(['run', job]));
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /failed \(UDF_ERROR: [^\n]*injected failure after a completed checkpoint[^\n]*\); restart 1 in 0\.0 s from chk-\d+ \(restart-strategy fixed-delay \(1 attempts, 0 ms\)\)/);
    const summary = SUMMARY.exec(run.stderr);
    assert.ok(summary, run.stderr);
    assert.equal(summary[2], '1');
    assert.match(summary[0], /restarts: 1 \(last: UDF_ERROR: /);
    assert.ok(summary[5]?.startsWith(join(udf, 'chk')), summary[0]);
    assert.equal(committed(work).raw.length, ROWS);
  });
});

function defines(udf: string): string[] {
  return [...Object.entries(CONFIG), ['execution.checkpointing.interval', '50 ms'], ['state.checkpoints.dir', join(udf, 'chk')]]
    .flatMap(([k, v]) => ['-D', `${k}=${v}`]);
}

/** A directory for the fail-once UDF with its mode file: `hold` (slow, no failure), `fired` (full speed), or none (fails once). */
function udfDir(path: string, mode: 'hold' | 'fired' | null): string {
  mkdirSync(path, { recursive: true });
  if (mode) writeFileSync(join(path, mode), '');
  return path;
}

function sqlFile(path: string, text: string): string {
  writeFileSync(path, text);
  return path;
}

function weir(args: string[]): ChildProcess {
  return spawn(process.execPath, [join(ROOT, 'bin', 'weir.mjs'), ...args], { cwd: ROOT });
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => { stdout += d; });
  child.stderr!.on('data', (d) => { stderr += d; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

function committed(work: string): { raw: string[]; uniq: string[] } {
  return { raw: committedRows(join(work, 'raw')), uniq: committedRows(join(work, 'uniq')) };
}

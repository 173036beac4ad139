import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { TableEnvironment } from '../../src/index.ts';

const root = join(import.meta.dirname, '..', '..');

/** The job's statements; `$OUT` is its output directory, `$RATE` the source's rows per second. */
const STATEMENTS = [
  `CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '20000',
    'rows-per-second' = '$RATE', 'seed' = '3', 'fields.k.min' = '0', 'fields.k.max' = '100000')`,
  "CREATE TABLE raw (k BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '$OUT/raw', 'format' = 'csv')",
  "CREATE TABLE uniq (g BIGINT) WITH ('connector' = 'filesystem', 'path' = '$OUT/uniq', 'format' = 'csv')",
  `EXECUTE STATEMENT SET BEGIN
    INSERT INTO raw SELECT k, v FROM src;
    INSERT INTO uniq SELECT g FROM (SELECT k % 3000 AS g FROM src) GROUP BY g;
  END`,
];

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
    const env = TableEnvironment.create({ config: {
      'parallelism.default': '2', 'table.exec.batch-size': '500',
      'execution.checkpointing.interval': '50 ms', 'state.checkpoints.dir': out + '/chk',
    } });
    for (const statement of ${JSON.stringify(STATEMENTS)}) {
      const r = await env.executeSql(statement.replaceAll('$OUT', out).replace('$RATE', '10000'));
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
    const first = weir(['run', job], work);
    const exited = finished(first);
    // Killed once a checkpoint holding output of both sinks is complete, so the restore must resume mid-stream.
    await waitFor(() => checkpointWithOutput(join(work, 'chk')), exited);
    first.kill('SIGKILL');
    const killed = await exited;
    assert.equal(killed.signal, 'SIGKILL', `the job was still running when killed: ${killed.stderr}`);
    assert.ok(committed(work).raw.length < 20_000);

    const second = await finished(weir(['run', '--restore', join(work, 'chk'), job], work));
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stderr, /checkpoints: \d+ completed .*restored from chk-\d+/);
    assert.deepEqual(committed(work), committed(reference));
    assert.equal(committed(work).raw.length, 20_000);
  });
});

/** The fault-free reference, in this process, unthrottled and without checkpoints. */
async function runInProcess(out: string): Promise<void> {
  const env = TableEnvironment.create({ config: { 'parallelism.default': '2', 'table.exec.batch-size': '500' } });
  for (const statement of STATEMENTS) {
    const r = await env.executeSql(statement.replaceAll('$OUT', out).replace('$RATE', '1e12'));
    if (r.kind === 'insert') assert.equal((await r.job.done()).status, 'FINISHED');
  }
}

function weir(args: string[], out: string): ChildProcess {
  return spawn(process.execPath, [join(root, 'bin', 'weir.mjs'), ...args], { cwd: root, env: { ...process.env, WEIR_TEST_OUT: out } });
}

function finished(child: ChildProcess): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  let stderr = '';
  child.stderr!.on('data', (d) => { stderr += d; });
  child.stdout!.resume();
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
}

/** Visible (committed) rows of both sinks, sorted. */
function committed(work: string): { raw: string[]; uniq: string[] } {
  const read = (d: string) => (existsSync(d) ? readdirSync(d) : []).filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(d, f), 'utf8').split('\n').filter(Boolean)).sort();
  return { raw: read(join(work, 'raw')), uniq: read(join(work, 'uniq')) };
}

function checkpointWithOutput(root: string): boolean {
  try {
    return readdirSync(root).some((job) => readdirSync(join(root, job)).some((c) => {
      const path = join(root, job, c, '_metadata');
      if (!existsSync(path)) return false;
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as { operators: { kind: string; subtasks: { committables?: unknown[] }[] }[] };
      return manifest.operators.filter((o) => o.kind === 'sink').every((o) => o.subtasks.some((s) => s.committables?.length));
    }));
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, exited: Promise<unknown>): Promise<void> {
  let done = false;
  void exited.then(() => { done = true; });
  while (!condition()) {
    if (done) throw new Error('the job ended before a checkpoint with output completed');
    await new Promise((r) => setTimeout(r, 5));
  }
}

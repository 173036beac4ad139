import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableEnvironment, type JobClient } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { checkpointWithOutput, committedRows, rawAndUniqJob, submitStatements, waitFor } from './helpers.ts';

/**
 * Exactly-once recovery end to end: datagen → TS UDF → stateless, keyed (GROUP BY) and LIMIT pipelines → filesystem
 * sinks, with checkpoints every 50 ms. The job is failed by an injected UDF exception (restart strategy) or cancelled
 * and restored from its checkpoint directory; the committed output must equal a fault-free run's exactly. The UDF
 * (test/fixtures/ts-udfs/fail-once.ts) holds the job back until a checkpoint with output has completed, so the
 * failure or cancellation always falls mid-stream, however loaded the machine.
 */
describe('exactly-once recovery from checkpoints', () => {
  let dir: string;
  let expected: { raw: string[]; uniq: string[] };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-exactly-once-'));
    await runJob(join(dir, 'reference'), {}, 'reference');
    expected = committed(join(dir, 'reference'));
    assert.equal(expected.raw.length, ROWS);
    assert.ok(expected.uniq.length > 1000);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('restarts after an injected task failure and commits exactly the fault-free output', async () => {
    const work = join(dir, 'failure');
    const job = await startJob(work, {
      ...checkpointing(),
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '1',
      'restart-strategy.fixed-delay.delay': '0 ms',
    }, 'fail');
    const result = await job.done();
    assert.equal(result.status, 'FINISHED');
    assert.ok(existsSync(join(work, 'first', 'fired')), 'the injected failure happened');
    const cp = result.metrics.checkpoints!;
    assert.equal(cp.restarts, 1);
    assert.ok(cp.lastRestore !== null && cp.lastRestore.checkpointId >= 1, `restored from a completed checkpoint: ${JSON.stringify(cp)}`);
    assert.ok(cp.completed >= 2);
    assert.deepEqual(committed(work), expected);
    assertLimitExact(work, expected.raw);
    // A finished job's checkpoints are deleted once its final checkpoint is committed.
    assert.deepEqual(readdirSync(join(work, 'first', 'chk')), []);
  });

  it('resumes a cancelled job from its checkpoint directory (execution.savepoint.path) with exactly the fault-free output', async () => {
    const work = join(dir, 'cancel');
    const first = await startJob(work, { ...checkpointing(), 'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION' }, 'hold');
    // Cancelled once rows of every sink are committed, so that the restore has to resume rather than start over.
    await waitFor(() => checkpointWithOutput(join(work, 'first', 'chk')));
    // Live checkpoint metrics: count, duration, size (the GROUP BY's and LIMIT's state) and alignment.
    const metrics = await first.metrics();
    const live = metrics.checkpoints!;
    assert.ok(live.completed >= 1 && live.lastCompletedId !== null && live.lastSizeBytes > 0, JSON.stringify(live));
    assert.ok(live.lastDurationMs >= 0 && live.lastAlignmentMs >= 0);
    assert.ok(live.lastPath!.startsWith(join(work, 'first', 'chk')));
    assert.equal(metrics.raw['job.numberOfCompletedCheckpoints'], live.completed);
    await first.cancel();
    const cancelled = await first.done();
    assert.equal(cancelled.status, 'CANCELED');
    const before = committed(work);
    assert.ok(before.raw.length > 0 && before.raw.length < ROWS, 'the first run was stopped before the end');
    const second = await startJob(work, { ...checkpointing(), 'execution.savepoint.path': join(work, 'first', 'chk') }, 'plain');
    const result = await second.done();
    assert.equal(result.status, 'FINISHED');
    const cp = result.metrics.checkpoints!;
    assert.ok(cp.lastRestore !== null && cp.lastRestore.path.startsWith(join(work, 'first', 'chk')), JSON.stringify(cp));
    assert.deepEqual(committed(work), expected);
    assertLimitExact(work, expected.raw);
  });
});

const ROWS = 12_000;
/** LIMIT (operator state: the rows counted) over the two source subtasks' interleaving, so which rows is not fixed. */
const LIMIT = 9_000;

/** Checkpoints every 50 ms, into `chk` under the run's UDF directory (where the fail-once UDF looks for them). */
function checkpointing(): Record<string, string> {
  return { 'execution.checkpointing.interval': '50 ms' };
}

async function runJob(work: string, config: Record<string, string>, mode: Mode): Promise<void> {
  const result = await (await startJob(work, config, mode)).done();
  assert.equal(result.status, 'FINISHED');
}

/**
 * How the fail-once UDF behaves: `reference` leaves it out (the same rows, faster); `plain` passes rows through;
 * `fail` holds the job back until a checkpoint with
 * output of every sink, then throws once; `hold` holds it back for good (the test cancels it). Its directory is
 * `<work>/first` the first time a work directory runs, `<work>/again` after.
 */
type Mode = 'reference' | 'plain' | 'fail' | 'hold';

/**
 * Three pipelines, each reading the throttled datagen table (about 0.5 s of input at parallelism 2): stateless, a
 * keyed GROUP BY, and a LIMIT. With `injectFailure` each goes through the fail-once UDF, which also keeps them at
 * the same pace (the UDF workers' start-up holds back every source alike).
 */
async function startJob(work: string, config: Record<string, string>, mode: Mode): Promise<JobClient> {
  const env = TableEnvironment.create({
    baseDir: FIXTURES,
    config: {
      // Small batches and buffers: a barrier waits behind little data, so checkpoints complete while the job runs.
      'parallelism.default': '2', 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
      'ts.worker.pool-size': '2', 'ts.fn-execution.max-in-flight': '1',
      'python.fn-execution.bundle.time': '20 ms', 'python.fn-execution.arrow.batch.size': '200', ...config,
    },
  });
  const udfDir = join(work, existsSync(join(work, 'first')) ? 'again' : 'first');
  mkdirSync(udfDir, { recursive: true });
  env.getConfig().set('state.checkpoints.dir', join(udfDir, 'chk'));
  if (mode === 'plain') writeFileSync(join(udfDir, 'fired'), '');
  if (mode === 'hold') writeFileSync(join(udfDir, 'hold'), '');
  await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
  const key = mode === 'reference' ? 'k' : `fail_once(k, '${udfDir}')`;
  return submitStatements(env, rawAndUniqJob({
    out: work, rows: ROWS, seed: 42, kMax: 1_000_000, key, groups: 5000,
    extraTables: [`CREATE TABLE lim (k BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(work, 'lim')}', 'format' = 'csv')`],
    extraInserts: [`INSERT INTO lim SELECT ${key}, v FROM src LIMIT ${LIMIT}`],
  }));
}

/** Every committed (visible) row of the raw and uniq sinks, sorted. */
function committed(work: string): { raw: string[]; uniq: string[] } {
  return { raw: committedRows(join(work, 'raw')), uniq: committedRows(join(work, 'uniq')) };
}

/** The LIMIT sink's rows must be exactly LIMIT distinct rows of the input: no more after a restore, none repeated. */
function assertLimitExact(work: string, raw: readonly string[]): void {
  const dir = join(work, 'lim');
  const rows = committedRows(dir);
  assert.equal(rows.length, LIMIT);
  assert.equal(new Set(rows).size, LIMIT);
  const all = new Set(raw);
  assert.ok(rows.every((r) => all.has(r)));
}


import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TableEnvironment, type JobClient } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';

/**
 * Exactly-once recovery end to end: datagen → (TS UDF) → stateless and keyed (GROUP BY) pipelines → filesystem sinks,
 * with checkpoints every 50 ms. The job is failed by an injected UDF exception (restart strategy) or cancelled and
 * restored from its checkpoint directory; the committed output must equal a fault-free run's exactly.
 */
describe('exactly-once recovery from checkpoints', () => {
  let dir: string;
  let expected: { raw: string[]; uniq: string[] };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'weir-exactly-once-'));
    await runJob(join(dir, 'reference'), {});
    expected = committedRows(join(dir, 'reference'));
    assert.equal(expected.raw.length, ROWS);
    assert.ok(expected.uniq.length > 1000);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('restarts after an injected task failure and commits exactly the fault-free output', async () => {
    const work = join(dir, 'failure');
    const job = await startJob(work, {
      ...checkpointing(work),
      'restart-strategy.type': 'fixed-delay',
      'restart-strategy.fixed-delay.attempts': '1',
      'restart-strategy.fixed-delay.delay': '0 ms',
    }, true);
    const result = await job.done();
    assert.equal(result.status, 'FINISHED');
    assert.ok(existsSync(join(work, 'fired')), 'the injected failure happened');
    const cp = result.metrics.checkpoints!;
    assert.equal(cp.restarts, 1);
    assert.ok(cp.lastRestore !== null && cp.lastRestore.checkpointId >= 1, `restored from a completed checkpoint: ${JSON.stringify(cp)}`);
    assert.ok(cp.completed >= 2);
    assert.deepEqual(committedRows(work), expected);
    assertNoIncompleteCheckpoints(join(work, 'chk'));
  });

  it('resumes a cancelled job from its checkpoint directory (execution.savepoint.path) with exactly the fault-free output', async () => {
    const work = join(dir, 'cancel');
    const first = await startJob(work, { ...checkpointing(work), 'execution.checkpointing.externalized-checkpoint-retention': 'RETAIN_ON_CANCELLATION' });
    // Stopped once some rows are committed, so that the restore has to resume rather than start over.
    await waitFor(async () => ((await first.metrics()).checkpoints?.completed ?? 0) >= 2 && committedRows(work).raw.length > 0);
    await first.cancel();
    const cancelled = await first.done();
    assert.equal(cancelled.status, 'CANCELED');
    const before = committedRows(work);
    assert.ok(before.raw.length > 0 && before.raw.length < ROWS, 'the first run was stopped before the end');
    const second = await startJob(work, { ...checkpointing(work), 'execution.savepoint.path': join(work, 'chk') });
    const result = await second.done();
    assert.equal(result.status, 'FINISHED');
    const cp = result.metrics.checkpoints!;
    assert.ok(cp.lastRestore !== null && cp.lastRestore.checkpointId >= 2, JSON.stringify(cp));
    assert.deepEqual(committedRows(work), expected);
  });

  it('reports checkpoint metrics: count, duration, size and alignment', async () => {
    const work = join(dir, 'metrics');
    const job = await startJob(work, checkpointing(work));
    await waitFor(async () => ((await job.metrics()).checkpoints?.lastSizeBytes ?? 0) > 0);
    const live = (await job.metrics()).checkpoints!;
    assert.ok(live.completed >= 1 && live.lastCompletedId !== null);
    assert.ok(live.lastDurationMs >= 0 && live.lastAlignmentMs >= 0);
    assert.ok(live.lastPath!.startsWith(join(work, 'chk')));
    await job.cancel();
  });
});

const ROWS = 20_000;

function checkpointing(work: string): Record<string, string> {
  return { 'execution.checkpointing.interval': '50 ms', 'state.checkpoints.dir': join(work, 'chk') };
}

async function runJob(work: string, config: Record<string, string>): Promise<void> {
  const result = await (await startJob(work, config)).done();
  assert.equal(result.status, 'FINISHED');
}

/** Two sinks fed by one throttled datagen source (about 1 s of input at parallelism 2). */
async function startJob(work: string, config: Record<string, string>, injectFailure = false): Promise<JobClient> {
  const env = TableEnvironment.create({
    baseDir: FIXTURES,
    config: { 'parallelism.default': '2', 'table.exec.batch-size': '500', 'ts.worker.pool-size': '1', 'python.fn-execution.bundle.time': '20 ms', ...config },
  });
  await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
  await env.executeSql(`CREATE TABLE src (k BIGINT, v BIGINT) WITH ('connector' = 'datagen', 'number-of-rows' = '${ROWS}',
    'rows-per-second' = '40000', 'seed' = '42', 'fields.k.min' = '0', 'fields.k.max' = '1000000')`);
  await env.executeSql(`CREATE TABLE raw (k BIGINT, v BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(work, 'raw')}', 'format' = 'csv')`);
  await env.executeSql(`CREATE TABLE uniq (g BIGINT) WITH ('connector' = 'filesystem', 'path' = '${join(work, 'uniq')}', 'format' = 'csv')`);
  const key = injectFailure ? `fail_once(k, '${work}')` : 'k';
  const result = await env.executeSql(`EXECUTE STATEMENT SET BEGIN
    INSERT INTO raw SELECT ${key}, v FROM src;
    INSERT INTO uniq SELECT g FROM (SELECT k % 5000 AS g FROM src) GROUP BY g;
  END`);
  assert.equal(result.kind, 'insert');
  return (result as { job: JobClient }).job;
}

/** Every committed (visible) row of both sinks, sorted; in-progress files are hidden and not read. */
function committedRows(work: string): { raw: string[]; uniq: string[] } {
  const read = (d: string) => (existsSync(d) ? readdirSync(d) : [])
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(d, f), 'utf8').split('\n').filter(Boolean))
    .sort();
  return { raw: read(join(work, 'raw')), uniq: read(join(work, 'uniq')) };
}

function assertNoIncompleteCheckpoints(root: string): void {
  for (const job of readdirSync(root)) {
    for (const c of readdirSync(join(root, job))) assert.ok(existsSync(join(root, job, c, '_metadata')), `${job}/${c} is complete`);
  }
}

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 10));
  }
}

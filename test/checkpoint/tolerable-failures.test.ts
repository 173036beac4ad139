import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import type { TaskAck } from '../../src/checkpoint/checkpoint-messages.ts';
import { CheckpointCoordinator, type CoordinatorSettings } from '../../src/checkpoint/coordinator.ts';
import type { WeirError } from '../../src/errors/weir-error.ts';
import type { JobGraph } from '../../src/plan/physical/job-graph.ts';
import { TableEnvironment, type JobClient } from '../../src/index.ts';
import { FIXTURES } from '../e2e/helpers.ts';
import { checkpointWithOutput, committedRows, failOnceDir, rawAndUniqJob, recoverOnceConfig, submitStatements, waitFor } from './helpers.ts';

const graph: JobGraph = {
  bounded: true,
  vertices: [
    { id: 'v1', name: 'Source', parallelism: 1, chain: [{ kind: 'source', id: '1', name: 'Source(t)', outputSchema: [], connector: 'datagen', options: {} }] },
    { id: 'v2', name: 'Sink', parallelism: 1, chain: [{ kind: 'sink', id: '2', name: 'Sink(out)', outputSchema: [], connector: 'blackhole', options: {} } as never] },
  ],
  edges: [{ source: 'v1', target: 'v2', targetInput: 0, partitioning: { kind: 'forward' } }],
};
const TASKS = ['v1[0]', 'v2[0]'];

function ack(checkpointId: number, taskId: string): TaskAck {
  return { checkpointId, taskId, vertexId: taskId.slice(0, 2), subtaskIndex: 0, alignmentMs: 0, syncMs: 0, asyncMs: 0, bytes: 0, operators: [] };
}

/**
 * `execution.checkpointing.tolerable-failed-checkpoints` as Flink's CheckpointFailureManager: consecutive failed
 * checkpoints (timeouts, task errors, manifest I/O errors) beyond the tolerated number fail the job over; a completed
 * checkpoint resets the count; normal aborts (subsumed, tasks finishing, restarts, sources that cannot take part)
 * and savepoints do not count.
 */
describe('tolerable failed checkpoints (coordinator)', () => {
  let dir: string;
  let failovers: WeirError[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-tolerable-'));
    failovers = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function coordinator(settings: Partial<CoordinatorSettings>): CheckpointCoordinator {
    const co = new CheckpointCoordinator({
      jobId: 'job', jobName: 'test', graph, maxParallelism: 128, jobDir: dir,
      interval: 0, timeout: 60_000, minPause: 0, maxConcurrent: 1, retained: 1, ...settings,
    }, { send: () => {}, commit: async () => {}, fatal: () => {}, failover: (e) => { failovers.push(e); } });
    co.startAttempt(TASKS);
    return co;
  }

  const decline = (co: CheckpointCoordinator, id: number, kind?: 'task-error' | 'subsumed' | 'not-checkpointing') =>
    co.onReport({ kind: 'decline', decline: { checkpointId: id, taskId: 'v2[0]', reason: `failed ${id}`, kind } });

  async function complete(co: CheckpointCoordinator): Promise<void> {
    const id = co.trigger()!;
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(id, t) });
    await co.idle();
  }

  it('fails the job over on the first failure with the default of 0', () => {
    const co = coordinator({ tolerableFailures: 0 });
    decline(co, co.trigger()!);
    assert.equal(failovers.length, 1);
    assert.equal(failovers[0].code, 'CHECKPOINT_FAILED');
    assert.match(failovers[0].message, /^Exceeded the checkpoint tolerable failure threshold \(0\): 1 failed checkpoint in a row; the last, checkpoint 1: declined by task v2\[0\]: failed 1\n/);
    assert.match(failovers[0].hint ?? '', /tolerable-failed-checkpoints is 0/);
  });

  it('tolerates that many failures in a row; a completed checkpoint resets the count', async () => {
    const co = coordinator({ tolerableFailures: 2 });
    decline(co, co.trigger()!);
    decline(co, co.trigger()!);
    await complete(co); // checkpoint 3
    decline(co, co.trigger()!);
    decline(co, co.trigger()!);
    assert.equal(failovers.length, 0);
    decline(co, co.trigger()!); // the third in a row
    assert.equal(failovers.length, 1);
    assert.match(failovers[0].message, /\(2\): 3 failed checkpoints in a row; the last, checkpoint 6: /);
    assert.equal(co.metrics().failed, 5);
  });

  it('counts timeouts', async () => {
    const co = coordinator({ tolerableFailures: 1, timeout: 10 });
    co.trigger();
    await waitFor(() => co.metrics().failed === 1);
    assert.equal(failovers.length, 0);
    co.trigger();
    await waitFor(() => failovers.length === 1);
    assert.match(failovers[0].message, /the last, checkpoint 2: timed out after 10 ms \(execution\.checkpointing\.timeout\)/);
  });

  it('counts a manifest that cannot be written', async () => {
    const co = coordinator({ tolerableFailures: 0 });
    writeFileSync(join(dir, 'chk-1'), 'in the way');
    const id = co.trigger()!;
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(id, t) });
    await co.idle();
    assert.equal(failovers.length, 1);
    assert.match(failovers[0].message, /the last, checkpoint 1: could not be written: /);
  });

  it('does not count declines of overtaken alignments or of tasks that cannot take part, tasks finishing, restarts', async () => {
    const co = coordinator({ tolerableFailures: 0 });
    decline(co, co.trigger()!, 'subsumed');
    decline(co, co.trigger()!, 'not-checkpointing');
    co.trigger();
    co.onTaskFinished('v2[0]'); // no final report: the pending checkpoint is aborted
    const again = coordinator({ tolerableFailures: 0 });
    again.trigger();
    again.suspend('the job is restarting');
    assert.equal(co.metrics().failed + again.metrics().failed, 4);
    assert.equal(failovers.length, 0);
  });

  it('does not count savepoints, nor failures of checkpoints older than the last completed one', async () => {
    const co = coordinator({ tolerableFailures: 0, maxConcurrent: 2 });
    const savepoint = co.triggerSavepoint(join(dir, 'sp'), false);
    decline(co, 1);
    await assert.rejects(savepoint, /Savepoint \(checkpoint 1\) failed/);
    const older = co.trigger()!;
    const newer = co.trigger()!;
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(newer, t) });
    await co.idle(); // completes 3, which subsumes 2 (not counted either)
    decline(co, older);
    assert.equal(failovers.length, 0);
    assert.equal(co.metrics().completed, 1);
  });

  it('never fails the job without the setting (the coordinator alone)', () => {
    const co = coordinator({});
    for (let i = 0; i < 5; i++) decline(co, co.trigger()!);
    assert.equal(failovers.length, 0);
  });
});

/**
 * End to end: a checkpoint that times out fails the job (tolerable 0, no restarts); a checkpoint whose manifest
 * cannot be written fails the job over, which restarts from the latest completed checkpoint and commits exactly the
 * fault-free output.
 */
describe('tolerable failed checkpoints (jobs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'weir-tolerable-jobs-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a checkpoint that times out fails the job with CHECKPOINT_FAILED (tolerable 0 by default)', async () => {
    const udf = join(dir, 'timeout');
    mkdirSync(udf, { recursive: true });
    writeFileSync(join(udf, 'stall'), '');
    const env = TableEnvironment.create({ baseDir: FIXTURES, config: {
      ...SMALL, 'execution.checkpointing.interval': '20 ms', 'execution.checkpointing.timeout': '150 ms',
      'state.checkpoints.dir': join(udf, 'chk'), 'restart-strategy.type': 'none',
    } });
    await env.createTypeScriptFunction('stall', 'ts-udfs/stall.ts', 'stall');
    const job = await insert(env, join(dir, 'timeout-out'), `stall(k, '${udf}')`);
    await assert.rejects(job.done(), (e: WeirError) => e.code === 'CHECKPOINT_FAILED'
      && /^Exceeded the checkpoint tolerable failure threshold \(0\): 1 failed checkpoint in a row; the last, checkpoint \d+: timed out after 150 ms/.test(e.message));
    const cp = (await job.metrics()).checkpoints!;
    assert.ok(cp.failed >= 1 && cp.restarts === 0, JSON.stringify(cp));
  });

  it('a checkpoint that cannot be written fails the job over; it restarts from the latest checkpoint with exactly the fault-free output', async () => {
    const reference = join(dir, 'reference');
    const plain = TableEnvironment.create({ baseDir: FIXTURES, config: SMALL });
    assert.equal((await (await insert(plain, reference, 'k')).done()).status, 'FINISHED');

    const work = join(dir, 'io');
    const udf = failOnceDir(work, true);
    writeFileSync(join(udf, 'hold'), ''); // slow, and no injected exception: the checkpoint failure is the fault
    const env = TableEnvironment.create({ baseDir: FIXTURES, config: { ...SMALL, ...recoverOnceConfig(udf) } });
    await env.createTypeScriptFunction('fail_once', 'ts-udfs/fail-once.ts', 'failOnce');
    const job = await insert(env, work, `fail_once(k, '${udf}')`);
    await waitFor(() => checkpointWithOutput(join(udf, 'chk')), 120_000);
    blockNextCheckpoint(join(udf, 'chk'));
    await waitFor(async () => (await job.metrics()).checkpoints!.restarts === 1, 120_000);
    writeFileSync(join(udf, 'fired'), ''); // full speed from here
    const result = await job.done();
    assert.equal(result.status, 'FINISHED');
    const cp = result.metrics.checkpoints!;
    assert.equal(cp.restarts, 1);
    assert.match(cp.lastRestartCause ?? '', /^CHECKPOINT_FAILED: Exceeded the checkpoint tolerable failure threshold \(0\): 1 failed checkpoint in a row; the last, checkpoint \d+: /);
    assert.ok(cp.lastRestore !== null, JSON.stringify(cp));
    assert.deepEqual(committed(work), committed(reference));
    assert.equal(committed(work).raw.length, ROWS);
  });
});

const ROWS = 8_000;
const SMALL = {
  'parallelism.default': '2', 'table.exec.batch-size': '200', 'taskmanager.network.buffers-per-channel': '2',
  'ts.worker.pool-size': '1', 'ts.fn-execution.max-in-flight': '1',
};

/** datagen → `key` → a raw sink and a GROUP BY sink, both filesystem (exactly-once), under `out`. */
function insert(env: TableEnvironment, out: string, key: string): Promise<JobClient> {
  return submitStatements(env, rawAndUniqJob({ out, rows: ROWS, seed: 5, kMax: 100_000, key, groups: 2000 }));
}

/**
 * Puts a file where the job's next checkpoint directory goes (`chk-<n>` after the highest one there), so that
 * checkpoint cannot be written; aborting it deletes the file, so only that one checkpoint fails.
 */
function blockNextCheckpoint(root: string): void {
  const [job] = readdirSync(root);
  const ids = readdirSync(join(root, job)).map((f) => /^chk-(\d+)$/.exec(f)).filter((m) => m !== null).map((m) => Number(m![1]));
  for (let id = Math.max(...ids) + 1; ; id++) {
    try {
      writeFileSync(join(root, job, `chk-${id}`), 'in the way', { flag: 'wx' });
      return;
    } catch {
      // a task created that directory meanwhile: block the one after
    }
  }
}

function committed(work: string): { raw: string[]; uniq: string[] } {
  return { raw: committedRows(join(work, 'raw')), uniq: committedRows(join(work, 'uniq')) };
}

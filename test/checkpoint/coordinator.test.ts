import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CheckpointCommand, TaskAck } from '../../src/checkpoint/checkpoint-messages.ts';
import { readManifest } from '../../src/checkpoint/checkpoint-storage.ts';
import { CheckpointCoordinator, type CoordinatorSettings } from '../../src/checkpoint/coordinator.ts';
import type { CheckpointManifest } from '../../src/checkpoint/manifest.ts';
import type { JobGraph } from '../../src/plan/physical/job-graph.ts';

const graph: JobGraph = {
  bounded: true,
  vertices: [
    { id: 'v1', name: 'Source', parallelism: 1, chain: [{ kind: 'source', id: '1', name: 'Source(t)', outputSchema: [], connector: 'datagen', options: {} }] },
    { id: 'v2', name: 'Sink', parallelism: 1, chain: [{ kind: 'sink', id: '2', name: 'Sink(out)', outputSchema: [], connector: 'filesystem', options: { path: '/x' } } as never] },
  ],
  edges: [{ source: 'v1', target: 'v2', targetInput: 0, partitioning: { kind: 'forward' } }],
};
const TASKS = ['v1[0]', 'v2[0]'];

function ack(checkpointId: number, taskId: string, extra: Partial<TaskAck> = {}): TaskAck {
  const source = taskId.startsWith('v1');
  return {
    checkpointId, taskId, vertexId: source ? 'v1' : 'v2', subtaskIndex: 0, alignmentMs: 0, syncMs: 0, asyncMs: 0, bytes: 0,
    operators: source ? [{ operatorId: '1', sourcePosition: { emitted: checkpointId * 10 } }] : [{ operatorId: '2', committables: [`file-${checkpointId}`] }],
    ...extra,
  };
}

describe('CheckpointCoordinator', () => {
  let dir: string;
  let commands: CheckpointCommand[];
  let commits: CheckpointManifest[];
  let fatal: unknown[];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-coordinator-'));
    commands = [];
    commits = [];
    fatal = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function coordinator(settings: Partial<CoordinatorSettings> = {}, onSend: (c: CheckpointCommand, co: CheckpointCoordinator) => void = () => {}): CheckpointCoordinator {
    const co: CheckpointCoordinator = new CheckpointCoordinator({
      jobId: 'job', jobName: 'test', graph, maxParallelism: 128, jobDir: dir,
      interval: 0, timeout: 60_000, minPause: 0, maxConcurrent: 1, retained: 1, ...settings,
    }, {
      send: (c) => { commands.push(c); onSend(c, co); },
      commit: async (m) => { commits.push(m); },
      fatal: (e) => { fatal.push(e); },
    });
    return co;
  }

  const actions = () => commands.map((c) => `${c.action}${c.checkpointId}`);

  it('completes a checkpoint only when every task acknowledged it, then writes the manifest and commits', async () => {
    const co = coordinator();
    co.startAttempt(TASKS);
    const id = co.trigger()!;
    assert.equal(id, 1);
    co.onReport({ kind: 'ack', ack: ack(1, 'v1[0]') });
    await co.idle();
    assert.equal(existsSync(join(dir, 'chk-1', '_metadata')), false);
    assert.equal(co.metrics().inProgress, 1);
    co.onReport({ kind: 'ack', ack: ack(1, 'v2[0]') });
    await co.idle();
    const manifest = readManifest(join(dir, 'chk-1'));
    assert.equal(manifest.checkpointId, 1);
    assert.equal(manifest.final, false);
    assert.deepEqual(manifest.operators.map((o) => [o.id, o.kind, o.subtasks]), [
      ['1', 'source', [{ subtask: 0, sourcePosition: { emitted: 10 } }]],
      ['2', 'sink', [{ subtask: 0, committables: ['file-1'] }]],
    ]);
    assert.deepEqual(manifest.operators[1].sink, { connector: 'filesystem', options: { path: '/x' } });
    assert.deepEqual(actions(), ['trigger1', 'complete1']);
    assert.deepEqual(commits.map((m) => m.checkpointId), [1]);
    assert.equal(co.latestCompleted()?.manifest.checkpointId, 1);
    assert.deepEqual({ ...co.metrics(), lastDurationMs: 0 }, {
      triggered: 1, completed: 1, failed: 0, inProgress: 0, lastCompletedId: 1, lastPath: join(dir, 'chk-1'),
      lastDurationMs: 0, lastSizeBytes: 0, lastAlignmentMs: 0, lastFailure: null,
    });
  });

  it('ignores acknowledgements from tasks of another attempt and of unknown checkpoints', async () => {
    const co = coordinator();
    co.startAttempt(TASKS);
    co.trigger();
    co.onReport({ kind: 'ack', ack: ack(1, 'v1[0]') });
    co.onReport({ kind: 'ack', ack: ack(1, 'v3[0]') });
    co.onReport({ kind: 'ack', ack: ack(7, 'v2[0]') });
    await co.idle();
    assert.equal(co.metrics().completed, 0);
    assert.equal(co.metrics().inProgress, 1);
  });

  it('aborts a declined checkpoint, deletes its directory and never uses it', async () => {
    const co = coordinator();
    co.startAttempt(TASKS);
    co.trigger();
    mkdirSync(join(dir, 'chk-1'));
    writeFileSync(join(dir, 'chk-1', 'op-1-0.keyed'), 'x');
    co.onReport({ kind: 'ack', ack: ack(1, 'v1[0]') });
    co.onReport({ kind: 'decline', decline: { checkpointId: 1, taskId: 'v2[0]', reason: 'source is not replayable' } });
    co.onReport({ kind: 'ack', ack: ack(1, 'v2[0]') });
    await co.idle();
    await waitFor(() => !existsSync(join(dir, 'chk-1')));
    assert.deepEqual(actions(), ['trigger1', 'abort1']);
    assert.equal(co.metrics().failed, 1);
    assert.match(co.metrics().lastFailure!, /checkpoint 1: declined by task v2\[0\]: source is not replayable/);
    assert.equal(co.latestCompleted(), null);
    assert.equal(commits.length, 0);
  });

  it('aborts a checkpoint that times out and deletes what was written', async () => {
    const co = coordinator({ timeout: 20 });
    co.startAttempt(TASKS);
    co.trigger();
    mkdirSync(join(dir, 'chk-1'));
    writeFileSync(join(dir, 'chk-1', 'op-1-0.keyed'), 'x');
    co.onReport({ kind: 'ack', ack: ack(1, 'v1[0]') });
    await waitFor(() => co.metrics().failed === 1 && !existsSync(join(dir, 'chk-1')));
    assert.match(co.metrics().lastFailure!, /timed out after 20 ms/);
    co.onReport({ kind: 'ack', ack: ack(1, 'v2[0]') });
    await co.idle();
    assert.equal(co.metrics().completed, 0);
    assert.deepEqual(actions(), ['trigger1', 'abort1']);
  });

  it('keeps the configured number of completed checkpoints and deletes the older ones', async () => {
    const co = coordinator({ retained: 2 });
    co.startAttempt(TASKS);
    for (let i = 1; i <= 4; i++) {
      const id = co.trigger()!;
      for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(id, t) });
      await co.idle();
    }
    assert.deepEqual(readdirSync(dir).sort(), ['chk-3', 'chk-4']);
    assert.equal(co.metrics().completed, 4);
  });

  it('runs at most max-concurrent checkpoints at once', () => {
    const co = coordinator({ maxConcurrent: 2 });
    co.startAttempt(TASKS);
    assert.deepEqual([co.trigger(), co.trigger(), co.trigger()], [1, 2, null]);
  });

  it('a newer completed checkpoint subsumes an older pending one', async () => {
    const co = coordinator({ maxConcurrent: 2 });
    co.startAttempt(TASKS);
    co.trigger();
    co.trigger();
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(2, t) });
    await co.idle();
    assert.deepEqual(actions(), ['trigger1', 'trigger2', 'abort1', 'complete2']);
    assert.equal(co.latestCompleted()?.manifest.checkpointId, 2);
  });

  it('counts a finished task\'s final report as its acknowledgement of pending and later checkpoints', async () => {
    const co = coordinator({ maxConcurrent: 2 });
    co.startAttempt(['v1[0]', 'v1[1]', 'v2[0]']);
    co.trigger();
    co.onReport({ kind: 'ack', ack: ack(1, 'v2[0]') });
    co.onReport({ kind: 'ack', ack: ack(1, 'v1[0]') });
    co.onReport({ kind: 'final', ack: ack(0, 'v1[1]', { subtaskIndex: 1, operators: [{ operatorId: '1', sourcePosition: 'end' }] }) });
    co.onTaskFinished('v1[1]');
    await co.idle();
    assert.deepEqual(readManifest(join(dir, 'chk-1')).operators[0].subtasks, [
      { subtask: 0, sourcePosition: { emitted: 10 } },
      { subtask: 1, sourcePosition: 'end' },
    ]);
    // Later checkpoints include it from the start; they need the running tasks only.
    assert.equal(co.trigger(), 2);
    for (const t of ['v1[0]', 'v2[0]']) co.onReport({ kind: 'ack', ack: ack(2, t) });
    await co.idle();
    assert.equal(co.latestCompleted()?.manifest.checkpointId, 2);
  });

  it('stops triggering once every source task finished', () => {
    const co = coordinator();
    co.startAttempt(TASKS);
    co.onReport({ kind: 'final', ack: ack(0, 'v1[0]') });
    co.onTaskFinished('v1[0]');
    assert.equal(co.trigger(), null);
  });

  it('aborts checkpoints that a task finishing without a final report did not acknowledge, and triggers no more', async () => {
    const co = coordinator();
    co.startAttempt(TASKS);
    co.trigger();
    co.onReport({ kind: 'ack', ack: ack(1, 'v1[0]') });
    co.onTaskFinished('v2[0]');
    assert.equal(co.trigger(), null);
    assert.deepEqual(actions(), ['trigger1', 'abort1']);
    assert.match(co.metrics().lastFailure!, /task v2\[0\] finished before acknowledging it/);
  });

  it('writes a final checkpoint with the last committables when every task finished', async () => {
    const co = coordinator();
    co.startAttempt(TASKS);
    co.trigger();
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(1, t) });
    for (const t of TASKS) co.onReport({ kind: 'final', ack: ack(0, t, { operators: t.startsWith('v1') ? [{ operatorId: '1', sourcePosition: 'end' }] : [{ operatorId: '2', committables: ['last'] }] }) });
    for (const t of TASKS) co.onTaskFinished(t);
    const manifest = await co.finalCheckpoint();
    assert.equal(manifest.checkpointId, 2);
    assert.equal(manifest.final, true);
    assert.deepEqual(manifest.operators[1].subtasks, [{ subtask: 0, committables: ['last'] }]);
    assert.deepEqual(commits.map((m) => m.checkpointId), [1, 2]);
    assert.deepEqual(readdirSync(dir), ['chk-2']);
  });

  it('fails the final checkpoint when a task sent no final report', async () => {
    const co = coordinator();
    co.startAttempt(TASKS);
    co.onReport({ kind: 'final', ack: ack(0, 'v1[0]') });
    await assert.rejects(co.finalCheckpoint(), /tasks v2\[0\] finished without reporting their final state/);
  });

  it('continues numbering after the checkpoint it was restored from', () => {
    const co = new CheckpointCoordinator({
      jobId: 'job', jobName: 'test', graph, maxParallelism: 128, jobDir: dir, interval: 0, timeout: 1000, minPause: 0, maxConcurrent: 1, retained: 1,
    }, { send: () => {}, commit: async () => {}, fatal: () => {} }, { dir: '/old/chk-7', manifest: { checkpointId: 7 } as CheckpointManifest });
    co.startAttempt(TASKS);
    assert.equal(co.trigger(), 8);
    assert.equal(co.latestCompleted()?.dir, '/old/chk-7');
  });

  it('triggers periodically and acknowledged checkpoints complete one after another', async () => {
    const co = coordinator({ interval: 5 }, (c, self) => {
      if (c.action === 'trigger') queueMicrotask(() => { for (const t of TASKS) self.onReport({ kind: 'ack', ack: ack(c.checkpointId, t) }); });
    });
    co.startAttempt(TASKS);
    await waitFor(() => co.metrics().completed >= 3);
    co.suspend('test over');
    await co.idle();
    assert.deepEqual(commits.slice(0, 3).map((m) => m.checkpointId), [1, 2, 3]);
    assert.deepEqual(fatal, []);
  });

  it('takes a savepoint into its own directory, outside retention; it subsumes older pending checkpoints', async () => {
    const co = coordinator({ retained: 1 });
    co.startAttempt(TASKS);
    co.trigger();
    const savepoints = join(dir, 'savepoints');
    const path = co.triggerSavepoint(savepoints, false);
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(2, t) });
    const where = await path;
    assert.match(where, /savepoints\/savepoint-job-[0-9a-f]{12}$/);
    assert.equal(readManifest(where).kind, 'savepoint');
    assert.equal(readManifest(where).checkpointId, 2);
    await co.idle();
    assert.deepEqual(actions(), ['trigger1', 'trigger2', 'abort1', 'complete2']);
    assert.equal(co.latestCompleted()?.dir, where);
    // Later checkpoints go on, and retention leaves the savepoint alone.
    const id = co.trigger()!;
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(id, t) });
    await co.idle();
    assert.ok(existsSync(where));
    assert.deepEqual(commits.map((m) => m.checkpointId), [2, 3]);
  });

  it('after a stop-with-savepoint savepoint no checkpoint is triggered or completed', async () => {
    const co = coordinator({ maxConcurrent: 3 });
    co.startAttempt(TASKS);
    const path = co.triggerSavepoint(join(dir, 'sp'), true);
    assert.equal(co.trigger(), null, 'no checkpoint while the job stops');
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(1, t) });
    await path;
    assert.equal(co.trigger(), null);
    await assert.rejects(co.triggerSavepoint(join(dir, 'sp'), false), /Cannot take a savepoint/);
  });

  it('rejects a savepoint that is declined', async () => {
    const co = coordinator();
    co.startAttempt(TASKS);
    const path = co.triggerSavepoint(join(dir, 'sp'), false);
    co.onReport({ kind: 'decline', decline: { checkpointId: 1, taskId: 'v1[0]', reason: 'no position' } });
    await assert.rejects(path, (e: { code?: string; message: string }) => e.code === 'CHECKPOINT_FAILED' && /Savepoint \(checkpoint 1\) failed: declined by task v1\[0\]: no position/.test(e.message));
  });

  it('fails the job when a completed checkpoint cannot be committed', async () => {
    const co = new CheckpointCoordinator({
      jobId: 'job', jobName: 'test', graph, maxParallelism: 128, jobDir: dir, interval: 0, timeout: 1000, minPause: 0, maxConcurrent: 1, retained: 1,
    }, { send: () => {}, commit: async () => { throw new Error('disk full'); }, fatal: (e) => fatal.push(e) });
    co.startAttempt(TASKS);
    co.trigger();
    for (const t of TASKS) co.onReport({ kind: 'ack', ack: ack(1, t) });
    await co.idle();
    assert.equal(fatal.length, 1);
    assert.match(String(fatal[0]), /disk full/);
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > until) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 2));
  }
}

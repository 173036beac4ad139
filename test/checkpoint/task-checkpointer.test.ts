import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CheckpointReport } from '../../src/checkpoint/checkpoint-messages.ts';
import type { CheckpointableChain, CheckpointableOperator } from '../../src/checkpoint/checkpointable.ts';
import { buildManifest, LATE_RECORDS_ID } from '../../src/checkpoint/manifest.ts';
import { TaskCheckpointer } from '../../src/checkpoint/task-checkpointer.ts';
import type { SourceReader } from '../../src/connectors/connector.ts';
import { HeapStateBackend } from '../../src/state/heap/heap-backend.ts';
import { stringSerializer } from '../../src/state/serializers.ts';
import { decodeSnapshot } from '../../src/state/snapshot.ts';
import { MailboxTimers } from '../../src/time/mailbox-timers.ts';
import type { JobGraph } from '../../src/plan/physical/job-graph.ts';

/** A chain of one operator with keyed state (one key) that pre-commits `['file-<id>']`, recording its hooks. */
function fakeChain(calls: string[]): { chain: CheckpointableChain; state: HeapStateBackend } {
  const state = new HeapStateBackend({ maxParallelism: 128, keyGroupRange: { start: 0, end: 127 }, ttlMs: 0, operatorName: 'op', subtaskIndex: 0 } as never);
  const value = state.declareValueState('v', stringSerializer);
  state.setCurrentKey(new Uint8Array([1]), 7);
  value.update('before');
  const op: CheckpointableOperator = {
    node: { kind: 'sink', id: 'n1', name: 'Sink(t)', outputSchema: [] } as never,
    state, timers: null,
    keyedState: () => state,
    timerService: () => { throw new Error('no timers'); },
    preCommit: async (id) => { calls.push(`preCommit ${id}`); return [`file-${id}`]; },
    notifyCheckpointComplete: async (id) => { calls.push(`complete ${id}`); },
    snapshotState: () => undefined,
    restoreState: () => {},
  };
  return {
    state,
    chain: {
      prepareSnapshot: async (id) => { calls.push(`prepare ${id}`); value.update('flushed'); },
      checkpointOperators: () => [op],
    },
  };
}

describe('TaskCheckpointer', () => {
  let dir: string;
  let reports: CheckpointReport[];
  let calls: string[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weir-task-checkpointer-'));
    reports = [];
    calls = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const identity = { taskId: 'v0[0]', vertexId: 'v0', subtaskIndex: 0, jobId: 'job' };

  it('at a triggered barrier: flushes, pre-commits, snapshots, forwards the barrier, then writes and acknowledges', async () => {
    const cp = new TaskCheckpointer(identity, dir, (r) => reports.push(r));
    const { chain, state } = fakeChain(calls);
    const barriers: number[] = [];
    const late = { id: LATE_RECORDS_ID, preCommit: async (id: number) => [`late-${id}`], notifyCheckpointComplete: (id: number) => { calls.push(`late complete ${id}`); } };
    const mailbox = new MailboxTimers();
    cp.attach(chain, { broadcast: (b) => barriers.push(b.checkpointId) }, mailbox, [late]);
    const hook = cp.sourceHook('n0');
    assert.equal(hook.pending(), false);
    cp.onCommand({ action: 'trigger', checkpointId: 3, timestamp: 1 });
    assert.equal(hook.pending(), true);
    const reader = { next: async () => null, close: async () => {}, snapshotPosition: () => ({ at: 42 }) } as SourceReader;
    await hook.inject(reader);
    // The barrier went on before the state was written; later writes are not in the snapshot.
    assert.deepEqual(barriers, [3]);
    assert.deepEqual(calls, ['prepare 3', 'preCommit 3']);
    state.setCurrentKey(new Uint8Array([1]), 7);
    state.declareValueState('v', stringSerializer).update('after the barrier');
    await cp.settle();
    assert.equal(reports.length, 1);
    const r = reports[0];
    assert.equal(r.kind, 'ack');
    if (r.kind !== 'ack') return;
    assert.equal(r.ack.checkpointId, 3);
    assert.deepEqual(r.ack.operators.map((o) => [o.operatorId, o.sourcePosition, o.committables, o.keyedState?.file]), [
      ['n0', { at: 42 }, undefined, undefined],
      [LATE_RECORDS_ID, undefined, ['late-3'], undefined],
      ['n1', undefined, ['file-3'], 'op-n1-0.keyed'],
    ]);
    const snapshot = decodeSnapshot(readFileSync(join(dir, 'chk-3', 'op-n1-0.keyed')));
    const entries = [...snapshot.entries('v', snapshot.keyGroups('v')[0])];
    assert.equal(stringSerializer.deserialize(entries[0].value), 'flushed');
    // Completion runs in the mailbox, for the operators and the late-data output.
    cp.onCommand({ action: 'complete', checkpointId: 3 });
    await mailbox.runDue();
    assert.deepEqual(calls.slice(2), ['complete 3', 'late complete 3']);
  });

  it('declines a checkpoint when the source cannot record its position', async () => {
    const cp = new TaskCheckpointer(identity, dir, (r) => reports.push(r));
    cp.attach(fakeChain(calls).chain, { broadcast: () => assert.fail('no barrier') }, new MailboxTimers());
    cp.onCommand({ action: 'trigger', checkpointId: 1, timestamp: 1 });
    await cp.sourceHook('n0').inject({ next: async () => null, close: async () => {} });
    assert.deepEqual(reports, [{ kind: 'decline', decline: { checkpointId: 1, taskId: 'v0[0]', reason: 'source n0 cannot record its read position (it is not replayable)', kind: 'not-checkpointing' } }]);
    assert.equal(existsSync(join(dir, 'chk-1')), false);
  });

  it('an aborted trigger is dropped; at the end the final report carries the last committables and position', async () => {
    const cp = new TaskCheckpointer(identity, dir, (r) => reports.push(r));
    cp.attach(fakeChain(calls).chain, { broadcast: () => {} }, new MailboxTimers(), [{ id: LATE_RECORDS_ID, preCommit: async () => [], notifyCheckpointComplete: () => {} }]);
    const hook = cp.sourceHook('n0');
    cp.onCommand({ action: 'trigger', checkpointId: 5, timestamp: 1 });
    cp.onCommand({ action: 'abort', checkpointId: 5 });
    assert.equal(hook.pending(), false);
    hook.exhausted({ next: async () => null, close: async () => {}, snapshotPosition: () => 'end' });
    await cp.finish();
    assert.equal(reports.length, 1);
    const r = reports[0];
    assert.equal(r.kind, 'final');
    if (r.kind !== 'final') return;
    assert.deepEqual(r.ack.operators, [{ operatorId: 'n0', sourcePosition: 'end' }, { operatorId: 'n1', committables: [`file-${Number.MAX_SAFE_INTEGER}`] }]);
  });

  it('is not created when checkpointing is off', async () => {
    const { Configuration } = await import('../../src/config/configuration.ts');
    assert.equal(TaskCheckpointer.create(identity, new Configuration({}), () => {}), null);
    assert.ok(TaskCheckpointer.create(identity, new Configuration({ 'execution.checkpointing.interval': '1 s' }), () => {}));
  });
});

describe('manifest', () => {
  it('records the late-data output\'s committables as a sink, committed with its connector', () => {
    const graph: JobGraph = { bounded: true, edges: [], vertices: [{ id: 'v0', name: 'x', parallelism: 1, chain: [{ kind: 'source', id: 'n0', name: 'Source(s)', outputSchema: [], connector: 'datagen', options: {} }] }] };
    const manifest = buildManifest({
      checkpointId: 1, jobId: 'j', jobName: 'j', graph, maxParallelism: 128, final: false, triggeredAt: 0, completedAt: 0,
      lateRecordsSink: { table: 'late', connector: 'filesystem', options: { path: '/late', format: 'json' } },
      acks: [{ checkpointId: 1, taskId: 'v0[0]', vertexId: 'v0', subtaskIndex: 0, alignmentMs: 0, syncMs: 0, asyncMs: 0, bytes: 0, operators: [{ operatorId: LATE_RECORDS_ID, committables: ['f'] }] }],
    });
    const late = manifest.operators.find((o) => o.id === LATE_RECORDS_ID)!;
    assert.deepEqual([late.kind, late.name, late.sink, late.subtasks], ['sink', 'LateRecords(late)', { connector: 'filesystem', options: { path: '/late', format: 'json' } }, [{ subtask: 0, committables: ['f'] }]]);
  });
});

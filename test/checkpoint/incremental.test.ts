// Incremental checkpoints end to end on the task side and in storage: deltas in the shared directory restore the
// state of their barrier, retention keeps exactly the files retained checkpoints need, an aborted checkpoint or a
// failed write does not corrupt later ones, chains restore at another parallelism, and savepoints stand alone.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { CheckpointReport, TaskAck } from '../../src/checkpoint/checkpoint-messages.ts';
import { checkpointDir, deleteCheckpoint, deleteIncompleteCheckpoints, moveToSavepoint, readManifest, resolveCheckpoint, retainCheckpoints, sharedDir, writeManifest } from '../../src/checkpoint/checkpoint-storage.ts';
import type { CheckpointableChain, CheckpointableOperator } from '../../src/checkpoint/checkpointable.ts';
import { DEFAULT_CHAIN_POLICY } from '../../src/checkpoint/keyed-chain.ts';
import { CHECKPOINT_FORMAT, CHECKPOINT_FORMAT_VERSION, type CheckpointManifest } from '../../src/checkpoint/manifest.ts';
import { TaskCheckpointer } from '../../src/checkpoint/task-checkpointer.ts';
import { restoreOperators } from '../../src/checkpoint/task-restore.ts';
import { keyGroupRangeFor, type KeyGroupRange } from '../../src/state/key-groups.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state.ts';
import { decodeSnapshot } from '../../src/state/snapshot.ts';
import { MailboxTimers } from '../../src/time/mailbox-timers.ts';
import { FakeClock, MAX_PARALLELISM, keysIn, makeBackend } from '../state/helpers.ts';
import { contents, declareTables, randomWrites, seededRandom } from '../state/random-workload.ts';

const NODE = { kind: 'group-aggregate', id: 'n1', name: 'GroupAggregate(x)', outputSchema: [] } as never;

/** The manifest of checkpoint `id` of the one operator n1 (what the coordinator's manifest holds for it). */
function manifestOf(id: number, acks: readonly TaskAck[], parallelism: number, kind: CheckpointManifest['kind'] = 'checkpoint'): CheckpointManifest {
  return {
    format: CHECKPOINT_FORMAT, formatVersion: CHECKPOINT_FORMAT_VERSION, checkpointId: id, jobId: 'job', jobName: 'job', kind, final: false,
    planFingerprint: '', maxParallelism: MAX_PARALLELISM, triggeredAt: 0, completedAt: id, sizeBytes: 0,
    operators: [{
      id: 'n1', uid: null, kind: 'group-aggregate', name: 'GroupAggregate(x)', signature: '', vertexId: 'v1', parallelism,
      subtasks: acks.map((a) => ({ subtask: a.subtaskIndex, keyedState: a.operators[0].keyedState })),
    }],
  } as CheckpointManifest;
}

/** An operator chain of one operator with keyed state `state`. */
function chainOf(state: KeyedStateBackend): CheckpointableChain {
  const op: CheckpointableOperator = {
    node: NODE, state, timers: null,
    keyedState: () => state,
    timerService: () => { throw new Error('no timers'); },
    preCommit: async () => undefined,
    notifyCheckpointComplete: async () => {},
    snapshotState: () => undefined,
    restoreState: () => {},
  };
  return { prepareSnapshot: async () => {}, checkpointOperators: () => [op] };
}

/** One subtask: the checkpointed backend, a mirror with the same writes (for full snapshots), its checkpointer. */
class Subtask {
  readonly range: KeyGroupRange;
  readonly state: KeyedStateBackend;
  readonly mirror: KeyedStateBackend;
  readonly keys: number[];
  readonly reports: CheckpointReport[] = [];
  readonly checkpointer: TaskCheckpointer;

  constructor(readonly jobDir: string, readonly index: number, parallelism: number, readonly clock: FakeClock, maxDeltas = 50) {
    this.range = keyGroupRangeFor(index, MAX_PARALLELISM, parallelism);
    this.state = makeBackend('heap', { range: this.range, clock: clock.now, subtask: index, parallelism });
    this.mirror = makeBackend('heap', { range: this.range, clock: clock.now, subtask: index, parallelism });
    declareTables(this.state);
    declareTables(this.mirror);
    this.keys = keysIn(this.range, 400);
    const identity = { taskId: `v1[${index}]`, vertexId: 'v1', subtaskIndex: index, jobId: 'job' };
    this.checkpointer = new TaskCheckpointer(identity, jobDir, (r) => this.reports.push(r), { ...DEFAULT_CHAIN_POLICY, maxDeltas });
    this.checkpointer.attach(chainOf(this.state), { broadcast: () => {} }, new MailboxTimers());
  }

  write(random: () => number, ops: number): void {
    this.clock.advance(5);
    randomWrites(random, [this.state, this.mirror], this.keys, ops);
  }

  /** Barrier `id` (not awaited to the end of the write). */
  barrier(id: number): Promise<void> {
    return this.checkpointer.onBarrier({ kind: 'barrier', checkpointId: id, timestamp: id, savepoint: false });
  }

  /** What a restore of checkpoint `id` must give: the mirror's state now (call right at the barrier). */
  expected(): string[] {
    const s = this.mirror.snapshot(0);
    try { return contents(s); } finally { s.release(); }
  }

  ack(id: number): TaskAck {
    const r = this.reports.find((x) => x.kind === 'ack' && x.ack.checkpointId === id);
    assert.ok(r && r.kind === 'ack', `checkpoint ${id} acknowledged (reports: ${JSON.stringify(this.reports.map((x) => x.kind === 'decline' ? x.decline : x.kind))})`);
    return r.ack;
  }

  declined(id: number): boolean {
    return this.reports.some((x) => x.kind === 'decline' && x.decline.checkpointId === id);
  }
}

/** Completes checkpoint `id` as the coordinator does: manifest, then retention. Returns its directory. */
async function complete(jobDir: string, id: number, acks: TaskAck[], parallelism: number, retained = 1): Promise<string> {
  const dir = checkpointDir(jobDir, id);
  await writeManifest(dir, manifestOf(id, acks, parallelism));
  await retainCheckpoints(jobDir, retained);
  return dir;
}

/** Restores the checkpoint in `dir` into `parallelism` new subtasks and lists their state. */
async function restoredContents(dir: string, parallelism: number, clock: FakeClock): Promise<string[]> {
  const manifest = readManifest(dir);
  const op = manifest.operators.find((o) => o.id === 'n1')!;
  const out: string[] = [];
  for (let s = 0; s < parallelism; s++) {
    const range = keyGroupRangeFor(s, MAX_PARALLELISM, parallelism);
    const state = makeBackend('heap', { range, clock: clock.now, subtask: s, parallelism });
    declareTables(state);
    const files = op.subtasks.filter((st) => st.keyedState && st.keyedState.keyGroupRange.start <= range.end && range.start <= st.keyedState.keyGroupRange.end).map((st) => join(dir, st.keyedState!.file));
    await restoreOperators(chainOf(state), { checkpointId: manifest.checkpointId, operators: { n1: { keyedState: files, timers: [], operatorState: [] } } }, range);
    const snap = state.snapshot(0);
    out.push(...contents(snap));
    snap.release();
    await state.dispose();
  }
  return out.sort();
}

const sharedFiles = (jobDir: string) => (existsSync(sharedDir(jobDir)) ? readdirSync(sharedDir(jobDir)).sort() : []);

describe('incremental checkpoints', () => {
  let root: string;
  let jobDir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'weir-incremental-'));
    jobDir = join(root, 'job');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('writes a full snapshot then deltas to the shared directory; every checkpoint restores the state of its barrier', async () => {
    const clock = new FakeClock();
    const t = new Subtask(jobDir, 0, 1, clock);
    const random = seededRandom(21);
    for (let id = 1; id <= 5; id++) {
      t.write(random, id === 1 ? 800 : 40);
      await t.barrier(id);
      const expected = t.expected();
      t.write(random, 40); // after the barrier: in no snapshot of checkpoint `id`
      await t.checkpointer.settle();
      const keyed = t.ack(id).operators[0].keyedState!;
      assert.equal(keyed.file, `../shared/op-n1-0-${id}.keyed`);
      assert.deepEqual(keyed.chain, Array.from({ length: id }, (_, i) => `../shared/op-n1-0-${i + 1}.keyed`));
      if (id > 1) assert.ok(keyed.bytes * 5 < t.ack(1).operators[0].keyedState!.bytes, `delta ${id} is small (${keyed.bytes} B)`);
      const dir = await complete(jobDir, id, [t.ack(id)], 1);
      assert.deepEqual(await restoredContents(dir, 1, clock), expected, `restore of checkpoint ${id}`);
      assert.equal(existsSync(checkpointDir(jobDir, id - 1)), false, 'one checkpoint retained');
      assert.deepEqual(sharedFiles(jobDir), keyed.chain!.map((f) => f.slice('../shared/'.length)).sort(), 'the chain is kept whole');
    }
  });

  it('retention deletes exactly the shared files no retained checkpoint needs, and never those of checkpoints in progress', async () => {
    const clock = new FakeClock();
    const t = new Subtask(jobDir, 0, 1, clock, 2); // a full snapshot after every 2 deltas
    const random = seededRandom(22);
    for (let id = 1; id <= 5; id++) {
      t.write(random, 100);
      await t.barrier(id);
      await t.checkpointer.settle();
    }
    assert.deepEqual(t.ack(4).operators[0].keyedState!.chain, ['../shared/op-n1-0-4.keyed'], 'checkpoint 4 starts a new chain');
    // Checkpoint 2 completes with 2 retained, then 3 (5 is still in progress: its file must survive).
    await complete(jobDir, 2, [t.ack(2)], 1, 2);
    await complete(jobDir, 3, [t.ack(3)], 1, 2);
    assert.deepEqual(sharedFiles(jobDir), ['op-n1-0-1.keyed', 'op-n1-0-2.keyed', 'op-n1-0-3.keyed', 'op-n1-0-4.keyed', 'op-n1-0-5.keyed']);
    writeFileSync(join(sharedDir(jobDir), 'op-n9-0-1.keyed'), 'orphan of an aborted checkpoint');
    await complete(jobDir, 4, [t.ack(4)], 1, 2);
    assert.deepEqual(sharedFiles(jobDir), ['op-n1-0-1.keyed', 'op-n1-0-2.keyed', 'op-n1-0-3.keyed', 'op-n1-0-4.keyed', 'op-n1-0-5.keyed'], 'checkpoint 3, retained, needs 1-3');
    await complete(jobDir, 5, [t.ack(5)], 1, 2);
    assert.deepEqual(sharedFiles(jobDir), ['op-n1-0-4.keyed', 'op-n1-0-5.keyed']);
    // Checkpoint 6 never completes; once the job has stopped, its file goes too.
    t.write(random, 10);
    await t.barrier(6);
    await t.checkpointer.settle();
    await retainCheckpoints(jobDir, 2);
    assert.ok(sharedFiles(jobDir).includes('op-n1-0-6.keyed'), 'kept while checkpoints may be in progress');
    await deleteIncompleteCheckpoints(jobDir);
    assert.deepEqual(sharedFiles(jobDir), ['op-n1-0-4.keyed', 'op-n1-0-5.keyed']);
  });

  it('an aborted checkpoint does not break the next one: its delta stays the base of the next', async () => {
    const clock = new FakeClock();
    const t = new Subtask(jobDir, 0, 1, clock);
    const random = seededRandom(23);
    t.write(random, 500);
    await t.barrier(1);
    await t.checkpointer.settle();
    await complete(jobDir, 1, [t.ack(1)], 1);
    t.write(random, 60);
    await t.barrier(2);
    await t.checkpointer.settle();
    // Checkpoint 2 is aborted (another task declined it): the coordinator deletes its directory, never its manifest.
    await deleteCheckpoint(checkpointDir(jobDir, 2));
    t.write(random, 60);
    await t.barrier(3);
    const expected = t.expected();
    await t.checkpointer.settle();
    assert.deepEqual(t.ack(3).operators[0].keyedState!.chain, ['../shared/op-n1-0-1.keyed', '../shared/op-n1-0-2.keyed', '../shared/op-n1-0-3.keyed']);
    const dir = await complete(jobDir, 3, [t.ack(3)], 1);
    assert.deepEqual(await restoredContents(dir, 1, clock), expected);
  });

  it('a failed write breaks the chain: a delta taken on it declines and the next snapshot is full', async () => {
    const clock = new FakeClock();
    const t = new Subtask(jobDir, 0, 1, clock);
    const random = seededRandom(24);
    t.write(random, 300);
    await t.barrier(1);
    await t.checkpointer.settle();
    mkdirSync(join(sharedDir(jobDir), 'op-n1-0-2.keyed'), { recursive: true }); // the file cannot be written
    t.write(random, 30);
    await t.barrier(2);
    t.write(random, 30);
    await t.barrier(3); // taken as a delta on 2 before 2's write failed
    await t.checkpointer.settle();
    assert.ok(t.declined(2) && t.declined(3), 'both declined');
    t.write(random, 30);
    await t.barrier(4);
    const expected = t.expected();
    await t.checkpointer.settle();
    const keyed = t.ack(4).operators[0].keyedState!;
    assert.deepEqual(keyed.chain, ['../shared/op-n1-0-4.keyed'], 'a new chain');
    assert.equal(decodeSnapshot(new Uint8Array(await import('node:fs/promises').then((fs) => fs.readFile(join(checkpointDir(jobDir, 4), keyed.file))))).delta, false);
    const dir = await complete(jobDir, 4, [t.ack(4)], 1);
    assert.deepEqual(await restoredContents(dir, 1, clock), expected);
  });

  it('restores chains of 2 subtasks into 3 and into 1', async () => {
    const clock = new FakeClock();
    const tasks = [0, 1].map((s) => new Subtask(jobDir, s, 2, clock));
    const random = seededRandom(25);
    let expected: string[] = [];
    for (let id = 1; id <= 4; id++) {
      for (const t of tasks) { t.write(random, id === 1 ? 400 : 40); await t.barrier(id); }
      expected = tasks.flatMap((t) => t.expected()).sort();
      for (const t of tasks) await t.checkpointer.settle();
    }
    assert.equal(tasks[0].ack(4).operators[0].keyedState!.chain!.length, 4);
    const dir = await complete(jobDir, 4, tasks.map((t) => t.ack(4)), 2);
    assert.deepEqual(await restoredContents(dir, 3, clock), expected);
    assert.deepEqual(await restoredContents(dir, 1, clock), expected);
  });

  it('a savepoint stands alone: it restores after the job\'s checkpoint directory is deleted', async () => {
    const clock = new FakeClock();
    const t = new Subtask(jobDir, 0, 1, clock);
    const random = seededRandom(26);
    for (let id = 1; id <= 3; id++) {
      t.write(random, id === 1 ? 500 : 50);
      await t.barrier(id);
      await t.checkpointer.settle();
    }
    const expected = t.expected();
    const dir = checkpointDir(jobDir, 3);
    await writeManifest(dir, manifestOf(3, [t.ack(3)], 1, 'savepoint'));
    const savepoint = await moveToSavepoint(dir, join(root, 'savepoints'), 'job');
    assert.ok(sharedFiles(jobDir).includes('op-n1-0-3.keyed'), 'the task\'s chain goes on: its files stay');
    rmSync(jobDir, { recursive: true, force: true });
    const resolved = resolveCheckpoint(savepoint);
    assert.equal(resolved.manifest.operators[0].subtasks[0].keyedState!.file, 'op-n1-0-3.keyed');
    assert.deepEqual(await restoredContents(resolved.dir, 1, clock), expected);
  });

  it('without incremental checkpoints, every checkpoint writes all state into its own directory', async () => {
    const t = new Subtask(jobDir, 0, 1, new FakeClock());
    const plain = new TaskCheckpointer({ taskId: 'v1[0]', vertexId: 'v1', subtaskIndex: 0, jobId: 'job' }, jobDir, (r) => t.reports.push(r));
    plain.attach(chainOf(t.state), { broadcast: () => {} }, new MailboxTimers());
    t.write(seededRandom(27), 100);
    await plain.onBarrier({ kind: 'barrier', checkpointId: 1, timestamp: 1, savepoint: false });
    await plain.settle();
    assert.deepEqual(t.ack(1).operators[0].keyedState, { file: 'op-n1-0.keyed', bytes: t.ack(1).operators[0].keyedState!.bytes, keyGroupRange: { start: 0, end: 127 } });
    assert.deepEqual(sharedFiles(jobDir), []);
  });
});

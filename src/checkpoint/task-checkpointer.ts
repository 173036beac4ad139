import type { Configuration } from '../config/configuration.ts';
import { CheckpointOptions } from '../config/options.ts';
import type { SourceReader } from '../connectors/connector.ts';
import type { InputGate } from '../exec/channel/input-gate.ts';
import type { StreamMessage } from '../exec/stream-message.ts';
import { encodeSnapshot, encodeSnapshotFile, type StateSnapshot } from '../state/snapshot.ts';
import type { KeyGroupTimers } from '../time/timer-service.ts';
import type { ProcessingTimeService } from '../time/processing-time.ts';
import { BarrierAligner, type Barrier } from './barrier-aligner.ts';
import type { CheckpointCommand, CheckpointReport, OperatorAck, TaskAck, TaskDecline } from './checkpoint-messages.ts';
import { checkpointDir, jobCheckpointsDir, sharedDir, sharedFileRef, sharedStateFileName, stateFileName, writeStateFile } from './checkpoint-storage.ts';
import type { CheckpointableChain, CheckpointableOperator } from './checkpointable.ts';
import { DEFAULT_CHAIN_POLICY, KeyedChains, type ChainedSnapshot } from './keyed-chain.ts';
import { encodeOperatorState } from './operator-state.ts';
import { encodeTimers } from './timer-snapshot.ts';

/** Which task this is. */
export interface TaskIdentity {
  readonly taskId: string;
  readonly vertexId: string;
  readonly subtaskIndex: number;
  readonly jobId: string;
}

/** What the task's source driver calls between batches (src/exec/task/source-driver.ts). */
export interface SourceCheckpointHook {
  /** A checkpoint was triggered and waits for this source to inject its barrier. */
  pending(): boolean;
  /** Between two batches (no read in flight): records the reader's position, snapshots the chain, sends the barrier. */
  inject(reader: SourceReader): Promise<void>;
  /** The reader is exhausted: its last position goes into the job's final checkpoint. */
  exhausted(reader: SourceReader): void;
}

/**
 * Something besides the chain's operators that writes to a sink and takes part in two-phase commit: the task's
 * late-data side output. Its committables are recorded under `id` (see LATE_RECORDS_ID in manifest.ts).
 */
export interface CommitParticipant {
  readonly id: string;
  preCommit(checkpointId: number): Promise<readonly unknown[]>;
  notifyCheckpointComplete(checkpointId: number): void;
}

/** The id a sink's last pre-commit gets at the end of input (the job numbers its final checkpoint itself). */
const FINAL_PRECOMMIT = Number.MAX_SAFE_INTEGER;

interface TakenSnapshot {
  readonly op: CheckpointableOperator;
  readonly keyed: StateSnapshot | null;
  /** Incremental checkpoints: where `keyed` goes in the operator's chain of shared files. */
  readonly chained: ChainedSnapshot | null;
  readonly timers: KeyGroupTimers[] | null;
  readonly operatorState: unknown;
  readonly committables?: readonly unknown[];
  /** `keyed` encoded (then released) right after the barrier went on, or why it could not be. */
  encoded?: { readonly data: Uint8Array } | { readonly error: unknown };
}

/**
 * The task side of checkpointing, one per task when `execution.checkpointing.interval` is set (null otherwise, so
 * a job without checkpoints runs exactly as before). Source tasks inject barrier N between two batches when the
 * coordinator triggers N; tasks with inputs align barriers ({@link BarrierAligner}). Either way, at barrier N:
 *
 * 1. `prepareSnapshot` on every operator in chain order (UDF bundles flushed, mini-batches folded);
 * 2. `preCommit` on two-phase-commit sinks (their committables);
 * 3. synchronously, with no await in between: keyed state, timers and operator state of every operator are snapshotted
 *    (copy-on-write, no data copied) and the barrier is sent downstream;
 * 4. keyed state is encoded right after the barrier went on, before the task processes on: while a snapshot is
 *    held, every key group the task writes to is copied (copy-on-write), which costs more than encoding at once;
 * 5. asynchronously: the files are written, then the acknowledgement (files, sizes, source position,
 *    committables, timings) goes to the coordinator. Checkpoints are written one after the other, in order.
 *
 * With incremental checkpoints (`execution.checkpointing.incremental`, on by default) keyed state goes to the job's
 * shared directory as a chain per operator: a full snapshot, then deltas, each on the snapshot this task took before
 * (completed or not: a delta's base file is written before it, and the coordinator keeps every file a retained
 * checkpoint's chain names). A failed write breaks the chain: deltas taken on it decline, the next snapshot is full.
 */
export class TaskCheckpointer {
  private readonly triggers: { checkpointId: number; timestamp: number }[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly jobDir: string;
  private aligner: BarrierAligner | null = null;
  private attached: { chain: CheckpointableChain; writer: BarrierWriter; mailbox: ProcessingTimeService } | null = null;
  private participants: readonly CommitParticipant[] = [];
  private finalSource: { operatorId: string; position: unknown } | null = null;
  /** Incremental checkpoints: the operators' chains of keyed-state files (null: every checkpoint writes all state). */
  private readonly chains: KeyedChains | null;
  /** The last checkpoint being written: the next one is written after it. */
  private writing: Promise<void> = Promise.resolve();

  /** A checkpointer when checkpointing is on in `config`, else null. */
  static create(identity: TaskIdentity, config: Configuration, report: (r: CheckpointReport) => void): TaskCheckpointer | null {
    if (!(config.get(CheckpointOptions.INTERVAL) > 0)) return null;
    const incremental = config.get(CheckpointOptions.INCREMENTAL)
      ? { ...DEFAULT_CHAIN_POLICY, maxDeltas: Math.max(0, config.get(CheckpointOptions.INCREMENTAL_MAX_DELTAS)) }
      : null;
    return new TaskCheckpointer(identity, jobCheckpointsDir(config, identity.jobId), report, incremental);
  }

  /** `incremental`: the chain policy for incremental keyed-state checkpoints; null for full snapshots only. */
  constructor(private readonly identity: TaskIdentity, jobDir: string, private readonly report: (r: CheckpointReport) => void, incremental: typeof DEFAULT_CHAIN_POLICY | null = null) {
    this.jobDir = jobDir;
    this.chains = incremental ? new KeyedChains(incremental) : null;
  }

  /** The task's chain is open: barriers can be taken from here on. Completion notices run in `mailbox`. */
  attach(chain: CheckpointableChain, writer: BarrierWriter, mailbox: ProcessingTimeService, participants: readonly CommitParticipant[] = []): void {
    this.attached = { chain, writer, mailbox };
    this.participants = participants;
  }

  /** A command from the coordinator (arrives on the slot thread's port, between the task's own steps). */
  onCommand(command: CheckpointCommand): void {
    switch (command.action) {
      case 'trigger':
        this.triggers.push({ checkpointId: command.checkpointId, timestamp: command.timestamp });
        return;
      case 'abort': {
        this.aligner?.abort(command.checkpointId);
        const i = this.triggers.findIndex((t) => t.checkpointId === command.checkpointId);
        if (i >= 0) this.triggers.splice(i, 1);
        return;
      }
      case 'complete': {
        const target = this.attached;
        if (!target) return;
        // Run in the task's mailbox: never concurrently with the operators' other hooks.
        target.mailbox.schedule(target.mailbox.now(), async () => {
          for (const op of target.chain.checkpointOperators()) await op.notifyCheckpointComplete(command.checkpointId);
          for (const p of this.participants) p.notifyCheckpointComplete(command.checkpointId);
        });
      }
    }
  }

  /** The task's input, with barriers aligned across its channels. */
  align(gate: InputGate): BarrierAligner {
    this.aligner = new BarrierAligner(gate, {
      aborted: (checkpointId, reason) => this.decline(checkpointId, reason, 'subsumed'),
    });
    return this.aligner;
  }

  /** An aligned barrier from {@link align}'s input: snapshot and forward it. */
  async onBarrier(message: StreamMessage & { kind: 'barrier' }): Promise<void> {
    await this.perform(message, this.aligner?.lastAlignmentMs ?? 0, null);
  }

  /** The hooks a source task's driver calls; `operatorId` is the source node's. */
  sourceHook(operatorId: string): SourceCheckpointHook {
    return {
      pending: () => this.triggers.length > 0,
      inject: async (reader) => {
        const trigger = this.triggers.shift();
        if (!trigger) return;
        if (!reader.snapshotPosition) {
          this.decline(trigger.checkpointId, `source ${operatorId} cannot record its read position (it is not replayable)`, 'not-checkpointing');
          return;
        }
        const barrier: Barrier = { kind: 'barrier', checkpointId: trigger.checkpointId, timestamp: trigger.timestamp, savepoint: false };
        await this.perform(barrier, 0, { operatorId, position: reader.snapshotPosition() });
      },
      exhausted: (reader) => {
        this.triggers.length = 0;
        if (reader.snapshotPosition) this.finalSource = { operatorId, position: reader.snapshotPosition() };
      },
    };
  }

  /**
   * Input ended and the operators flushed: reports the sinks' last committables (and a source's last position)
   * for the job's final checkpoint. Called after `endInput`.
   */
  async finish(): Promise<void> {
    await this.settle();
    const operators: OperatorAck[] = this.finalSource ? [{ operatorId: this.finalSource.operatorId, sourcePosition: this.finalSource.position }] : [];
    for (const op of this.attached?.chain.checkpointOperators() ?? []) {
      const committables = await op.preCommit(FINAL_PRECOMMIT);
      if (committables?.length) operators.push({ operatorId: op.node.id, committables });
    }
    operators.push(...await this.participantCommittables(FINAL_PRECOMMIT));
    this.report({ kind: 'final', ack: this.ack(0, operators, 0, 0, 0, 0) });
  }

  /** Waits for snapshots still being written (before the task closes its state). */
  async settle(): Promise<void> {
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  private async perform(barrier: Barrier, alignmentMs: number, source: { operatorId: string; position: unknown } | null): Promise<void> {
    const { chain, writer } = this.attached!;
    const id = barrier.checkpointId;
    const started = performance.now();
    await chain.prepareSnapshot(id);
    const operators = chain.checkpointOperators();
    const committables = new Map<string, readonly unknown[]>();
    for (const op of operators) {
      const c = await op.preCommit(id);
      if (c) committables.set(op.node.id, c);
    }
    const others = await this.participantCommittables(id);
    // From here to the broadcast nothing awaits: no input, timer or callback can change state in between.
    const taken: TakenSnapshot[] = operators.map((op) => {
      const chained = op.state && this.chains
        ? this.chains.take(op.node.id, op.state, id, sharedStateFileName(op.node.id, this.identity.subtaskIndex, id))
        : null;
      return {
        op,
        keyed: chained?.snapshot ?? op.state?.snapshot(id) ?? null,
        chained,
        timers: op.timers && op.timers.size > 0 ? op.timers.snapshot() : null,
        operatorState: op.snapshotState(id),
        committables: committables.get(op.node.id),
      };
    });
    writer.broadcast(barrier);
    const syncMs = performance.now() - started;
    const encodeStarted = performance.now();
    for (const t of taken) t.encoded = this.encodeKeyed(t);
    const encodeMs = performance.now() - encodeStarted;
    const fixed = source ? [{ operatorId: source.operatorId, sourcePosition: source.position }, ...others] : others;
    // In order: a delta's base file must be written (or known lost) before the delta.
    const write = this.writing.then(() => this.persist(id, taken, fixed, alignmentMs, syncMs, encodeMs));
    this.writing = write;
    this.inFlight.add(write);
    void write.finally(() => this.inFlight.delete(write));
  }

  /** Encodes an operator's keyed snapshot and releases it; an encoding failure breaks its chain. */
  private encodeKeyed(t: TakenSnapshot): TakenSnapshot['encoded'] {
    if (!t.keyed) return undefined;
    try {
      if (!t.chained) return { data: encodeSnapshot(t.keyed) };
      const { bytes, entries } = encodeSnapshotFile(t.keyed, t.chained.base);
      t.chained.chain.entries += entries;
      return { data: bytes };
    } catch (error) {
      if (t.chained) t.chained.chain.broken = true;
      return { error };
    } finally {
      t.keyed.release();
    }
  }

  /**
   * Writes the snapshots (already encoded and released: {@link encodeKeyed}) after the task has moved on, then
   * acknowledges (or declines on an error). `fixed`: what needs no file (a source's position, participants'
   * committables).
   */
  private async persist(id: number, taken: readonly TakenSnapshot[], fixed: OperatorAck[], alignmentMs: number, syncMs: number, encodeMs: number): Promise<void> {
    const started = performance.now() - encodeMs;
    try {
      await new Promise((r) => setImmediate(r));
      const dir = checkpointDir(this.jobDir, id);
      const acks: OperatorAck[] = [...fixed];
      let bytes = 0;
      for (const { op, keyed, chained, encoded, timers, operatorState, committables } of taken) {
        const writeFile = (kind: 'keyed' | 'timers' | 'opstate', data: Uint8Array) => {
          const file = stateFileName(op.node.id, this.identity.subtaskIndex, kind);
          writeStateFile(dir, file, data);
          bytes += data.byteLength;
          return { file, bytes: data.byteLength };
        };
        const ack: { -readonly [K in keyof OperatorAck]: OperatorAck[K] } = { operatorId: op.node.id };
        if (encoded && 'error' in encoded) throw encoded.error;
        if (chained && encoded) {
          ack.keyedState = this.writeChained(chained, encoded.data);
          bytes += ack.keyedState.bytes;
        } else if (keyed && encoded) {
          ack.keyedState = { ...writeFile('keyed', encoded.data), keyGroupRange: keyed.manifest.keyGroupRange };
        }
        if (timers) ack.timers = writeFile('timers', encodeTimers(id, timers));
        if (operatorState !== undefined) ack.operatorState = writeFile('opstate', encodeOperatorState(id, operatorState));
        if (committables?.length) ack.committables = committables;
        if (ack.keyedState || ack.timers || ack.operatorState || ack.committables) acks.push(ack);
      }
      this.report({ kind: 'ack', ack: this.ack(id, acks, alignmentMs, syncMs, performance.now() - started, bytes) });
    } catch (e) {
      this.decline(id, `writing its state failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Writes an encoded snapshot of a chain to the shared directory; a failure breaks the chain (and declines). */
  private writeChained(c: ChainedSnapshot, data: Uint8Array): NonNullable<OperatorAck['keyedState']> {
    if (c.chain.broken) throw new Error(`the keyed-state file this checkpoint's delta applies to (${c.base}) could not be written`);
    try {
      writeStateFile(sharedDir(this.jobDir), c.file, data);
      return { file: sharedFileRef(c.file), bytes: data.byteLength, keyGroupRange: c.snapshot.manifest.keyGroupRange, chain: c.files.map(sharedFileRef) };
    } catch (e) {
      c.chain.broken = true;
      throw e;
    }
  }

  private async participantCommittables(checkpointId: number): Promise<OperatorAck[]> {
    const out: OperatorAck[] = [];
    for (const p of this.participants) {
      const committables = await p.preCommit(checkpointId);
      if (committables.length) out.push({ operatorId: p.id, committables });
    }
    return out;
  }

  private ack(checkpointId: number, operators: OperatorAck[], alignmentMs: number, syncMs: number, asyncMs: number, bytes: number): TaskAck {
    const { taskId, vertexId, subtaskIndex } = this.identity;
    return { checkpointId, taskId, vertexId, subtaskIndex, operators, alignmentMs, syncMs, asyncMs, bytes };
  }

  private decline(checkpointId: number, reason: string, kind: TaskDecline['kind'] = 'task-error'): void {
    this.report({ kind: 'decline', decline: { checkpointId, taskId: this.identity.taskId, reason, kind } });
  }
}

/** Where the barrier goes after the snapshot: the task's record writer. */
export interface BarrierWriter {
  broadcast(message: Barrier): void;
}

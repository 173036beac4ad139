/**
 * What tasks and the checkpoint coordinator tell each other (plain data: it crosses the slot threads' ports).
 */
import type { KeyGroupRange } from '../state/key-groups.ts';

/** A file a task wrote for a checkpoint. `file` is relative to the checkpoint's directory. */
export interface StateFileRef {
  readonly file: string;
  readonly bytes: number;
}

/**
 * A keyed-state file. With incremental checkpoints `file` is in the job's shared directory (`../shared/…`) and may
 * be a delta: `chain` lists the files a restore reads, the full snapshot first and `file` last (each delta also
 * names its base inside the file); `bytes` counts `file` only, what this checkpoint wrote.
 */
export interface KeyedStateFileRef extends StateFileRef {
  readonly keyGroupRange: KeyGroupRange;
  readonly chain?: readonly string[];
}

/** What one operator of a task contributed to a checkpoint. */
export interface OperatorAck {
  readonly operatorId: string;
  /** Keyed state (format `weir-keyed-state`), when the operator has any. */
  readonly keyedState?: KeyedStateFileRef;
  /** Event- and processing-time timers (format `weir-timers`), when the operator registered any. */
  readonly timers?: StateFileRef;
  /** Non-keyed operator state (format `weir-operator-state`), when the operator has some. */
  readonly operatorState?: StateFileRef;
  /** Sources: where to resume (connector-defined, JSON). */
  readonly sourcePosition?: unknown;
  /** Two-phase-commit sinks: what the job commits when the checkpoint completes (connector-defined, JSON). */
  readonly committables?: readonly unknown[];
}

/** A task's acknowledgement: its part of checkpoint `checkpointId` is durable. */
export interface TaskAck {
  readonly checkpointId: number;
  readonly taskId: string;
  readonly vertexId: string;
  readonly subtaskIndex: number;
  readonly operators: readonly OperatorAck[];
  /** First barrier to last, at this task (0 for sources and single-input tasks). */
  readonly alignmentMs: number;
  /** Barrier received to barrier forwarded: UDF flush, pre-commit, snapshot (processing is paused meanwhile). */
  readonly syncMs: number;
  /** Encoding and writing the state files (processing goes on meanwhile). */
  readonly asyncMs: number;
  readonly bytes: number;
}

/** A task could not take its part of a checkpoint; the checkpoint is aborted. */
export interface TaskDecline {
  readonly checkpointId: number;
  readonly taskId: string;
  readonly reason: string;
  /**
   * Why, for `execution.checkpointing.tolerable-failed-checkpoints` (src/checkpoint/failure-manager.ts): absent, a
   * task error (it counts); `subsumed` (a newer barrier overtook the alignment) and `not-checkpointing` do not.
   */
  readonly kind?: 'task-error' | 'subsumed' | 'not-checkpointing';
}

/** Job → tasks. `trigger` matters to source tasks only (they inject the barrier); the others act on all tasks. */
export type CheckpointCommand =
  | { readonly action: 'trigger'; readonly checkpointId: number; readonly timestamp: number }
  | { readonly action: 'complete'; readonly checkpointId: number }
  | { readonly action: 'abort'; readonly checkpointId: number };

/** Tasks → job. `final` is sent once by a task that finished with checkpointing on (its sinks' last committables). */
export type CheckpointReport =
  | { readonly kind: 'ack'; readonly ack: TaskAck }
  | { readonly kind: 'decline'; readonly decline: TaskDecline }
  | { readonly kind: 'final'; readonly ack: TaskAck };

/** The files one operator of a task restores. */
export interface RestoredOperatorFiles {
  readonly keyedState: readonly string[];
  readonly timers: readonly string[];
  /** Every old subtask's operator state (it is not keyed: each new subtask gets all of it). */
  readonly operatorState: readonly string[];
}

/** What a task restores, resolved by the job from a completed checkpoint (absolute file paths). */
export interface TaskRestore {
  readonly checkpointId: number;
  /** Per operator id: the keyed-state and timer files of every old subtask whose key groups overlap this one's. */
  readonly operators: Readonly<Record<string, RestoredOperatorFiles>>;
  /** The head source's positions, by old subtask index (its length is the old parallelism). */
  readonly sourcePositions?: readonly unknown[];
}

import type { ChangeBatch } from '../batch/change-batch.ts';
import type { Configuration } from '../config/configuration.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { KeyedStateBackend } from '../state/keyed-state.ts';
import type { InternalTimerService } from '../time/timer-service.ts';
import type { ProcessingTimeService } from '../time/processing-time.ts';
import type { SourceSignals } from '../time/source-signals.ts';

/** Where an operator sends its results. Awaiting `emit` is how backpressure reaches the operator. */
export interface Output {
  emit(batch: ChangeBatch): Promise<void>;
}

/** What the runtime gives an operator when it opens. */
export interface OperatorContext {
  /** Human-readable name used in errors and metrics, e.g. `Calc[2]` or `PythonUdf(normalize)`. */
  readonly operatorName: string;
  readonly operatorId: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly metrics: MetricGroup;
  readonly config: Configuration;
  readonly output: Output;
  /** Aborted when the job is cancelled or fails elsewhere; long waits must honour it. */
  readonly signal: AbortSignal;
  /** Directory that relative paths in the job (UDF modules, files) resolve against. */
  readonly baseDir: string;
  /** The job's id (see ConnectorContext.jobId). */
  readonly jobId?: string;
  /**
   * This subtask's keyed state (backend from `state.backend`, key groups of this subtask). Created on first call,
   * disposed by the runtime after close(); the runtime snapshots it for checkpoints, so operators keep every piece
   * of state that must survive a failure in tables declared here.
   */
  keyedState(): KeyedStateBackend;
  /**
   * This subtask's event-time and processing-time timers, keyed by key group like keyed state (created on first
   * call; the runtime snapshots them with the state). Operators fire them from `processWatermark` /
   * processing-time callbacks, a whole firing at a time.
   */
  timerService(): InternalTimerService;
  /** Wall-clock time and callbacks that run in the task's mailbox, never concurrently with the operator's hooks. */
  readonly processingTime: ProcessingTimeService;
  /**
   * For operators that generate watermarks (`generatesWatermarks`): sends a watermark to the operators after this
   * one and on to downstream tasks. Other operators never call it: the runtime forwards watermarks for them.
   */
  emitWatermark(timestamp: number): Promise<void>;
  /** For watermark generators: marks this task's output idle (excluded from downstream watermarks) or active. */
  markIdle(idle: boolean): void;
  /**
   * Rows of `batch` (indices in `rows`) that arrived behind the watermark where the operator cannot use them (a
   * window already fired). They are counted in `numLateRecordsDropped` and dropped, or written to the late-data
   * side output, per `table.exec.late-records.*`. Never drop late rows silently: always report them here.
   */
  reportLateRows(batch: ChangeBatch, rows: ArrayLike<number>): Promise<void>;
  /**
   * Set for operators chained to a source (in the source's task): the split each batch came from, finished splits
   * and the reader's idleness reports, for per-split watermark generation. Undefined elsewhere.
   */
  readonly sourceSignals?: SourceSignals;
}

/**
 * A physical operator instance: one per parallel subtask. It owns its runtime state; the plan node it was built from
 * stays immutable. Lifecycle: open → (processBatch | processWatermark | prepareSnapshot)* → endInput → close.
 * The runtime forwards watermarks and barriers downstream after the hook returns, so an operator emits whatever a
 * watermark or barrier completes (window results, in-flight UDF bundles) from inside the hook.
 */
export interface StreamOperator {
  /**
   * True for operators that make watermarks (the watermark assigner): upstream watermarks stop at them (they get
   * `processWatermark` and decide what to emit with `ctx.emitWatermark`), except end-of-input's final watermark.
   */
  readonly generatesWatermarks?: boolean;
  open(ctx: OperatorContext): Promise<void>;
  processBatch(batch: ChangeBatch, input: number): Promise<void>;
  /** Called when the combined watermark of the operator's inputs advances. */
  processWatermark?(timestamp: number): Promise<void>;
  /** Called before a checkpoint barrier passes: flush in-flight work (UDF bundles) so the snapshot is consistent. */
  prepareSnapshot?(checkpointId: number): Promise<void>;
  /**
   * Two-phase-commit sinks, with checkpointing on: called after `prepareSnapshot` at barrier `checkpointId`, and
   * once more after `endInput` (with the job's final checkpoint id); returns the committables the job commits when
   * that checkpoint completes (src/checkpoint/).
   */
  preCommit?(checkpointId: number): Promise<readonly unknown[]>;
  /** Checkpoint `checkpointId` is complete (manifest written, committables committed). */
  notifyCheckpointComplete?(checkpointId: number): Promise<void>;
  /**
   * Operator state that is not keyed (Flink's operator list state), e.g. LIMIT's row count: a MessagePack-encodable
   * value, taken synchronously at a barrier. Keep keyed data in `ctx.keyedState()` instead: it rescales by key group.
   */
  snapshotState?(checkpointId: number): unknown;
  /** After `open`, in a restored job: every old subtask's `snapshotState` value (all of them, whatever the parallelism). */
  restoreState?(states: readonly unknown[]): void;
  /** All inputs ended: flush everything buffered. */
  endInput?(): Promise<void>;
  /** Release resources; called on success, failure and cancel. Must not throw for an operator that never opened. */
  close(): Promise<void>;
}

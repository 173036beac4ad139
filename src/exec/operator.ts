import type { ChangeBatch } from '../batch/change-batch.ts';
import type { Configuration } from '../config/configuration.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { KeyedStateBackend } from '../state/keyed-state.ts';

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
  /**
   * This subtask's keyed state (backend from `state.backend`, key groups of this subtask). Created on first call,
   * disposed by the runtime after close(); the runtime snapshots it for checkpoints, so operators keep every piece
   * of state that must survive a failure in tables declared here.
   */
  keyedState(): KeyedStateBackend;
}

/**
 * A physical operator instance: one per parallel subtask. It owns its runtime state; the plan node it was built from
 * stays immutable. Lifecycle: open → (processBatch | processWatermark | prepareSnapshot)* → endInput → close.
 * The runtime forwards watermarks and barriers downstream after the hook returns, so an operator emits whatever a
 * watermark or barrier completes (window results, in-flight UDF bundles) from inside the hook.
 */
export interface StreamOperator {
  open(ctx: OperatorContext): Promise<void>;
  processBatch(batch: ChangeBatch, input: number): Promise<void>;
  /** Called when the combined watermark of the operator's inputs advances. */
  processWatermark?(timestamp: number): Promise<void>;
  /** Called before a checkpoint barrier passes: flush in-flight work (UDF bundles) so the snapshot is consistent. */
  prepareSnapshot?(checkpointId: number): Promise<void>;
  /** All inputs ended: flush everything buffered. */
  endInput?(): Promise<void>;
  /** Release resources; called on success, failure and cancel. Must not throw for an operator that never opened. */
  close(): Promise<void>;
}

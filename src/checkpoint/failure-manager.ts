import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';

/**
 * Why a checkpoint failed, with the names of Flink's CheckpointFailureReason where they match. Only `expired`,
 * `task-error` (a task could not snapshot or write its state: Flink's CHECKPOINT_DECLINED / ASYNC_EXCEPTION) and
 * `io-error` (the manifest could not be written) count against `execution.checkpointing.tolerable-failed-checkpoints`;
 * the others are part of normal operation (a restart, a cancel, tasks finishing, a newer checkpoint) or permanent
 * conditions that failing the job would not change (a source that cannot record its position), as in Flink.
 */
export type CheckpointFailureKind =
  | 'expired'
  | 'task-error'
  | 'io-error'
  /** Another checkpoint completed first, or a newer barrier overtook its alignment. */
  | 'subsumed'
  /** A task finished (end of input) before acknowledging it. */
  | 'task-finished'
  /** The deployment went away (failure, restart, cancel) or the job stops with a savepoint. */
  | 'suspended'
  /** A task cannot take part in checkpoints (a source that is not replayable). */
  | 'not-checkpointing';

const COUNTED: ReadonlySet<CheckpointFailureKind> = new Set(['expired', 'task-error', 'io-error']);

/**
 * Flink's CheckpointFailureManager: counts consecutive failed checkpoints (each id once, only those newer than the
 * last completed one; savepoints are never counted) and, when more than `tolerable` failed in a row, fails the job
 * with CHECKPOINT_FAILED — its restart strategy then applies. A completed checkpoint resets the count.
 */
export class CheckpointFailureManager {
  private readonly counted = new Set<number>();
  private lastCompleted = -Infinity;

  constructor(private readonly tolerable: number, private readonly failJob: (error: CheckpointError) => void) {}

  /** Consecutive failed checkpoints counted so far. */
  get consecutiveFailures(): number { return this.counted.size; }

  onFailure(checkpointId: number, kind: CheckpointFailureKind, reason: string): void {
    if (!COUNTED.has(kind) || checkpointId <= this.lastCompleted || this.counted.has(checkpointId)) return;
    this.counted.add(checkpointId);
    if (this.counted.size <= this.tolerable) return;
    const failed = this.counted.size;
    this.counted.clear();
    this.failJob(new CheckpointError(
      `Exceeded the checkpoint tolerable failure threshold (${this.tolerable}): ${failed} failed checkpoint${failed > 1 ? 's' : ''} in a row; the last, checkpoint ${checkpointId}: ${reason}`,
      { hint: `execution.checkpointing.tolerable-failed-checkpoints is ${this.tolerable}: raise it to let the job run on through failed checkpoints (they are counted in job.metrics().checkpoints.failed), or fix the cause (checkpoint directory, execution.checkpointing.timeout).` },
      ErrorCodes.CHECKPOINT_FAILED,
    ));
  }

  onCompleted(checkpointId: number): void {
    if (checkpointId <= this.lastCompleted) return;
    this.lastCompleted = checkpointId;
    this.counted.clear();
  }
}

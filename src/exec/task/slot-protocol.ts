import type { CheckpointCommand, CheckpointReport } from '../../checkpoint/checkpoint-messages.ts';
import type { SerializedWeirError } from '../../errors/weir-error.ts';
import type { MetricsSnapshot } from '../../metrics/metric-group.ts';
import type { JobSettings, TaskSpec } from './task-spec.ts';

/** One slot's share of a job: subtask i of every vertex (their ports are transferred with it). */
export interface SlotAssignment { readonly job: JobSettings; readonly tasks: TaskSpec[] }

/** A slot thread's workerData: the job it was started for, if any (a pooled thread starts empty). */
export interface SlotThreadData { readonly initial?: SlotAssignment }

/**
 * Job runner → slot thread. A slot thread runs one job at a time and may be reused for later jobs of the same
 * process (src/exec/job/slot-pool.ts): `run` hands it the next one; `cancel` and `metrics` name the job they mean.
 */
export type SlotCommand =
  | ({ type: 'run' } & SlotAssignment)
  | { type: 'cancel'; jobId: string }
  | { type: 'metrics'; jobId: string; requestId: number }
  | { type: 'checkpoint'; jobId: string; command: CheckpointCommand };

/**
 * Slot thread → job runner. `slot-done` follows the last task report of a job: `reusable` says whether the thread
 * is clean enough to run another job (every task finished, nothing escaped, no resources left open).
 * `slot-broken` is an error that escaped while no job was running: the thread must not be reused.
 */
export type SlotReport =
  | { type: 'task-finished'; taskId: string; metrics: MetricsSnapshot }
  | { type: 'task-failed'; taskId: string; error: SerializedWeirError; metrics: MetricsSnapshot }
  | { type: 'metrics'; requestId: number; snapshots: { taskId: string; metrics: MetricsSnapshot }[] }
  | { type: 'checkpoint'; report: CheckpointReport }
  | { type: 'slot-done'; jobId: string; reusable: boolean }
  | { type: 'slot-broken' };

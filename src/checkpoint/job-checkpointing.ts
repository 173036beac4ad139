import { resolve } from 'node:path';
import { Configuration } from '../config/configuration.ts';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes, type WeirError } from '../errors/weir-error.ts';
import { CheckpointOptions, CoreOptions } from '../config/options.ts';
import type { JobSettings } from '../exec/task/task-spec.ts';
import type { JobGraph } from '../plan/physical/job-graph.ts';
import type { CheckpointCommand, CheckpointReport, TaskRestore } from './checkpoint-messages.ts';
import { deleteCheckpoint, deleteIncompleteCheckpoints, jobCheckpointsDir, resolveCheckpoint, type ResolvedCheckpoint } from './checkpoint-storage.ts';
import { abortUncommitted, commitManifest } from './commit.ts';
import { CheckpointCoordinator, type CheckpointStats } from './coordinator.ts';
import { planRestore, type RestoredOperator } from './restore-plan.ts';
import { restartStrategyFrom, type RestartStrategy } from './restart-strategy.ts';

/** Checkpoint and recovery figures of a job, in `job.metrics().checkpoints`. */
export interface CheckpointMetrics extends CheckpointStats {
  /** Times the job was restarted after a failure. */
  readonly restarts: number;
  /** The failure that caused the last restart (`CODE: first line of the message`), or null. */
  readonly lastRestartCause: string | null;
  /** The last restore: at start (`execution.savepoint.path`) or after a restart; null when the job started afresh. */
  /** `startedEmpty`: operators with state that found none in the checkpoint (new ones, or dropped unclaimed state's). */
  readonly lastRestore: { readonly checkpointId: number; readonly path: string; readonly restoredAt: number; readonly startedEmpty: readonly RestoredOperator[] } | null;
  /** The restart strategy in force, described: `exponential-delay (1000 ms to 60000 ms, ×1.5, unlimited attempts)`. */
  readonly restartStrategy: string;
}

/** What the restart strategy decided after a failure: the job restarts (the `restart`-th time) after `delayMs`. */
export interface RestartDecision {
  readonly restart: number;
  readonly delayMs: number;
  /** The failure that caused it. */
  readonly cause: WeirError;
  /** How many restarts in a row (this one included) had a failure with the same code and first line: a failure that repeats on every attempt is likely deterministic. */
  readonly sameCauseInARow: number;
  /** The restart strategy, described. */
  readonly strategy: string;
  /** The completed checkpoint the job restarts from; null: from the start (or the initial `execution.savepoint.path`). */
  readonly fromCheckpoint: number | null;
}

export interface JobCheckpointingHooks {
  /** Sends a command to every task of the running attempt. */
  send(command: CheckpointCommand): void;
  /** A completed checkpoint could not be committed: fail the job. */
  fatal(error: unknown): void;
  /** More checkpoints failed in a row than tolerated: fail the job over (its restart strategy applies). */
  failover(error: WeirError): void;
}

/**
 * Everything about checkpoints and recovery that one job needs on the job side: its coordinator (when
 * `execution.checkpointing.interval` is set), the checkpoint it starts from (`execution.savepoint.path`), its restart
 * strategy, and what each deployment of its tasks restores. The JobClient calls it at the points of a job's life.
 */
export class JobCheckpointing {
  readonly coordinator: CheckpointCoordinator | null;
  private readonly restartStrategy: RestartStrategy;
  private readonly config: Configuration;
  private readonly jobDir: string;
  private restarts = 0;
  private lastRestartCause: string | null = null;
  private sameCauseInARow = 0;
  private lastRestore: CheckpointMetrics['lastRestore'] = null;

  /** Null when the job neither checkpoints, restores nor restarts: it then runs exactly as without this class. */
  static create(graph: JobGraph, job: JobSettings, hooks: JobCheckpointingHooks): JobCheckpointing | null {
    const config = new Configuration(job.config);
    const active = config.get(CheckpointOptions.INTERVAL) > 0 || config.get(CheckpointOptions.RESTORE_PATH) !== ''
      || restartStrategyFrom(config).kind !== 'none';
    return active ? new JobCheckpointing(graph, job, config, hooks) : null;
  }

  private readonly restoredFrom: ResolvedCheckpoint | null;

  private constructor(private readonly graph: JobGraph, private readonly job: JobSettings, config: Configuration, private readonly hooks: JobCheckpointingHooks) {
    this.config = config;
    this.jobDir = jobCheckpointsDir(config, job.jobId);
    this.restartStrategy = restartStrategyFrom(config);
    const path = config.get(CheckpointOptions.RESTORE_PATH);
    this.restoredFrom = path ? resolveCheckpoint(path) : null;
    const interval = config.get(CheckpointOptions.INTERVAL);
    this.coordinator = interval > 0 ? new CheckpointCoordinator({
      jobId: job.jobId,
      jobName: job.jobName,
      graph,
      maxParallelism: config.get(CoreOptions.MAX_PARALLELISM),
      jobDir: this.jobDir,
      interval,
      timeout: config.get(CheckpointOptions.TIMEOUT),
      minPause: config.get(CheckpointOptions.MIN_PAUSE),
      maxConcurrent: Math.max(1, config.get(CheckpointOptions.MAX_CONCURRENT)),
      retained: Math.max(1, config.get(CheckpointOptions.NUM_RETAINED)),
      lateRecordsSink: job.lateRecordsSink,
      tolerableFailures: Math.max(0, config.get(CheckpointOptions.TOLERABLE_FAILED)),
    }, {
      send: hooks.send,
      commit: (manifest) => commitManifest(manifest, job.baseDir),
      fatal: hooks.fatal,
      failover: hooks.failover,
    }, this.restoredFrom) : null;
  }

  /** The checkpoint a (re)deployment starts from: the latest completed one, else the one given at start. */
  private latest(): ResolvedCheckpoint | null {
    return this.coordinator?.latestCompleted() ?? this.restoredFrom;
  }

  /**
   * What the tasks of the next deployment restore (null: start afresh). Before that, the checkpoint's committables
   * are committed again (idempotent): the process may have died between its manifest and its commit.
   */
  async restores(): Promise<Map<string, TaskRestore> | null> {
    await this.coordinator?.idle();
    const from = this.latest();
    // Hidden output of a failed attempt of this job (or of the job restored from) that no checkpoint committed.
    const orphans = (jobIds: string[]) => abortUncommitted(this.graph, this.job.lateRecordsSink, jobIds, this.job.baseDir);
    if (!from) {
      await orphans([this.job.jobId]);
      return null;
    }
    const plan = planRestore(from, this.graph, this.config.get(CoreOptions.MAX_PARALLELISM), this.config.get(CheckpointOptions.IGNORE_UNCLAIMED_STATE));
    await commitManifest(from.manifest, this.job.baseDir);
    await orphans([this.job.jobId, from.manifest.jobId]);
    this.lastRestore = { checkpointId: from.manifest.checkpointId, path: from.dir, restoredAt: Date.now(), startedEmpty: plan.startedEmpty };
    return plan.tasks;
  }

  /** Whether restoring needs work before the first deployment. */
  get restoresAtStart(): boolean { return this.restoredFrom !== null; }

  /** A deployment's tasks are running. */
  started(taskIds: readonly string[]): void {
    this.coordinator?.startAttempt(taskIds);
  }

  /**
   * Takes a savepoint into a new directory under `parent` and resolves with its path (see
   * CheckpointCoordinator.triggerSavepoint). Savepoints are taken by the checkpoint machinery, so they need
   * checkpointing on.
   */
  savepoint(parent: string, stop: boolean): Promise<string> {
    if (!this.coordinator) return Promise.reject(savepointsNeedCheckpointing());
    return this.coordinator.triggerSavepoint(resolve(parent), stop);
  }

  onReport(report: CheckpointReport): void {
    this.coordinator?.onReport(report);
  }

  onTaskFinished(taskId: string): void {
    this.coordinator?.onTaskFinished(taskId);
  }

  /**
   * A task failed: when the job restarts and after what delay, or null when it must fail (strategy exhausted or
   * none, or a `table.execute()` job, whose rows already went to the caller and cannot be taken back).
   */
  onFailure(cause: WeirError): RestartDecision | null {
    if (this.graph.vertices.at(-1)?.chain.at(-1)?.kind === 'collect') return null;
    const delay = this.restartStrategy.onFailure(Date.now());
    if (delay === null) return null;
    const described = `${cause.code}: ${cause.message.split('\n')[0]}`;
    this.sameCauseInARow = described === this.lastRestartCause ? this.sameCauseInARow + 1 : 1;
    this.restarts++;
    this.lastRestartCause = described;
    this.coordinator?.suspend('the job is restarting after a failure');
    return {
      restart: this.restarts, delayMs: delay, cause, sameCauseInARow: this.sameCauseInARow, strategy: this.restartStrategy.describe(),
      fromCheckpoint: this.latest()?.manifest.checkpointId ?? null,
    };
  }

  /**
   * Every task finished: the final checkpoint commits the sinks' last output. Once it is committed the job's
   * checkpoints are of no more use and are deleted, as Flink does for a finished job (whatever the retention).
   */
  async finished(): Promise<void> {
    if (!this.coordinator) return;
    await this.coordinator.finalCheckpoint();
    await abortUncommitted(this.graph, this.job.lateRecordsSink, [this.job.jobId], this.job.baseDir);
    await deleteCheckpoint(this.jobDir);
  }

  /** The job was cancelled or failed for good: no more checkpoints; cancelled jobs' may be deleted (retention). */
  async stopped(cancelled: boolean): Promise<void> {
    if (!this.coordinator) return;
    this.coordinator.suspend(cancelled ? 'the job was cancelled' : 'the job failed');
    await this.coordinator.idle();
    if (cancelled && this.config.get(CheckpointOptions.RETENTION) === 'DELETE_ON_CANCELLATION') await deleteCheckpoint(this.jobDir);
    else await deleteIncompleteCheckpoints(this.jobDir).catch(() => undefined);
  }

  metrics(): CheckpointMetrics {
    const stats = this.coordinator?.metrics() ?? {
      triggered: 0, completed: 0, failed: 0, inProgress: 0, lastCompletedId: null, lastPath: null,
      lastDurationMs: 0, lastSizeBytes: 0, lastAlignmentMs: 0, lastFailure: null,
    };
    return { ...stats, restarts: this.restarts, lastRestartCause: this.lastRestartCause, lastRestore: this.lastRestore, restartStrategy: this.restartStrategy.describe() };
  }
}

export function savepointsNeedCheckpointing(): CheckpointError {
  return new CheckpointError('Cannot take a savepoint: checkpointing is off for this job', {
    hint: "Savepoints are taken by the checkpoint mechanism: set 'execution.checkpointing.interval' (any interval) before submitting the job.",
  }, ErrorCodes.CHECKPOINT_FAILED);
}

/** The numeric checkpoint figures under Flink's job metric names, for the raw metrics (HTTP, Prometheus). */
export function checkpointMetricsRaw(c: CheckpointMetrics): Record<string, number> {
  return {
    'job.numberOfCompletedCheckpoints': c.completed,
    'job.numberOfFailedCheckpoints': c.failed,
    'job.numberOfInProgressCheckpoints': c.inProgress,
    'job.lastCheckpointDuration': c.lastDurationMs,
    'job.lastCheckpointSize': c.lastSizeBytes,
    'job.lastCheckpointAlignmentTime': c.lastAlignmentMs,
    'job.lastCheckpointRestoreTimestamp': c.lastRestore?.restoredAt ?? -1,
    'job.lastRestoreOperatorsStartedEmpty': c.lastRestore?.startedEmpty.length ?? 0,
    'job.numRestarts': c.restarts,
  };
}

import { cpus } from 'node:os';
import { option, parseBoolOption, parseDurationOption, parseIntOption, parseStringOption } from './configuration.ts';
import { PlanError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';

/** Options of the core runtime and the UDF bridge, with Flink's keys where Flink has one. */
export const CoreOptions = {
  PARALLELISM: option('parallelism.default', 1, 'Default parallelism of operators.', parseIntOption('parallelism.default')),
  MAX_PARALLELISM: option('pipeline.max-parallelism', 128, 'Number of key groups; the upper bound for rescaling.', parseIntOption('pipeline.max-parallelism')),
  BATCH_SIZE: option('table.exec.batch-size', 4096, 'Rows per batch produced by sources.', parseIntOption('table.exec.batch-size')),
  CHANNEL_CAPACITY: option('taskmanager.network.buffers-per-channel', 8, 'Batches a channel buffers before the sender waits (backpressure).', parseIntOption('taskmanager.network.buffers-per-channel')),
  TASK_HEAP_MB: option('taskmanager.memory.task.heap.size', 0, 'Heap limit (MB) of each slot thread; 0 = Node default. A slot over it fails with an out-of-memory error.', parseIntOption('taskmanager.memory.task.heap.size')),
  OPERATOR_CHAINING: option('pipeline.operator-chaining', true, 'Chain forward-connected operators into one task.', parseBoolOption('pipeline.operator-chaining')),
};

export const PythonOptions = {
  EXECUTABLE: option('python.executable', '', 'Python interpreter for UDF workers; default: the project virtual environment.', parseStringOption),
  POOL_SIZE: option('python.worker.pool-size', Math.max(1, cpus().length), 'Python worker processes per job.', parseIntOption('python.worker.pool-size')),
  TRANSPORT: option('python.worker.transport', 'ipc', "'ipc' (private Unix socket) or 'tcp' (loopback).", parseStringOption),
  BUNDLE_SIZE: option('python.fn-execution.bundle.size', 100_000, 'Max rows buffered before in-flight bundles are flushed.', parseIntOption('python.fn-execution.bundle.size')),
  BUNDLE_TIME: option('python.fn-execution.bundle.time', 1000, 'Max time (ms) a row waits in a bundle.', parseDurationOption('python.fn-execution.bundle.time')),
  ARROW_BATCH_SIZE: option('python.fn-execution.arrow.batch.size', 10_000, 'Rows per request sent to a Python worker.', parseIntOption('python.fn-execution.arrow.batch.size')),
  MAX_IN_FLIGHT: option('python.fn-execution.max-in-flight', 4, 'Requests in flight per worker.', parseIntOption('python.fn-execution.max-in-flight')),
  EAGER_IN_FLIGHT: option('python.fn-execution.bundle.eager-in-flight', 2,
    'Weir-only: while fewer requests than this are in flight, a partial bundle is sent at once instead of waiting for '
    + 'arrow.batch.size rows or bundle.time (low latency at low rates; at high rates requests are in flight and bundles '
    + 'fill up). 0 = Flink behaviour (size or time only).', parseIntOption('python.fn-execution.bundle.eager-in-flight')),
  WORKER_START_TIMEOUT: option('python.worker.start-timeout', 30_000, 'How long a worker may take to start.', parseDurationOption('python.worker.start-timeout')),
};

export const TsUdfOptions = {
  POOL_SIZE: option('ts.worker.pool-size', Math.max(1, cpus().length), 'TypeScript UDF worker threads per job.', parseIntOption('ts.worker.pool-size')),
  MAX_IN_FLIGHT: option('ts.fn-execution.max-in-flight', 4, 'Requests in flight per TS UDF worker thread.', parseIntOption('ts.fn-execution.max-in-flight')),
};

/** A parser for an option whose value is one of `names` (case-insensitive); aliases map to the canonical name. */
function enumOption<T extends string>(key: string, names: Record<string, T>): (raw: string) => T {
  return (raw) => {
    const value = names[raw.trim().toLowerCase()];
    if (value === undefined) {
      throw new PlanError(`Configuration '${key}' = '${raw}' is not one of: ${[...new Set(Object.values(names))].join(', ')}`, {}, ErrorCodes.CONFIG_INVALID);
    }
    return value;
  };
}

export const parseFloatOption = (key: string) => (raw: string): number => {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) throw new PlanError(`Configuration '${key}' = '${raw}' is not a number`, {}, ErrorCodes.CONFIG_INVALID);
  return n;
};

/** What happens to a job's completed checkpoints when it is cancelled (Flink's ExternalizedCheckpointRetention). */
export type CheckpointRetention = 'RETAIN_ON_CANCELLATION' | 'DELETE_ON_CANCELLATION';

/**
 * Checkpointing and restore, with Flink's keys. Checkpointing is off unless `execution.checkpointing.interval` is
 * set (docs/checkpoints.md describes the mechanism and the on-disk layout).
 */
export const CheckpointOptions = {
  INTERVAL: option('execution.checkpointing.interval', 0,
    'Time between checkpoint triggers; 0 (the default) turns checkpointing off.', parseDurationOption('execution.checkpointing.interval')),
  TIMEOUT: option('execution.checkpointing.timeout', 600_000,
    'A checkpoint not acknowledged by every task within this time is aborted and deleted.', parseDurationOption('execution.checkpointing.timeout')),
  MIN_PAUSE: option('execution.checkpointing.min-pause', 0,
    'Least time between the end of one checkpoint and the trigger of the next.', parseDurationOption('execution.checkpointing.min-pause')),
  MAX_CONCURRENT: option('execution.checkpointing.max-concurrent-checkpoints', 1,
    'Checkpoints that may be in progress at once.', parseIntOption('execution.checkpointing.max-concurrent-checkpoints')),
  RETENTION: option<CheckpointRetention>('execution.checkpointing.externalized-checkpoint-retention', 'RETAIN_ON_CANCELLATION',
    "RETAIN_ON_CANCELLATION (default) or DELETE_ON_CANCELLATION: whether a cancelled job's completed checkpoints are kept.",
    enumOption('execution.checkpointing.externalized-checkpoint-retention', {
      retain_on_cancellation: 'RETAIN_ON_CANCELLATION',
      delete_on_cancellation: 'DELETE_ON_CANCELLATION',
      no_externalized_checkpoints: 'DELETE_ON_CANCELLATION',
    })),
  DIR: option('state.checkpoints.dir', '',
    'Directory of checkpoints (one sub-directory per job); default: weir-checkpoints in the OS temp directory.', parseStringOption),
  TOLERABLE_FAILED: option('execution.checkpointing.tolerable-failed-checkpoints', 0,
    "Consecutive failed checkpoints (timed out, or a task's or the manifest's write failed) tolerated before the job fails with CHECKPOINT_FAILED and its restart strategy applies; as in Flink, 0 by default.",
    parseIntOption('execution.checkpointing.tolerable-failed-checkpoints')),
  NUM_RETAINED: option('state.checkpoints.num-retained', 1,
    'Completed checkpoints kept per job; older ones are deleted.', parseIntOption('state.checkpoints.num-retained')),
  INCREMENTAL: option('execution.checkpointing.incremental', true,
    'Heap keyed state: a checkpoint writes only what changed since the previous one (a delta on a chain of files in <job>/shared/); false: every checkpoint writes all state.',
    parseBoolOption('execution.checkpointing.incremental')),
  INCREMENTAL_MAX_DELTAS: option('execution.checkpointing.incremental.max-deltas', 50,
    'Deltas on one full snapshot before the next checkpoint writes a full one again (bounds the files a restore reads).',
    parseIntOption('execution.checkpointing.incremental.max-deltas')),
  RESTORE_PATH: option('execution.savepoint.path', '',
    'Start the job from this completed checkpoint: a chk-<n> directory, a job directory (its latest checkpoint) or a checkpoints root (the latest of all its jobs).',
    parseStringOption),
  IGNORE_UNCLAIMED_STATE: option('execution.savepoint.ignore-unclaimed-state', false,
    "Restore even when state in the checkpoint belongs to no operator of the job (Flink's allowNonRestoredState).",
    parseBoolOption('execution.savepoint.ignore-unclaimed-state')),
};

export type RestartStrategyKind = 'none' | 'fixed-delay' | 'exponential-delay' | 'failure-rate';

/**
 * Restart strategies after a task failure, with Flink's keys. Unset, as in Flink 1.19+: exponential-delay when
 * checkpointing is on, none (the job fails) when it is off (src/checkpoint/restart-strategy.ts).
 */
export const RestartOptions = {
  TYPE: option<RestartStrategyKind>('restart-strategy.type', 'none',
    "none | fixed-delay | exponential-delay | failure-rate. Unset: exponential-delay when execution.checkpointing.interval is set, else none. A restarted job resumes from its latest completed checkpoint (or from the start without one).",
    enumOption('restart-strategy.type', {
      none: 'none', off: 'none', disable: 'none',
      'fixed-delay': 'fixed-delay', fixeddelay: 'fixed-delay',
      'exponential-delay': 'exponential-delay', exponentialdelay: 'exponential-delay',
      'failure-rate': 'failure-rate', failurerate: 'failure-rate',
    })),
  FIXED_DELAY_ATTEMPTS: option('restart-strategy.fixed-delay.attempts', 1,
    'Restarts before the job fails (fixed-delay).', parseIntOption('restart-strategy.fixed-delay.attempts')),
  FIXED_DELAY_DELAY: option('restart-strategy.fixed-delay.delay', 1000,
    'Wait before each restart (fixed-delay).', parseDurationOption('restart-strategy.fixed-delay.delay')),
  EXP_INITIAL_BACKOFF: option('restart-strategy.exponential-delay.initial-backoff', 1000,
    'First wait before a restart (exponential-delay).', parseDurationOption('restart-strategy.exponential-delay.initial-backoff')),
  EXP_MAX_BACKOFF: option('restart-strategy.exponential-delay.max-backoff', 60_000,
    'Longest wait before a restart (exponential-delay).', parseDurationOption('restart-strategy.exponential-delay.max-backoff')),
  EXP_MULTIPLIER: option('restart-strategy.exponential-delay.backoff-multiplier', 1.5,
    'Factor the wait grows by after each failure (exponential-delay).', parseFloatOption('restart-strategy.exponential-delay.backoff-multiplier')),
  EXP_RESET_THRESHOLD: option('restart-strategy.exponential-delay.reset-backoff-threshold', 3_600_000,
    'A job running this long without failure starts again from the initial backoff (exponential-delay).',
    parseDurationOption('restart-strategy.exponential-delay.reset-backoff-threshold')),
  EXP_JITTER: option('restart-strategy.exponential-delay.jitter-factor', 0.1,
    'Random share (0..1) added to or taken from each wait (exponential-delay).', parseFloatOption('restart-strategy.exponential-delay.jitter-factor')),
  EXP_ATTEMPTS: option('restart-strategy.exponential-delay.attempts-before-reset-backoff', Number.MAX_SAFE_INTEGER,
    'Restarts before the job fails, counted since the last backoff reset (exponential-delay).',
    parseIntOption('restart-strategy.exponential-delay.attempts-before-reset-backoff')),
  FAILURE_RATE_MAX: option('restart-strategy.failure-rate.max-failures-per-interval', 1,
    'Failures tolerated within one interval before the job fails (failure-rate).',
    parseIntOption('restart-strategy.failure-rate.max-failures-per-interval')),
  FAILURE_RATE_INTERVAL: option('restart-strategy.failure-rate.failure-rate-interval', 60_000,
    'The window the failures are counted in (failure-rate).', parseDurationOption('restart-strategy.failure-rate.failure-rate-interval')),
  FAILURE_RATE_DELAY: option('restart-strategy.failure-rate.delay', 1000,
    'Wait before each restart (failure-rate).', parseDurationOption('restart-strategy.failure-rate.delay')),
};

import type { ChangeBatch } from '../batch/change-batch.ts';
import type { Configuration } from '../config/configuration.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { Schema } from '../types/schema.ts';

/** Connector options as written in Flink's `WITH (...)` clause: string keys and string values. */
export type ConnectorOptions = Readonly<Record<string, string>>;

/** What a source or sink instance gets from the runtime: which parallel subtask it is, metrics, cancellation. */
export interface ConnectorContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly metrics: MetricGroup;
  readonly config: Configuration;
  readonly signal: AbortSignal;
  /** Relative paths resolve against this directory. */
  readonly baseDir: string;
  /**
   * The job's id (kept across restarts; a job restored from a checkpoint has a new one), for sinks that name their
   * files after it so a restore can find the job's uncommitted files (see SinkCommitter.abortUncommitted).
   */
  readonly jobId?: string;
  /**
   * Source readers of a job restored from a checkpoint: the positions the source's subtasks reported
   * ({@link SourceReader.snapshotPosition}), indexed by the old subtask (the array's length is the old parallelism).
   * A reader resumes from them, or fails with a CheckpointError (RESTORE_FAILED) when it cannot (e.g. rescaled).
   */
  readonly restoredPositions?: readonly unknown[];
}

/**
 * Something other than rows that a source reader reports, in order with its batches (handled by the source driver):
 * - `watermark`: an explicit watermark read from the data (e.g. the scripted test source). It flows downstream as is
 *   when the table declares no WATERMARK; a declared watermark's assigner replaces it.
 * - `idle`: the reader has nothing to read for now (`idle: true`, e.g. no splits assigned to this subtask of an
 *   unbounded source) or has again (`idle: false`); an idle subtask does not hold back the watermark downstream.
 * - `split-finished`: a split (see {@link SourceReader.currentSplit}) ended, so it no longer holds back this
 *   subtask's watermark.
 */
export type SourceEvent =
  | { readonly kind: 'watermark'; readonly timestamp: number }
  | { readonly kind: 'idle'; readonly idle: boolean }
  | { readonly kind: 'split-finished'; readonly split: string };

/** What a reader's `next()` yields: a batch of rows, or an event. */
export type SourceElement = ChangeBatch | SourceEvent;

/** Whether a source element is an event rather than a batch. */
export const isSourceEvent = (e: SourceElement): e is SourceEvent => 'kind' in e;

/** Reads one parallel subtask's share of a source (its splits), a batch at a time. */
export interface SourceReader {
  /**
   * The next batch (or event), or null when this subtask's share of a bounded source is exhausted. Honours
   * ctx.signal. A reader with no splits at all ends at once when bounded, or reports `idle` when unbounded.
   */
  next(): Promise<SourceElement | null>;
  /**
   * The split (a file, a partition) the batch last returned by `next()` came from, so that watermarks are generated
   * per split and the subtask's watermark is the minimum over its active splits (Flink's per-split watermarks).
   * Readers of a single split leave it out.
   */
  currentSplit?(): string;
  close(): Promise<void>;
  /**
   * Where the reader is, between two calls of `next()` (none in flight): everything returned so far is before it.
   * Plain JSON data, recorded in checkpoints; a reader created with it in `restoredPositions` continues with what
   * would have come next. A source without it is not replayable: checkpoints of its jobs are declined.
   */
  snapshotPosition?(): unknown;
}

/** Writes batches for one parallel subtask of a sink. */
export interface SinkWriter {
  write(batch: ChangeBatch): Promise<void>;
  /** Input ended: flush and finish files. */
  finish(): Promise<void>;
  /** Release resources; called after finish, or alone on failure/cancel. */
  close(): Promise<void>;
  /**
   * Two-phase commit, phase one (with checkpointing on): makes everything written so far durable but invisible
   * (e.g. closes the in-progress file) and returns what the job must commit once checkpoint `checkpointId`
   * completes: every committable not yet known committed (plain JSON data). Called instead of `finish()` at the end
   * of input, so the last rows are committed with the job's final checkpoint. Writers without it (print,
   * blackhole, collect) are not exactly-once: rows written before a failure are written again after the restore.
   */
  preCommit?(checkpointId: number): Promise<readonly unknown[]>;
  /** Checkpoint `checkpointId` completed and its committables were committed: forget them. */
  notifyCheckpointComplete?(checkpointId: number): void;
}

/**
 * Two-phase commit, phase two: runs on the job side after a checkpoint's manifest is written, and again when a job
 * is restored from it, so `commit` must be idempotent (committing committed data is a no-op).
 */
export interface SinkCommitter {
  commit(committables: readonly unknown[]): Promise<void>;
  /**
   * Deletes output that writers of the jobs `jobIds` (see ConnectorContext.jobId) started but that no completed
   * checkpoint committed (Flink's FileSink cleans up such in-progress files on restore). The runtime calls it only
   * when none of those writers runs: before a (re)deployment, after the restored checkpoint was committed, and when
   * the job has finished. Output of other jobs must be left alone.
   */
  abortUncommitted?(jobIds: readonly string[]): Promise<void>;
}

/** A source connector, found by its `connector` option through the registry. */
export interface SourceFactory {
  readonly identifier: string;
  /** Checks options and schema at planning time; throws ConnectorError (code CONNECTOR_OPTION) naming the option. */
  validateSource(options: ConnectorOptions, schema: Schema): void;
  /** Whether the source ends (bounded) with these options. */
  isBounded(options: ConnectorOptions): boolean;
  createReader(options: ConnectorOptions, schema: Schema, ctx: ConnectorContext): SourceReader;
}

/** A sink connector, found by its `connector` option through the registry. */
export interface SinkFactory {
  readonly identifier: string;
  validateSink(options: ConnectorOptions, schema: Schema): void;
  /** Whether the sink accepts -U/+U/-D rows (upsert or retract), or only +I. */
  acceptsUpdates(options: ConnectorOptions): boolean;
  createWriter(options: ConnectorOptions, schema: Schema, ctx: ConnectorContext): SinkWriter;
  /** For sinks whose writers implement `preCommit`: what commits their committables (see {@link SinkCommitter}). */
  createCommitter?(options: ConnectorOptions, ctx: { readonly baseDir: string }): SinkCommitter;
}

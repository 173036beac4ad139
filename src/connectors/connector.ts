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
}

/** Reads one parallel subtask's share of a source (its splits), a batch at a time. */
export interface SourceReader {
  /** The next batch, or null when this subtask's share of a bounded source is exhausted. Honours ctx.signal. */
  next(): Promise<ChangeBatch | null>;
  close(): Promise<void>;
}

/** Writes batches for one parallel subtask of a sink. */
export interface SinkWriter {
  write(batch: ChangeBatch): Promise<void>;
  /** Input ended: flush and finish files. */
  finish(): Promise<void>;
  /** Release resources; called after finish, or alone on failure/cancel. */
  close(): Promise<void>;
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
}

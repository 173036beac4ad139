import type * as arrow from 'apache-arrow';
import type { Configuration } from '../config/configuration.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { UdfProgram } from './function-definition.ts';

/** Time split of one request, as reported by the side that ran the user code. */
export interface UdfTimings {
  /** Nanoseconds inside user code. */
  readonly userNs: number;
  /** Nanoseconds turning Arrow into the function's argument values (pandas Series, Python objects, JS arrays). */
  readonly deserNs: number;
  /** Nanoseconds turning results back into Arrow. */
  readonly serNs: number;
}

/** A metric the user's function registered itself (FunctionContext.get_metric_group() in Python). */
export interface UserMetricUpdate {
  readonly udf: string;
  /** Group path below the UDF, e.g. ['my_group']. */
  readonly group: readonly string[];
  readonly name: string;
  readonly kind: 'counter' | 'gauge' | 'meter' | 'distribution';
  readonly value: unknown;
}

export interface UdfEvalResult {
  /** One column per program output, each exactly `rows` long and of the function's result type. */
  readonly columns: arrow.Data[];
  readonly timings: UdfTimings;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly userMetrics: readonly UserMetricUpdate[];
}

/** What a backend gets when an operator opens it. */
export interface UdfBackendContext {
  readonly config: Configuration;
  readonly baseDir: string;
  readonly signal: AbortSignal;
  /** The operator's metric group; the backend may add transport-level metrics under it. */
  readonly metrics: MetricGroup;
  readonly operatorName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
}

/**
 * Runs one operator's UDF program somewhere else (Python worker processes, TS worker threads). Requests may be
 * pipelined up to `capacity`; each promise resolves with that request's results (completion order may differ from
 * submission order: the caller restores order). Failures reject with a UdfError (row relative to the request) or a
 * WorkerCrashError, never hang: a dead worker rejects every request it held within a second.
 */
export interface UdfBackend<R extends UdfEvalResult = UdfEvalResult> {
  readonly capacity: number;
  eval(args: readonly arrow.Data[], rows: number): Promise<R>;
  close(): Promise<void>;
}

/** Opens backends of one language (`R`: what a request yields; table functions add an index, table-backend.ts). */
export interface UdfBackendFactory<R extends UdfEvalResult = UdfEvalResult> {
  readonly language: UdfProgram['language'];
  open(program: UdfProgram, ctx: UdfBackendContext): Promise<UdfBackend<R>>;
}

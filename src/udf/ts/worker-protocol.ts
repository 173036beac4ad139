import type { SerializedWeirError } from '../../errors/weir-error.ts';
import type { AggregateTask } from './aggregate-task.ts';
import type { UdfArg } from '../function-definition.ts';
import type { DataType } from '../../types/data-type.ts';
import type { UdfTimings } from '../udf-backend.ts';
import type { TransferableData } from './transferable-data.ts';
import type { MetricRecord } from './user-metrics.ts';

/**
 * Messages between the TS UDF backend (host thread) and ts-udf-worker.ts (piscina task). Plain data: they cross
 * the thread boundary by structured clone, with column buffers in the transfer list.
 */

/** One program step as the worker needs it: where to load the function, how to call it. */
export interface WorkerStep {
  readonly name: string;
  readonly modulePath: string;
  readonly exportName: string;
  readonly resultType: DataType;
  readonly args: readonly UdfArg[];
}

export interface WorkerProgram {
  readonly steps: readonly WorkerStep[];
  readonly outputs: readonly number[];
}

/** Imports the program's modules and checks its exports, so open() reports load errors before data flows. */
export interface LoadTask {
  readonly kind: 'load';
  readonly program: WorkerProgram;
}

export interface EvalTask {
  readonly kind: 'eval';
  /** Identifies the backend instance (operator subtask), so user metrics are kept per subtask in shared threads. */
  readonly clientId: string;
  readonly program: WorkerProgram;
  readonly rows: number;
  readonly columns: readonly TransferableData[];
}

/** `aggregate` tasks (user-defined aggregate functions) are defined with their runner in aggregate-task.ts. */
export type WorkerTask = LoadTask | EvalTask | AggregateTask;

export interface WorkerMetricRecord extends MetricRecord {
  readonly udf: string;
}

export type WorkerReply =
  | {
    readonly ok: true;
    readonly threadId: number;
    readonly columns: readonly TransferableData[];
    readonly timings: UdfTimings;
    readonly bytes: number;
    readonly metrics: readonly WorkerMetricRecord[];
  }
  | { readonly ok: false; readonly threadId: number; readonly error: SerializedWeirError };

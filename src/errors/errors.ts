import { ErrorCodes, WeirError, type ErrorCode, type WeirErrorOptions } from './weir-error.ts';

/** A plan cannot be built: unknown column, wrong types, invalid configuration. Raised before any data flows. */
export class PlanError extends WeirError {
  constructor(message: string, options?: WeirErrorOptions, code: ErrorCode = ErrorCodes.PLAN_INVALID) {
    super(code, message, options);
  }
}

/** A data type or schema is invalid or does not match what an operator or connector expects. */
export class SchemaError extends WeirError {
  constructor(message: string, options?: WeirErrorOptions, code: ErrorCode = ErrorCodes.SCHEMA_MISMATCH) {
    super(code, message, options);
  }
}

/** A failure while the job runs. */
export class ExecutionError extends WeirError {
  constructor(message: string, options?: WeirErrorOptions, code: ErrorCode = ErrorCodes.EXECUTION_FAILED) {
    super(code, message, options);
  }
}

/** A connector cannot be created, read or written; bad records carry file, line and offset in the location. */
export class ConnectorError extends WeirError {
  constructor(message: string, options?: WeirErrorOptions, code: ErrorCode = ErrorCodes.CONNECTOR_IO) {
    super(code, message, options);
  }
}

/** Details of a failing UDF call: the user's traceback and the offending row. */
export interface UdfFailure {
  udf: string;
  /** Python traceback (or JS stack) of the user code, intact. */
  traceback?: string;
  /** Row index within the job-wide input of the operator, when known. */
  row?: number;
  /** The offending row's argument values, when known. */
  values?: unknown[];
}

/** A user-defined function failed, returned a wrong result, or could not be loaded. */
export class UdfError extends WeirError {
  readonly udf: string;
  readonly traceback?: string;
  readonly row?: number;
  readonly values?: unknown[];

  constructor(code: ErrorCode, message: string, failure: UdfFailure, options: WeirErrorOptions = {}) {
    super(code, withTraceback(message, failure), {
      ...options,
      location: { ...options.location, udf: failure.udf, row: failure.row },
    });
    this.udf = failure.udf;
    this.traceback = failure.traceback;
    this.row = failure.row;
    this.values = failure.values;
  }

  protected override details(): Record<string, unknown> {
    return { udf: this.udf, traceback: this.traceback, row: this.row, values: this.values };
  }
}

function withTraceback(message: string, failure: UdfFailure): string {
  let text = message;
  if (failure.values) text += `\nArguments: ${renderValues(failure.values)}`;
  if (failure.traceback) text += `\n${failure.traceback.trimEnd()}`;
  return text;
}

function renderValues(values: unknown[]): string {
  return `(${values.map((v) => (typeof v === 'bigint' ? `${v}` : JSON.stringify(v) ?? String(v))).join(', ')})`;
}

/** A UDF worker process or thread died or stopped answering. */
export class WorkerCrashError extends WeirError {
  readonly workerId: number;
  readonly exitCode: number | null;
  readonly signal: string | null;

  constructor(message: string, worker: { workerId: number; exitCode?: number | null; signal?: string | null }, options?: WeirErrorOptions, code: ErrorCode = ErrorCodes.UDF_WORKER_CRASHED) {
    super(code, message, options);
    this.workerId = worker.workerId;
    this.exitCode = worker.exitCode ?? null;
    this.signal = worker.signal ?? null;
  }

  protected override details(): Record<string, unknown> {
    return { workerId: this.workerId, exitCode: this.exitCode, signal: this.signal };
  }
}

/** A checkpoint could not be taken or restored. */
export class CheckpointError extends WeirError {
  constructor(message: string, options?: WeirErrorOptions, code: ErrorCode = ErrorCodes.CHECKPOINT_FAILED) {
    super(code, message, options);
  }
}

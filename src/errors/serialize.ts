import { UdfError, WorkerCrashError } from './errors.ts';
import { ErrorCodes, WeirError, type SerializedWeirError } from './weir-error.ts';

/**
 * Errors cross worker-thread boundaries as plain data (structured clone drops prototypes). These two functions keep
 * the class, code, location and UDF details intact on the way.
 */
export function serializeError(error: unknown): SerializedWeirError {
  if (error instanceof WeirError) return error.toJSON();
  const e = error instanceof Error ? error : new Error(String(error));
  return { name: e.name, code: ErrorCodes.INTERNAL, message: e.message, location: {}, stack: e.stack, details: {} };
}

class RehydratedError extends WeirError {}

export function deserializeError(data: SerializedWeirError): WeirError {
  let error: WeirError;
  if (data.name === 'UdfError') {
    const d = data.details as { udf: string; traceback?: string; row?: number; values?: unknown[] };
    error = Object.assign(Object.create(UdfError.prototype), { udf: d.udf, traceback: d.traceback, row: d.row, values: d.values });
  } else if (data.name === 'WorkerCrashError') {
    const d = data.details as { workerId: number; exitCode: number | null; signal: string | null };
    error = Object.assign(Object.create(WorkerCrashError.prototype), d);
  } else {
    error = Object.create(RehydratedError.prototype);
  }
  Object.assign(error, { name: data.name, code: data.code, message: data.message, location: data.location, hint: data.hint });
  Object.defineProperty(error, 'stack', { value: data.stack, writable: true, configurable: true });
  return error;
}

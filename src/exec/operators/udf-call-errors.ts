import * as arrow from 'apache-arrow';
import { describeLocation, WeirError } from '../../errors/weir-error.ts';
import { UdfError, WorkerCrashError } from '../../errors/errors.ts';

/** Where a failing request sits in the operator: its name, subtask and the operator-wide index of its first row. */
export interface RequestPosition {
  readonly operator: string;
  readonly subtask: number;
  /** Operator-wide index (count of input rows before it) of the request's first row. */
  readonly firstRow: number;
  /** The request's argument columns, to render the offending row when the backend did not send its values. */
  readonly args: readonly arrow.Data[];
}

/**
 * Re-raises a backend failure with the operator's location: a UdfError gets the operator-wide row index (the
 * backend's row is request-relative) and the offending argument values; a WorkerCrashError gets operator and
 * subtask. The original error stays available as `cause`.
 */
export function enrichUdfFailure(error: unknown, at: RequestPosition): unknown {
  const location = { operator: at.operator, subtask: at.subtask };
  if (error instanceof UdfError) {
    const row = error.row !== undefined ? at.firstRow + error.row : undefined;
    const values = error.values ?? (error.row !== undefined ? rowValues(at.args, error.row) : undefined);
    return new UdfError(error.code, baseMessage(error), { udf: error.udf, traceback: error.traceback, row, values }, {
      cause: error, hint: error.hint, location: { ...error.location, ...location },
    });
  }
  if (error instanceof WorkerCrashError) {
    return new WorkerCrashError(baseMessage(error), { workerId: error.workerId, exitCode: error.exitCode, signal: error.signal }, {
      cause: error, hint: error.hint, location: { ...error.location, ...location },
    }, error.code);
  }
  return error;
}

/**
 * The message an error was built with, before WeirError appended the location, hint, arguments and traceback
 * (those are re-rendered from the structured fields, so keeping them would print them twice).
 */
function baseMessage(error: WeirError): string {
  let text = error.message;
  const hint = error.hint ? text.lastIndexOf(`\nHint: ${error.hint}`) : -1;
  if (hint >= 0) text = text.slice(0, hint);
  const where = describeLocation(error.location);
  if (where && text.endsWith(` (${where})`)) text = text.slice(0, -where.length - 3);
  if (error instanceof UdfError) {
    const cut = [error.values ? text.indexOf('\nArguments: ') : -1, error.traceback ? text.indexOf(`\n${error.traceback.trimEnd()}`) : -1]
      .filter((i) => i >= 0);
    if (cut.length) text = text.slice(0, Math.min(...cut));
  }
  return text;
}

/** Plain JS values of one row of the argument columns (for error messages). */
function rowValues(args: readonly arrow.Data[], row: number): unknown[] | undefined {
  if (args.length === 0 || row < 0 || row >= args[0].length) return undefined;
  return args.map((d) => {
    const v = arrow.makeVector(d).get(row);
    return v instanceof Uint8Array ? Array.from(v) : v;
  });
}

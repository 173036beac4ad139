import type { UdfProgram } from './function-definition.ts';
import type { UdfBackend, UdfBackendContext, UdfBackendFactory, UdfEvalResult } from './udf-backend.ts';

/**
 * What a table function produced for one request: zero or more rows per input row. `index[k]` is the input row
 * (relative to the request) output row k came from; it never decreases, so the rows of one input row are
 * contiguous and in input order. Input rows without output rows do not appear (LEFT JOIN LATERAL pads them).
 * `columns` holds one column per declared result column, each `index.length` long and of its declared type.
 * The remaining fields are as for scalar requests, so the operators share one metrics helper.
 */
export interface TableEvalResult extends UdfEvalResult {
  readonly index: Int32Array;
}

/**
 * Runs one table function for one operator instance somewhere else (Python worker processes, TS worker threads),
 * with the pipelining contract of {@link import('./udf-backend.ts').UdfBackend}: up to `capacity` requests in
 * flight, each promise settles with its own result or a UdfError (row relative to the request) / WorkerCrashError.
 */
export type TableFunctionBackend = UdfBackend<TableEvalResult>;

/**
 * Opens a table-function backend. `program` has exactly one step, the table function; its arguments are
 * `{col}` (request columns `a0, a1, ...` = the program's `argColumns`) or `{lit}` constants.
 */
export type TableBackendFactory = UdfBackendFactory<TableEvalResult>;

/**
 * The backend of a language, loaded on first use so a job pays only for the languages it calls (as the scalar
 * backends in udf-backends.ts).
 */
export async function openTableBackend(program: UdfProgram, ctx: UdfBackendContext): Promise<TableFunctionBackend> {
  const factory = program.language === 'python'
    ? (await import('./python/table-client.ts')).pythonTableBackendFactory
    : (await import('./ts/ts-table-backend.ts')).tsTableBackendFactory;
  return factory.open(program, ctx);
}

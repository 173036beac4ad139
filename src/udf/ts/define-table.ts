import type { DataType } from '../../types/data-type.ts';
import { parseDataType } from '../../types/parse-data-type.ts';
import type { UdfContext, UdfResult } from './define.ts';

/**
 * Authoring API for TypeScript table functions (Flink's TableFunction, PyFlink's `udtf`): zero, one or many rows
 * per input row, used with `LATERAL TABLE(f(x))` in SQL and `joinLateral` / `leftOuterJoinLateral` in the Table
 * API. Like scalar TS UDFs they run in worker threads, loaded by module path and export name.
 *
 * Two ways to write one:
 * - `eval(...values)`: per row, with the argument values as JS values (docs/values.md); returns the row's output
 *   rows as an array or any iterable (a generator works), or `null`/`undefined` for none. A row is an array with
 *   one value per result column, an object keyed by result column name, or — for one result column — the value.
 * - `evalBatch(...vectors, ctx)`: columnar, once per batch, with one Arrow `Vector` per argument (like a scalar
 *   kernel); returns `{ index, columns }`: `index[k]` is the input row of output row k (non-decreasing, in
 *   `0..ctx.rows-1`), `columns` one column per result column, `index.length` long, in any form a scalar kernel
 *   may return (Vector, Data, typed array, `nullable(...)`, JS array).
 */

/** Marks values made by {@link tableFunction}; `Symbol.for` so a second copy of this module agrees. */
export const TS_TABLE_UDF_MARK: unique symbol = Symbol.for('weir.udf.ts.table-function') as never;

/** One output row of a per-row `eval`: an array by position, an object by column name, or a lone value. */
export type TableRow = readonly unknown[] | Readonly<Record<string, unknown>> | unknown;

/** What a per-row `eval` returns: the rows (array or iterable), or null/undefined for none. */
export type TableRows = Iterable<TableRow> | null | undefined;

/** What a columnar `evalBatch` returns. */
export interface TableBatch {
  /** Input row of each output row: non-decreasing, in 0..ctx.rows-1. */
  readonly index: Int32Array | readonly number[];
  /** One per result column, each `index.length` long. */
  readonly columns: readonly UdfResult[];
}

// `any` on purpose, as for scalar kernels: authors annotate parameters as they like.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TableRowEval = (...values: any[]) => TableRows | Promise<TableRows>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type TableBatchEval = (...args: any[]) => TableBatch | Promise<TableBatch>;

export interface TableFunctionOptions {
  /**
   * Result columns: a ROW type (`'ROW<word STRING, len INT>'`, whose fields name the columns), one type, or a
   * list of types. Weir DataTypes or Flink type strings.
   */
  readonly resultTypes: DataType | string | readonly (DataType | string)[];
  /** Column names (default: the ROW's field names, else `f0, f1, ...`). */
  readonly resultNames?: readonly string[];
  /** Declared argument types; omit to accept whatever the call site passes. */
  readonly inputTypes?: readonly (DataType | string)[];
  /** False when the rows may differ for equal inputs; default true. */
  readonly deterministic?: boolean;
  /** Default name when registered without one. */
  readonly name?: string;
  /** Per-row evaluation (give exactly one of `eval` and `evalBatch`). */
  readonly eval?: TableRowEval;
  /** Columnar evaluation (give exactly one of `eval` and `evalBatch`). */
  readonly evalBatch?: TableBatchEval;
}

/** The resolved declaration a table function carries. */
export interface TableFunctionSpec {
  readonly kind: 'table';
  readonly resultTypes: readonly DataType[];
  readonly resultNames: readonly string[];
  readonly inputTypes: readonly DataType[] | null;
  readonly deterministic: boolean;
  readonly name?: string;
  readonly eval: TableRowEval | null;
  readonly evalBatch: TableBatchEval | null;
}

/**
 * A table function made by {@link tableFunction}. Calling it directly runs the per-row `eval` (or `evalBatch`
 * with the given vectors) and returns what it returned, which is handy in unit tests.
 */
export type TsTableFunction = ((...args: unknown[]) => unknown) & { readonly [TS_TABLE_UDF_MARK]: TableFunctionSpec };

/**
 * Declares a TypeScript table function. Types are parsed here, so a bad type string fails when the module is
 * imported (TYPE_UNKNOWN), at registration.
 *
 * @example
 * ```ts
 * import { tableFunction } from 'weir/udf/ts';
 *
 * // per row: a generator, like a PyFlink udtf
 * export const split = tableFunction({
 *   resultTypes: ['STRING', 'INT'], resultNames: ['word', 'len'],
 *   *eval(line: string | null) {
 *     if (line === null) return;
 *     for (const w of line.split(' ')) yield [w, w.length];
 *   },
 * });
 *
 * // columnar: n copies of each row's value, no per-row objects
 * export const repeat = tableFunction({
 *   resultTypes: 'ROW<v BIGINT, k INT>',
 *   evalBatch(v: Vector, n: Vector, ctx: UdfContext) {
 *     const values = bigInt64Values(v), counts = int32Values(n);
 *     let total = 0;
 *     for (let i = 0; i < ctx.rows; i++) total += Math.max(0, counts[i]);
 *     const index = new Int32Array(total), out = new BigInt64Array(total), k = new Int32Array(total);
 *     for (let i = 0, p = 0; i < ctx.rows; i++) for (let j = 0; j < counts[i]; j++, p++) { index[p] = i; out[p] = values[i]; k[p] = j; }
 *     return { index, columns: [out, k] };
 *   },
 * });
 * ```
 */
export function tableFunction(options: TableFunctionOptions): TsTableFunction {
  const { eval: perRow, evalBatch } = options;
  if ((typeof perRow === 'function') === (typeof evalBatch === 'function')) {
    throw new TypeError(`tableFunction needs exactly one of eval (per row) and evalBatch (columnar), got ${[perRow && 'eval', evalBatch && 'evalBatch'].filter(Boolean).join(' and ') || 'neither'}`);
  }
  const [resultTypes, rowNames] = resultColumns(options.resultTypes);
  const resultNames = options.resultNames ?? rowNames ?? resultTypes.map((_, i) => `f${i}`);
  if (resultNames.length !== resultTypes.length || new Set(resultNames).size !== resultNames.length) {
    throw new TypeError(`tableFunction: resultNames (${resultNames.join(', ')}) must be ${resultTypes.length} distinct names, one per result type`);
  }
  const spec: TableFunctionSpec = Object.freeze({
    kind: 'table',
    resultTypes: Object.freeze(resultTypes),
    resultNames: Object.freeze([...resultNames]),
    inputTypes: options.inputTypes ? Object.freeze(options.inputTypes.map(toDataType)) : null,
    deterministic: options.deterministic ?? true,
    name: options.name,
    eval: perRow ?? null,
    evalBatch: evalBatch ?? null,
  });
  const body = (perRow ?? evalBatch)! as (...args: unknown[]) => unknown;
  const fn = function (this: unknown, ...args: unknown[]) { return body.apply(this, args); };
  Object.defineProperty(fn, 'name', { value: options.name ?? body.name });
  Object.defineProperty(fn, TS_TABLE_UDF_MARK, { value: spec, enumerable: false });
  return fn as unknown as TsTableFunction;
}

/** True for values made by {@link tableFunction} (by any copy of this module). */
export function isTsTableFunction(value: unknown): value is TsTableFunction {
  return typeof value === 'function' && (value as { [TS_TABLE_UDF_MARK]?: unknown })[TS_TABLE_UDF_MARK] !== undefined;
}

/** The declaration of a table function. */
export function tableFunctionSpec(fn: TsTableFunction): TableFunctionSpec {
  return fn[TS_TABLE_UDF_MARK];
}

/** Column types (and names when given as a ROW) of the accepted `resultTypes` forms. */
function resultColumns(types: TableFunctionOptions['resultTypes']): [DataType[], string[] | null] {
  if (Array.isArray(types)) {
    if (types.length === 0) throw new TypeError('tableFunction needs at least one result type');
    return [types.map(toDataType), null];
  }
  const t = toDataType(types as DataType | string);
  return t.kind === 'ROW' ? [t.fields.map((f) => f.type), t.fields.map((f) => f.name)] : [[t], null];
}

function toDataType(type: DataType | string): DataType {
  return typeof type === 'string' ? parseDataType(type) : type;
}

export type { UdfContext };

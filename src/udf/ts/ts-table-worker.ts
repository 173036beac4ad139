/**
 * The piscina task for TypeScript table functions (run in the same pool as scalar UDFs, selected by file name):
 * evaluates one table function over one request's argument columns and moves back the input-row index and the
 * result columns. Errors are returned as serialized WeirErrors, never thrown (see ts-udf-worker.ts).
 */
import * as arrow from 'apache-arrow';
import { threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { ErrorCodes, WeirError } from '../../errors/weir-error.ts';
import { UdfError } from '../../errors/errors.ts';
import { serializeError } from '../../errors/serialize.ts';
import { columnFromValues, valueAt } from '../../batch/values/index.ts';
import { fromArrowType } from '../../types/arrow-types.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import type { UdfArg } from '../function-definition.ts';
import type { UdfTimings } from '../udf-backend.ts';
import type { TableBatch, TableFunctionSpec } from './define-table.ts';
import { literalColumn } from './literal-column.ts';
import { toResultColumn } from './result-column.ts';
import { loadTableFunction } from './table-loader.ts';
import { decodeData, encodeColumns, type TransferableData } from './transferable-data.ts';
import { asWeirError, isThenable, plain, registriesFor } from './ts-udf-worker.ts';
import type { WorkerMetricRecord, WorkerReply } from './worker-protocol.ts';

/** Where to load the function and how to call it. */
export interface TableWorkerFunction {
  readonly name: string;
  readonly modulePath: string;
  readonly exportName: string;
  /** `{col}` = request column, `{lit}` = constant (`{step}` does not occur). */
  readonly args: readonly UdfArg[];
}

export type TableWorkerTask =
  | { readonly kind: 'load-table'; readonly fn: TableWorkerFunction }
  | { readonly kind: 'table'; readonly clientId: string; readonly fn: TableWorkerFunction; readonly rows: number; readonly columns: readonly TransferableData[] };

/** The scalar UDF task's reply ({@link WorkerReply}) plus, per output row, the input row it came from. */
export type TableWorkerReply =
  | (Extract<WorkerReply, { ok: true }> & {
    /** Input row of each output row (moved). */
    readonly index: Int32Array;
  })
  | Extract<WorkerReply, { ok: false }>;

const now = process.hrtime.bigint;
const NO_TIME: UdfTimings = { userNs: 0, deserNs: 0, serNs: 0 };

export default async function run(task: TableWorkerTask): Promise<unknown> {
  try {
    if (task.kind === 'load-table') {
      await loadTableFunction(task.fn.modulePath, task.fn.exportName, task.fn.name);
      return { ok: true, threadId, index: new Int32Array(0), columns: [], timings: NO_TIME, bytes: 0, metrics: [] } satisfies TableWorkerReply;
    }
    return await evaluate(task);
  } catch (e) {
    return { ok: false, threadId, error: serializeError(asWeirError(e)) } satisfies TableWorkerReply;
  }
}

async function evaluate(task: Extract<TableWorkerTask, { kind: 'table' }>): Promise<unknown> {
  const { fn, rows } = task;
  const spec = await loadTableFunction(fn.modulePath, fn.exportName, fn.name);
  const [registry] = registriesFor(task.clientId, 1);
  let t = now();
  const inputs = task.columns.map((c) => arrow.makeVector(decodeData(c)));
  const args = fn.args.map((a) => {
    if ('col' in a) return inputs[a.col] ?? protocolError(`table function '${fn.name}' reads argument column ${a.col}, but the request has ${inputs.length}`, fn.name);
    if ('lit' in a) return arrow.makeVector(literalColumn(a.lit, a.type, rows));
    return protocolError(`table function '${fn.name}' cannot take a chained step as argument`, fn.name);
  });
  const deserNs = now() - t;
  t = now();
  const produced = spec.evalBatch
    ? await batchEval(spec, fn.name, args, rows, registry.root)
    : await rowEval(spec, fn.name, args, rows);
  const userNs = now() - t;
  t = now();
  const columns = produced.columns.map((c, k) => toResultColumn(c, spec.resultTypes[k], produced.index.length, fn.name));
  const encoded = encodeColumns(columns, 'move');
  const serNs = now() - t;
  const metrics: WorkerMetricRecord[] = registry.collectChanges().map((r) => ({ ...r, udf: fn.name }));
  const reply: TableWorkerReply = {
    ok: true, threadId, index: produced.index, columns: encoded.columns, bytes: encoded.bytes + produced.index.byteLength, metrics,
    timings: { userNs: Number(userNs), deserNs: Number(deserNs), serNs: Number(serNs) },
  };
  const transfer = [...encoded.transferList, produced.index.buffer as ArrayBuffer];
  return move({ [transferableSymbol]: transfer, [valueSymbol]: reply } as never);
}

/** Columnar: one call for the batch; the index is validated (non-decreasing, in range) and copied if shared. */
async function batchEval(spec: TableFunctionSpec, name: string, args: arrow.Vector[], rows: number, metrics: unknown): Promise<{ index: Int32Array; columns: readonly unknown[] }> {
  let out: TableBatch;
  try {
    const r = spec.evalBatch!(...args, { rows, name, metrics });
    out = (isThenable(r) ? await r : r) as TableBatch;
  } catch (e) {
    throw userError(e, name, args, (e as { row?: unknown })?.row);
  }
  if (!out || typeof out !== 'object' || !out.index || !Array.isArray(out.columns)) {
    throw resultError(name, `evalBatch must return { index, columns }, got ${out === null ? 'null' : typeof out}`);
  }
  if (out.columns.length !== spec.resultTypes.length) {
    throw resultError(name, `evalBatch returned ${out.columns.length} columns for ${spec.resultTypes.length} declared result columns (${spec.resultNames.join(', ')})`);
  }
  // A fresh buffer the worker may move: the author may keep theirs (or pass a plain array).
  const index = Int32Array.from(out.index as ArrayLike<number>);
  for (let k = 0; k < index.length; k++) {
    if (!(index[k] >= 0 && index[k] < rows) || (k > 0 && index[k] < index[k - 1])) {
      throw resultError(name, `index[${k}] is ${index[k]}; the index must be non-decreasing input rows in 0..${rows - 1}`);
    }
  }
  return { index, columns: out.columns };
}

/** Per row: `eval(...values)` for every input row, rows collected column by column, then built as Arrow columns. */
async function rowEval(spec: TableFunctionSpec, name: string, args: arrow.Vector[], rows: number): Promise<{ index: Int32Array; columns: arrow.Data[] }> {
  const types = args.map((v) => fromArrowType(v.type));
  // Request columns and literal columns are single-chunk vectors.
  const datas = args.map((v) => v.data[0]);
  const width = spec.resultTypes.length;
  const index: number[] = [];
  const values: unknown[][] = spec.resultTypes.map(() => []);
  const f = spec.eval!;
  for (let r = 0; r < rows; r++) {
    const rowArgs = datas.map((d, k) => valueAt(d, types[k], r));
    let produced: unknown;
    try {
      produced = f(...rowArgs);
      if (isThenable(produced)) produced = await produced;
      for (const item of asRows(produced)) {
        const fields = rowFields(item, spec, name, r, rowArgs);
        for (let c = 0; c < width; c++) values[c].push(fields[c]);
        index.push(r);
      }
    } catch (e) {
      if (e instanceof WeirError) throw e;
      throw userError(e, name, args, r);
    }
  }
  const columns = spec.resultTypes.map((type, c) => {
    try {
      return columnFromValues(type, values[c]);
    } catch (e) {
      throw resultError(name, `column ${spec.resultNames[c]} (${formatDataType(type)}): ${(e as Error).message}`, e);
    }
  });
  return { index: Int32Array.from(index), columns };
}

/** PyFlink's rule: null/undefined → no rows; an array or other iterable (not a string) → its items; else one row. */
function asRows(produced: unknown): Iterable<unknown> {
  if (produced === null || produced === undefined) return [];
  if (typeof produced !== 'string' && typeof (produced as Iterable<unknown>)[Symbol.iterator] === 'function') return produced as Iterable<unknown>;
  return [produced];
}

/** One produced row as one value per result column. */
function rowFields(item: unknown, spec: TableFunctionSpec, name: string, row: number, rowArgs: unknown[]): readonly unknown[] {
  const width = spec.resultTypes.length;
  if (width === 1 && isCompound(spec.resultTypes[0])) return [item];
  if (Array.isArray(item)) {
    if (item.length === width) return item;
    throw resultError(name, `input row ${row} produced a row of ${item.length} value(s) ${preview(item)} for ${width} result column(s) (${spec.resultNames.join(', ')})`, undefined, row, rowArgs);
  }
  if (isPlainObject(item) && width > 1) return spec.resultNames.map((n) => (item as Record<string, unknown>)[n] ?? null);
  if (width === 1) return [item];
  throw resultError(name, `input row ${row} produced ${preview(item)}; a row of ${width} result columns is an array or an object keyed by ${spec.resultNames.join(', ')}`, undefined, row, rowArgs);
}

const isCompound = (t: DataType): boolean => t.kind === 'ROW' || t.kind === 'ARRAY' || t.kind === 'MAP';
const isPlainObject = (v: unknown): boolean => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

function preview(v: unknown): string {
  let s: string;
  try { s = JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}` : x)) ?? String(v); } catch { s = String(v); }
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function userError(e: unknown, name: string, args: arrow.Vector[], row: unknown): UdfError {
  const err = e instanceof Error ? e : new Error(String(e));
  const known = typeof row === 'number' && Number.isInteger(row) && row >= 0 && row < (args[0]?.length ?? Infinity) ? row : undefined;
  return new UdfError(ErrorCodes.UDF_ERROR, `TypeScript table function '${name}' threw ${err.name}: ${err.message}`, {
    udf: name, traceback: err.stack, row: known,
    values: known === undefined ? undefined : args.map((v) => plain(v.get(known))),
  }, { cause: e });
}

function resultError(name: string, what: string, cause?: unknown, row?: number, rowArgs?: unknown[]): UdfError {
  return new UdfError(ErrorCodes.UDF_RESULT_TYPE, `TypeScript table function '${name}' returned a bad result: ${what}`, {
    udf: name, row, values: rowArgs?.map(plain),
  }, { cause, hint: 'Rows are arrays (one value per result column) or objects keyed by column name; columns of evalBatch are index.length long and of the declared types.' });
}

function protocolError(message: string, name: string): never {
  throw new UdfError(ErrorCodes.UDF_PROTOCOL, message, { udf: name });
}

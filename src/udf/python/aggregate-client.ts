/**
 * The Python side of the UDAF runner contract (src/udf/udaf-runner.ts): `aggregate` requests of protocol 1
 * (docs/protocol.md, "Aggregate and table functions"). Frame 1 carries `g` (group id), `k` (row kind, when the
 * rows are not all +I) and the arguments `a0..`; frame 2 the groups' accumulators (`acc`). The reply has one row
 * per group: `r0` (results), `p0` (previous results), `acc` (updated accumulators), as asked.
 */
import * as arrow from 'apache-arrow';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { ExecutionError, PlanError, UdfError } from '../../errors/errors.ts';
import { toArrowType } from '../../types/arrow-types.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import { parseDataType } from '../../types/parse-data-type.ts';
import type { FunctionDefinition, PythonFunctionDefinition } from '../function-definition.ts';
import type { UdfBackendContext } from '../udf-backend.ts';
import type {
  UdafAccumulateOptions, UdafCallStats, UdafCompleteResult, UdafRows, UdafRunner, UdafRunnerFactory, UdafStateResult,
} from '../udaf-runner.ts';
import { decodeBody, encodeColumns } from './codec.ts';
import { errorFromReply, loadSpecOf, type LoadedFunction, type LoadFunctionSpec } from './protocol.ts';
import type { Reply } from './worker-client.ts';
import { WorkerSet } from './worker-set.ts';

type Mode = 'accumulate' | 'merge' | 'complete';

/** The `aggregate` request header (docs/protocol.md). */
export const aggregateMessage = (seq: number, fn: number, mode: Mode, rows: number, groups: number, results: boolean, previous: boolean) =>
  ({ type: 'aggregate', seq, fn, mode, rows, groups, results, previous });

/**
 * The `load` entry of an aggregate function. Its accumulator type is not sent as an override: the function's own
 * declaration keeps LIST_VIEW/MAP_VIEW fields (which `loaded` reports as ARRAY/MAP), and the runner checks instead
 * that it still declares the type its state was registered with ({@link checkLoaded}).
 */
export function aggregateLoadSpec(fn: PythonFunctionDefinition, id: number): LoadFunctionSpec {
  return { ...loadSpecOf(fn, id), kind: 'aggregate' };
}

/**
 * Refuses functions whose declaration changed since registration in a way that matters to state: another kind,
 * func_type, or accumulator type (the state's version: accumulators written under the old type must not be fed to
 * the new code).
 */
export function checkLoaded(def: PythonFunctionDefinition, loaded: LoadedFunction | undefined): void {
  const registered = def.aggregate?.accumulatorType ? formatDataType(def.aggregate.accumulatorType) : null;
  const now = loaded?.accumulator_type ? formatDataType(parseDataType(loaded.accumulator_type)) : null;
  if (loaded && loaded.kind === 'aggregate' && loaded.func_type === def.funcType && now === registered) return;
  const what = !loaded ? 'is missing from the worker\'s reply'
    : loaded.kind !== 'aggregate' ? `is now a ${loaded.kind} function`
    : loaded.func_type !== def.funcType ? `is now a ${loaded.func_type} aggregate function (registered as ${def.funcType})`
    : `now declares accumulator type ${now ?? 'none'}, but its state was registered as ${registered ?? 'none'}`;
  throw new UdfError(ErrorCodes.FUNCTION_SIGNATURE, `Aggregate function '${def.name}' (${def.path}) ${what}`, { udf: def.name }, {
    hint: 'The module changed after the function was registered; register it again (accumulator state written under the old type cannot be reused).',
  });
}

/** Frame 1 of accumulate/complete: `g`, `k` (when some row is not +I), `a0..`. */
export function encodeRows(rows: UdafRows): Uint8Array {
  const columns: arrow.Data[] = [int32Column(rows.groupIds)];
  const names = ['g'];
  if (rows.kinds !== null) {
    columns.push(arrow.makeData({ type: new arrow.Int8(), length: rows.rows, data: new Int8Array(rows.kinds.buffer, rows.kinds.byteOffset, rows.rows) }));
    names.push('k');
  }
  rows.args.forEach((a, i) => { columns.push(a); names.push(`a${i}`); });
  return encodeColumns(columns, rows.rows, names);
}

const int32Column = (values: Int32Array): arrow.Data => arrow.makeData({ type: new arrow.Int32(), length: values.length, data: values });

/** Runs the aggregate functions of one operator instance on its own Python workers. */
export class PythonUdafRunner implements UdafRunner {
  private constructor(private readonly functions: readonly PythonFunctionDefinition[], private readonly workers: WorkerSet) {}

  static async open(functions: readonly FunctionDefinition[], ctx: UdfBackendContext): Promise<PythonUdafRunner> {
    const defs = functions.map((f) => {
      if (f.language !== 'python') throw new PlanError(`The Python UDAF runner cannot run ${f.language} function '${f.name}'`, {}, ErrorCodes.INTERNAL);
      return f;
    });
    const workers = await WorkerSet.open(defs.map((f, id) => aggregateLoadSpec(f, id)), ctx);
    try {
      defs.forEach((def, id) => checkLoaded(def, workers.loaded.find((l) => l.id === id)));
    } catch (e) {
      await workers.close();
      throw e;
    }
    return new PythonUdafRunner(defs, workers);
  }

  /** Worker processes (tests kill one). */
  get workerProcesses(): WorkerSet['workers'] { return this.workers.workers; }

  async accumulate(fn: number, groups: number, rows: UdafRows, accumulators: arrow.Data | null, options: UdafAccumulateOptions = {}): Promise<UdafStateResult> {
    const def = this.general(fn, 'accumulate');
    const results = options.results ?? true;
    const previous = options.previous ?? false;
    const body2 = accumulators ? this.encodeAccumulators(def, accumulators, groups) : undefined;
    const reply = await this.send(fn, (seq) => aggregateMessage(seq, fn, 'accumulate', rows.rows, groups, results, previous), encodeRows(rows), body2);
    return this.stateResult(def, reply, groups, results, previous);
  }

  async merge(fn: number, groups: number, sources: { readonly groupIds: Int32Array; readonly accumulators: arrow.Data }, accumulators: arrow.Data | null,
    options: UdafAccumulateOptions = {}): Promise<UdafStateResult> {
    const def = this.general(fn, 'merge');
    const results = options.results ?? true;
    const previous = options.previous ?? false;
    const n = sources.groupIds.length;
    const body = encodeColumns([int32Column(sources.groupIds), sources.accumulators], n, ['g', 'acc']);
    const body2 = accumulators ? this.encodeAccumulators(def, accumulators, groups) : undefined;
    const reply = await this.send(fn, (seq) => aggregateMessage(seq, fn, 'merge', n, groups, results, previous), body, body2);
    return this.stateResult(def, reply, groups, results, previous);
  }

  async complete(fn: number, groups: number, rows: UdafRows): Promise<UdafCompleteResult> {
    const def = this.functions[fn];
    const reply = await this.send(fn, (seq) => aggregateMessage(seq, fn, 'complete', rows.rows, groups, true, false), encodeRows(rows));
    const { columns, stats } = this.parse(def, reply, groups);
    return { ...stats, results: this.column(def, columns, 'r0', def.resultType) };
  }

  close(): Promise<void> { return this.workers.close(); }

  private general(fn: number, mode: Mode): PythonFunctionDefinition {
    const def = this.functions[fn];
    if (!def.aggregate?.accumulatorType) {
      throw new PlanError(`Aggregate function '${def.name}' is a ${def.funcType} aggregate function without an accumulator; mode '${mode}' needs one`, {
        hint: 'pandas aggregate functions run over complete groups (window aggregation), not incrementally.',
      }, ErrorCodes.INTERNAL);
    }
    return def;
  }

  private encodeAccumulators(def: PythonFunctionDefinition, accumulators: arrow.Data, groups: number): Uint8Array {
    if (accumulators.length !== groups) {
      throw new ExecutionError(`${accumulators.length} accumulators for ${groups} groups of '${def.name}'`, {}, ErrorCodes.INTERNAL);
    }
    return encodeColumns([accumulators], groups, ['acc']);
  }

  private async send(fn: number, build: (seq: number) => object, body: Uint8Array, body2?: Uint8Array): Promise<Reply> {
    const reply = await this.workers.pick().request(build, body, body2);
    if (reply.header.type !== 'result') throw errorFromReply(reply.header, this.functions[fn].name);
    return reply;
  }

  private stateResult(def: PythonFunctionDefinition, reply: Reply, groups: number, results: boolean, previous: boolean): UdafStateResult {
    const { columns, stats } = this.parse(def, reply, groups);
    return {
      ...stats,
      results: results ? this.column(def, columns, 'r0', def.resultType) : null,
      previous: previous ? this.column(def, columns, 'p0', def.resultType) : null,
      accumulators: this.column(def, columns, 'acc', def.aggregate!.accumulatorType!),
    };
  }

  private parse(def: PythonFunctionDefinition, reply: Reply, groups: number): { columns: Map<string, arrow.Data>; stats: UdafCallStats } {
    if (!reply.body) throw new ExecutionError(`Python worker answered an aggregate request of '${def.name}' without an Arrow body`, {}, ErrorCodes.UDF_PROTOCOL);
    const decoded = decodeBody(reply.body);
    if (decoded.rows !== groups) {
      throw new ExecutionError(`Python worker returned ${decoded.rows} rows for ${groups} groups of aggregate function '${def.name}'`, {}, ErrorCodes.UDF_PROTOCOL);
    }
    const columns = new Map(decoded.schema.fields.map((f, i) => [f.name, decoded.columns[i]] as const));
    const t = (reply.header.timings ?? {}) as Record<string, unknown>;
    const metrics = Array.isArray(reply.header.metrics) ? reply.header.metrics as Record<string, unknown>[] : [];
    return {
      columns,
      stats: {
        timings: { userNs: num(t.user_ns), deserNs: num(t.deser_ns), serNs: num(t.ser_ns) },
        userMetrics: metrics.map((m) => ({
          udf: def.name,
          group: Array.isArray(m.group) ? m.group.map(String) : [],
          name: String(m.name),
          kind: (m.kind as 'counter') ?? 'gauge',
          value: m.value,
        })),
        bytesSent: reply.sentBytes,
        bytesReceived: reply.bytes,
      },
    };
  }

  /** Column `name` of a reply, checked against the declared type (the same Arrow shape; nullability aside). */
  private column(def: PythonFunctionDefinition, columns: Map<string, arrow.Data>, name: string, declared: DataType): arrow.Data {
    const data = columns.get(name);
    if (!data) throw new ExecutionError(`Python worker's reply for aggregate function '${def.name}' has no column '${name}'`, {}, ErrorCodes.UDF_PROTOCOL);
    if (!sameArrowShape(data.type, toArrowType(declared))) {
      throw new UdfError(ErrorCodes.UDF_RESULT_TYPE,
        `Python aggregate function '${def.name}' returned ${name} of Arrow type ${data.type}, but its declared type ${formatDataType(declared)} is ${toArrowType(declared)}`,
        { udf: def.name }, { hint: 'Return values of the declared result_type / accumulator_type.' });
    }
    return data;
  }
}

/**
 * Whether two Arrow types have the same physical shape: type ids, widths, units, and for nested types the field
 * names and children. Nullability flags are ignored (pyarrow and Arrow JS spell them differently).
 */
export function sameArrowShape(a: arrow.DataType, b: arrow.DataType): boolean {
  if (a.typeId !== b.typeId) return false;
  const T = arrow.DataType;
  if (T.isInt(a)) return a.bitWidth === (b as arrow.Int).bitWidth && a.isSigned === (b as arrow.Int).isSigned;
  if (T.isFloat(a)) return a.precision === (b as arrow.Float).precision;
  if (T.isDecimal(a)) return a.scale === (b as arrow.Decimal).scale && a.precision === (b as arrow.Decimal).precision;
  if (T.isTimestamp(a)) return a.unit === (b as arrow.Timestamp).unit && !a.timezone === !(b as arrow.Timestamp).timezone;
  if (T.isTime(a) || T.isDate(a)) return a.unit === (b as arrow.Time).unit;
  const ac = a.children ?? [];
  const bc = b.children ?? [];
  if (ac.length !== bc.length) return false;
  // List and map child names differ between writers ('item' / 'element', 'entries' / 'key_value'): only structs compare names.
  const names = T.isStruct(a);
  return ac.every((f: arrow.Field, i: number) => (!names || f.name === bc[i].name) && sameArrowShape(f.type, bc[i].type));
}

const num = (v: unknown): number => (typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : 0);

/** The factory openUdafRunner uses for language 'python'. */
export const pythonUdafRunnerFactory: UdafRunnerFactory = {
  language: 'python',
  open: (functions, ctx) => PythonUdafRunner.open(functions, ctx),
};

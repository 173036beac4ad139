/**
 * The worker-thread side of TypeScript aggregate functions: one `aggregate` task serves every group of a batch or
 * window firing, with the semantics of the Python `aggregate` request (docs/protocol.md): modes accumulate, merge
 * and complete; accumulators in and out as one Arrow column of the accumulator type (NULL = new group); results
 * `r0` and previous results `p0` per group, in group-id order.
 */
import * as arrow from 'apache-arrow';
import { threadId } from 'node:worker_threads';
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { columnFromValues } from '../../batch/values/build.ts';
import { valueAt } from '../../batch/values/read.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { UdfError } from '../../errors/errors.ts';
import { serializeError } from '../../errors/serialize.ts';
import { fromArrowType } from '../../types/arrow-types.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import type { UdfTimings } from '../udf-backend.ts';
import { loadAggregateFunction } from './aggregate-loader.ts';
import type { AggregateFunctionOptions, AggregateFunctionSpec } from './define-aggregate.ts';
import { decodeData, encodeColumns, type TransferableData } from './transferable-data.ts';
import { asWeirError, plain, registriesFor } from './ts-udf-worker.ts';
import type { UdfMetricRegistry } from './user-metrics.ts';
import type { WorkerMetricRecord } from './worker-protocol.ts';

/** One aggregate request, as the host thread sends it. */
export interface AggregateTask {
  readonly kind: 'aggregate';
  /** The runner instance (operator subtask), for per-subtask user metrics. */
  readonly clientId: string;
  /** Index of the function in the runner (metrics registry slot). */
  readonly fnIndex: number;
  readonly functionCount: number;
  /** `accumulatorType`: the type the function was registered with (its state's version), checked against the module. */
  readonly fn: { readonly name: string; readonly modulePath: string; readonly exportName: string; readonly accumulatorType: string };
  readonly mode: 'accumulate' | 'merge' | 'complete';
  readonly groups: number;
  readonly rows: number;
  /** Group id per row (merge: per source accumulator). */
  readonly groupIds: TransferableData;
  /** Row kinds per row (Int8), absent when all rows are +I. */
  readonly kinds?: TransferableData;
  /** Argument columns (accumulate, complete). */
  readonly args: readonly TransferableData[];
  /** merge: the source accumulators, one per `groupIds` entry. */
  readonly sources?: TransferableData;
  /** The groups' accumulators (accumulate, merge); absent = all groups new. */
  readonly accumulators?: TransferableData;
  readonly results: boolean;
  readonly previous: boolean;
}

export type AggregateReply =
  | {
    readonly ok: true;
    readonly threadId: number;
    readonly results?: TransferableData;
    readonly previous?: TransferableData;
    readonly accumulators?: TransferableData;
    readonly timings: UdfTimings;
    readonly bytes: number;
    readonly metrics: readonly WorkerMetricRecord[];
  }
  | { readonly ok: false; readonly threadId: number; readonly error: ReturnType<typeof serializeError> };

const now = process.hrtime.bigint;
const KIND_NAMES = ['+I', '-U', '+U', '-D'];

/** Runs one aggregate task; errors come back as serialized WeirErrors (never thrown across the thread boundary). */
export async function runAggregateTask(task: AggregateTask): Promise<unknown> {
  try {
    const spec = await loadAggregateFunction(task.fn.modulePath, task.fn.exportName, task.fn.name);
    const declared = formatDataType(spec.accumulatorType);
    if (declared !== task.fn.accumulatorType) {
      throw new UdfError(ErrorCodes.FUNCTION_SIGNATURE,
        `Aggregate function '${task.fn.name}' (${task.fn.modulePath}) now declares accumulator type ${declared}, but its state was registered as ${task.fn.accumulatorType}`,
        { udf: task.fn.name }, { hint: 'The module changed after the function was registered; register it again (accumulator state written under the old type cannot be reused).' });
    }
    const registry = registriesFor(task.clientId, task.functionCount)[task.fnIndex];
    return new AggregateCall(task, spec, registry).run();
  } catch (e) {
    return { ok: false, threadId, error: serializeError(asWeirError(e)) } satisfies AggregateReply;
  }
}

class AggregateCall {
  private readonly impl: AggregateFunctionOptions;
  private readonly name: string;
  private deserNs = 0n;
  private userNs = 0n;
  private serNs = 0n;

  constructor(private readonly task: AggregateTask, private readonly spec: AggregateFunctionSpec, private readonly registry: UdfMetricRegistry) {
    this.impl = spec.impl;
    this.name = task.fn.name;
  }

  run(): unknown {
    const { task } = this;
    let t = now();
    const groupIds = decodeData(task.groupIds).values as Int32Array;
    const kindValues = task.kinds ? decodeData(task.kinds).values as Int8Array : null;
    const kinds = kindValues ? new Uint8Array(kindValues.buffer, kindValues.byteOffset, task.rows) : null;
    const args = task.args.map(decodeData);
    const incoming = task.mode === 'complete' || !task.accumulators ? null : this.readAccumulators(decodeData(task.accumulators), task.groups);
    this.deserNs += now() - t;

    t = now();
    const accs = new Array<unknown>(task.groups);
    for (let g = 0; g < task.groups; g++) accs[g] = incoming?.[g] ?? this.user('createAccumulator()', () => this.impl.createAccumulator(), g);
    const previous = task.previous ? accs.map((acc, g) => (incoming?.[g] == null ? null : this.user('getValue()', () => this.impl.getValue(acc), g))) : null;
    if (task.mode === 'merge') this.merge(accs, groupIds, this.readAccumulators(decodeData(task.sources!), groupIds.length));
    else if (task.rows > 0) this.accumulate(accs, groupIds, kinds, args);
    const results = task.results || task.mode === 'complete' ? accs.map((acc, g) => this.user('getValue()', () => this.impl.getValue(acc), g)) : null;
    this.userNs += now() - t;

    t = now();
    const out: arrow.Data[] = [];
    const reply: Record<string, unknown> = {};
    const add = (key: string, data: arrow.Data) => { reply[key] = out.length; out.push(data); };
    if (results) add('results', this.column(this.spec.resultType, results, 'result'));
    if (previous) add('previous', this.column(this.spec.resultType, previous, 'result'));
    if (task.mode !== 'complete') add('accumulators', this.column(this.spec.accumulatorType, accs, 'accumulator'));
    const encoded = encodeColumns(out, 'move');
    this.serNs += now() - t;

    const metrics: WorkerMetricRecord[] = this.registry.collectChanges().map((r) => ({ ...r, udf: this.name }));
    const body: AggregateReply = {
      ok: true,
      threadId,
      ...Object.fromEntries(Object.entries(reply).map(([k, i]) => [k, encoded.columns[i as number]])),
      timings: { userNs: Number(this.userNs), deserNs: Number(this.deserNs), serNs: Number(this.serNs) },
      bytes: encoded.bytes,
      metrics,
    };
    return move({ [transferableSymbol]: encoded.transferList, [valueSymbol]: body } as never);
  }

  private accumulate(accs: unknown[], groupIds: Int32Array, kinds: Uint8Array | null, args: arrow.Data[]): void {
    const { impl, task } = this;
    if (kinds !== null && !impl.retract && !impl.accumulateColumns) {
      for (let i = 0; i < task.rows; i++) {
        if (kinds[i] & 1) {
          throw new UdfError(ErrorCodes.UDF_ERROR,
            `aggregate function '${this.name}' has no retract(), it cannot consume updates (row ${i} has row kind ${KIND_NAMES[kinds[i]]})`,
            { udf: this.name, row: i, values: this.rowValues(args, i) });
        }
      }
    }
    if (impl.accumulateColumns) {
      const update = { accumulators: accs, groupIds, kinds, args: args.map((a) => arrow.makeVector(a)), rows: task.rows, metrics: this.registry.root };
      this.user('accumulateColumns()', () => impl.accumulateColumns!(update));
      return;
    }
    const types = args.map((a) => fromArrowType(a.type));
    const values = new Array<unknown>(args.length);
    for (let i = 0; i < task.rows; i++) {
      for (let a = 0; a < args.length; a++) values[a] = valueAt(args[a], types[a], i);
      const g = groupIds[i];
      const retract = kinds !== null && (kinds[i] & 1) === 1;
      const f = retract ? impl.retract! : impl.accumulate;
      try {
        const next = f.call(impl, accs[g], ...values);
        if (next !== undefined) accs[g] = next;
      } catch (e) {
        throw this.userError(`${retract ? 'retract' : 'accumulate'}()`, e, { row: i, group: g, values: this.rowValues(args, i) });
      }
    }
  }

  private merge(accs: unknown[], groupIds: Int32Array, sources: (unknown | null)[]): void {
    const { impl } = this;
    if (!impl.merge) {
      throw new UdfError(ErrorCodes.UDF_ERROR, `aggregate function '${this.name}' has no merge(), it cannot merge accumulators (session windows, two-phase aggregation)`, { udf: this.name });
    }
    const perGroup = accs.map((): unknown[] => []);
    groupIds.forEach((g, i) => { if (sources[i] != null) perGroup[g].push(sources[i]); });
    perGroup.forEach((others, g) => {
      if (others.length === 0) return;
      const next = this.user('merge()', () => impl.merge!.call(impl, accs[g], others), g);
      if (next !== undefined) accs[g] = next;
    });
  }

  private readAccumulators(data: arrow.Data, n: number): (unknown | null)[] {
    const type = this.spec.accumulatorType;
    const out = new Array<unknown>(n);
    for (let g = 0; g < n; g++) out[g] = valueAt(data, type, g);
    return out;
  }

  /** A column of `type` from the values the function produced; a value that does not fit is UDF_RESULT_TYPE. */
  private column(type: DataType, values: unknown[], what: 'result' | 'accumulator'): arrow.Data {
    try {
      return columnFromValues(type, values);
    } catch (e) {
      const bad = values.findIndex((v) => { try { columnFromValues(type, [v]); return false; } catch { return true; } });
      throw new UdfError(ErrorCodes.UDF_RESULT_TYPE,
        `aggregate function '${this.name}': the ${what} of group ${bad} does not fit its declared type ${formatDataType(type)}: ${(e as Error).message}`,
        { udf: this.name }, { cause: e, hint: `Return ${what === 'result' ? 'results' : 'accumulators'} of the declared ${what === 'result' ? 'resultType' : 'accumulatorType'}.` });
    }
  }

  private user<T>(what: string, f: () => T, group?: number): T {
    try {
      return f();
    } catch (e) {
      throw this.userError(what, e, { group });
    }
  }

  private userError(what: string, e: unknown, where: { row?: number; group?: number; values?: unknown[] }): UdfError {
    const err = e instanceof Error ? e : new Error(String(e));
    const at = where.row !== undefined ? ` (row ${where.row}, group ${where.group})` : where.group !== undefined ? ` (group ${where.group})` : '';
    return new UdfError(ErrorCodes.UDF_ERROR, `${what} of TypeScript aggregate function '${this.name}' threw ${err.name}: ${err.message}${at}`, {
      udf: this.name, traceback: err.stack, row: where.row, values: where.values,
    }, { cause: e });
  }

  private rowValues(args: arrow.Data[], row: number): unknown[] {
    return args.map((a) => plain(valueAt(a, fromArrowType(a.type), row)));
  }
}

import type * as arrow from 'apache-arrow';
import type { DataType } from '../../types/data-type.ts';
import { parseDataType } from '../../types/parse-data-type.ts';
import type { UdfMetricGroup } from './user-metrics.ts';

/**
 * Authoring API for TypeScript aggregate functions (UDAFs), mirroring PyFlink's `AggregateFunction`: an
 * accumulator is created per group, fed rows (`accumulate`, and `retract` for updating input), optionally merged
 * (`merge`: session windows), and read out (`getValue`). The function runs in the TypeScript UDF worker threads,
 * loaded by module path and export name, so it must be exported from a module. Accumulators live in Weir's keyed
 * state between calls, typed by `accumulatorType` (which is also the state's version: change it and old state is
 * refused).
 *
 * Values are the JavaScript values of docs/values.md: a ROW accumulator is a plain object keyed by field names,
 * ARRAY an array, MAP a Map, BIGINT a bigint, DECIMAL a string. `accumulate`/`retract`/`merge` may mutate the
 * accumulator in place or return a new one (handy for scalar accumulators such as a number).
 *
 * Every request serves all groups of a batch or window firing at once. For speed, `accumulateColumns` may replace
 * the per-row `accumulate`/`retract` calls with one call over the argument vectors (see {@link ColumnarUpdate}).
 */

/** Marks objects made by {@link aggregateFunction}; `Symbol.for` so a second copy of this module agrees. */
export const TS_UDAF_MARK: unique symbol = Symbol.for('weir.udf.ts.aggregate-function') as never;

/** What the columnar update hook receives: the whole request, all groups. */
export interface ColumnarUpdate<ACC> {
  /** The accumulator of every group (`groupIds` index into it); replace entries to return new accumulators. */
  readonly accumulators: ACC[];
  /** Group of each row. */
  readonly groupIds: Int32Array;
  /** Row kinds (+I 0, -U 1, +U 2, -D 3), null = all +I; rows of kind 1/3 must be retracted. */
  readonly kinds: Uint8Array | null;
  /** The argument vectors, one value per row. */
  readonly args: readonly arrow.Vector[];
  readonly rows: number;
  readonly metrics: UdfMetricGroup;
}

/** The declaration of a TypeScript aggregate function. */
export interface AggregateFunctionOptions<ACC = unknown, R = unknown> {
  /** Result type: a Weir DataType or Flink syntax such as `'DOUBLE'`. */
  readonly resultType: DataType | string;
  /** The accumulator's type, e.g. `'ROW<total DOUBLE, n BIGINT>'`: how it is kept in state (and its version). */
  readonly accumulatorType: DataType | string;
  /** Declared argument types; omit to accept whatever the call site passes. */
  readonly inputTypes?: readonly (DataType | string)[];
  /** False when the result may differ for equal inputs; default true. */
  readonly deterministic?: boolean;
  /** Default name when registered without one. */
  readonly name?: string;
  /** A new, empty accumulator. */
  createAccumulator(): ACC;
  /** Adds one row (arguments as JS values, NULL as null). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  accumulate(accumulator: ACC, ...args: any[]): ACC | void;
  /** Removes one earlier row; needed to consume updating input (-U/-D rows). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  retract?(accumulator: ACC, ...args: any[]): ACC | void;
  /** Merges other accumulators into `accumulator`; needed by session windows. */
  merge?(accumulator: ACC, others: ACC[]): ACC | void;
  /** The result of an accumulator. */
  getValue(accumulator: ACC): R;
  /** Optional columnar replacement of per-row accumulate/retract: one call per request over all rows. */
  accumulateColumns?(update: ColumnarUpdate<ACC>): void;
}

/** The resolved declaration carried by a marked aggregate function. */
export interface AggregateFunctionSpec {
  readonly kind: 'aggregate';
  readonly resultType: DataType;
  readonly accumulatorType: DataType;
  readonly inputTypes: readonly DataType[] | null;
  readonly deterministic: boolean;
  readonly name?: string;
  readonly hasRetract: boolean;
  readonly hasMerge: boolean;
  readonly impl: AggregateFunctionOptions;
}

/** A function object made by {@link aggregateFunction}. */
export interface TsAggregateFunction<ACC = unknown, R = unknown> {
  readonly [TS_UDAF_MARK]: AggregateFunctionSpec;
  /** Runs the aggregate directly over argument arrays (unit tests): accumulates the rows, returns getValue. */
  evaluate(...columns: readonly unknown[][]): R;
  readonly options: AggregateFunctionOptions<ACC, R>;
}

/**
 * Declares a TypeScript aggregate function.
 *
 * @example
 * ```ts
 * import { aggregateFunction } from 'weir/udf/ts';
 *
 * // weighted average, retractable, with a ROW accumulator
 * export const weightedAvg = aggregateFunction({
 *   resultType: 'DOUBLE',
 *   accumulatorType: 'ROW<sum DOUBLE, weight BIGINT>',
 *   createAccumulator: () => ({ sum: 0, weight: 0n }),
 *   accumulate(acc, value: number | null, weight: bigint | null) {
 *     if (value === null || weight === null) return;
 *     acc.sum += value * Number(weight); acc.weight += weight;
 *   },
 *   retract(acc, value: number | null, weight: bigint | null) {
 *     if (value === null || weight === null) return;
 *     acc.sum -= value * Number(weight); acc.weight -= weight;
 *   },
 *   getValue: (acc) => (acc.weight === 0n ? null : acc.sum / Number(acc.weight)),
 * });
 * ```
 */
export function aggregateFunction<ACC, R>(options: AggregateFunctionOptions<ACC, R>): TsAggregateFunction<ACC, R> {
  for (const method of ['createAccumulator', 'accumulate', 'getValue'] as const) {
    if (typeof options?.[method] !== 'function') {
      throw new TypeError(`aggregateFunction needs a ${method} function, got ${typeof options?.[method]}`);
    }
  }
  const spec: AggregateFunctionSpec = Object.freeze({
    kind: 'aggregate',
    resultType: toDataType(options.resultType),
    accumulatorType: toDataType(options.accumulatorType),
    inputTypes: options.inputTypes ? Object.freeze(options.inputTypes.map(toDataType)) : null,
    deterministic: options.deterministic ?? true,
    name: options.name,
    hasRetract: typeof options.retract === 'function',
    hasMerge: typeof options.merge === 'function',
    impl: options as AggregateFunctionOptions,
  });
  return Object.freeze({
    [TS_UDAF_MARK]: spec,
    options,
    evaluate(...columns: readonly unknown[][]): R {
      let acc = options.createAccumulator();
      const rows = columns[0]?.length ?? 0;
      for (let i = 0; i < rows; i++) acc = (options.accumulate(acc, ...columns.map((c) => c[i])) ?? acc) as ACC;
      return options.getValue(acc);
    },
  });
}

/** True for values made by {@link aggregateFunction} (by any copy of this module). */
export function isTsAggregateFunction(value: unknown): value is TsAggregateFunction {
  return typeof value === 'object' && value !== null && (value as { [TS_UDAF_MARK]?: unknown })[TS_UDAF_MARK] !== undefined;
}

/** The declaration of a marked aggregate function. */
export function aggregateFunctionSpec(fn: TsAggregateFunction): AggregateFunctionSpec {
  return fn[TS_UDAF_MARK];
}

function toDataType(type: DataType | string): DataType {
  return typeof type === 'string' ? parseDataType(type) : type;
}

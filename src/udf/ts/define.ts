import type * as arrow from 'apache-arrow';
import type { DataType } from '../../types/data-type.ts';
import { parseDataType } from '../../types/parse-data-type.ts';
import type { UdfMetricGroup } from './user-metrics.ts';
import type { BigIntArray, NullableValues, TypedArray } from './kernels.ts';

/**
 * Authoring API for TypeScript UDFs. A UDF is a *vectorized* kernel: it is called once per batch with one Arrow
 * `Vector` per argument column and returns the whole result column, like a pandas UDF in PyFlink. It runs in a
 * worker thread of a piscina pool, loaded by module path and export name, so it must be exported from a module.
 */

/** Marks function objects made by {@link scalarFunction}; `Symbol.for` so a second copy of this module agrees. */
export const TS_UDF_MARK: unique symbol = Symbol.for('weir.udf.ts.scalar-function') as never;

/** What a kernel gets after its argument vectors. */
export interface UdfContext {
  /** Rows in this batch; every argument vector and the result have this length. */
  readonly rows: number;
  /** The function's name as registered. */
  readonly name: string;
  /** Metrics the function reports, as PyFlink's `FunctionContext.get_metric_group()`. */
  readonly metrics: UdfMetricGroup;
}

/**
 * What a kernel may return, `rows` long:
 * - an Arrow `Vector` or `Data` of the result type;
 * - a typed array of the result type's Arrow storage (Float64Array for DOUBLE, Int32Array for INT, BigInt64Array
 *   for BIGINT, Int32Array of epoch days for DATE, ...), with no NULLs;
 * - {@link NullableValues} (`nullable(values, validity)`), a typed array plus a validity bitmap;
 * - a plain JS array of values (`null` for NULL), converted with arrow's `vectorFromArray` and the declared type.
 *
 * Results are *moved* to the host thread (their ArrayBuffers are transferred): do not keep a result buffer in a
 * module variable to reuse it on the next call; allocate a new one per call.
 */
export type UdfResult = arrow.Vector | arrow.Data | TypedArray | BigIntArray | NullableValues | readonly unknown[];

/** A kernel: argument vectors first, then the {@link UdfContext}. It may be async (awaited time counts as user time). */
// `any` on purpose: authors annotate parameters as they like (`(a: Vector<Float64>, b, ctx: UdfContext)`).
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ScalarKernel = (...args: any[]) => UdfResult | Promise<UdfResult>;

export interface ScalarFunctionOptions {
  /** Result type: a Weir DataType or Flink syntax such as `'DOUBLE'`, `'DECIMAL(10, 2)'`, `'ARRAY<STRING>'`. */
  readonly resultType: DataType | string;
  /** Declared argument types; omit to accept whatever the call site passes. */
  readonly inputTypes?: readonly (DataType | string)[];
  /** False when the result may differ for equal inputs (random, time); default true. */
  readonly deterministic?: boolean;
  /** Default name when registered without one; default: the export name. */
  readonly name?: string;
}

/** The resolved declaration carried by a marked function. */
export interface ScalarFunctionSpec {
  readonly kind: 'scalar';
  readonly resultType: DataType;
  readonly inputTypes: readonly DataType[] | null;
  readonly deterministic: boolean;
  readonly name?: string;
  readonly kernel: ScalarKernel;
}

/** A function made by {@link scalarFunction}; still callable directly, which is handy in unit tests. */
export type TsScalarFunction<F extends ScalarKernel = ScalarKernel> = F & { readonly [TS_UDF_MARK]: ScalarFunctionSpec };

/**
 * Declares a vectorized TypeScript scalar UDF.
 *
 * Types are parsed here, so a bad type string fails when the module is imported (TYPE_UNKNOWN), at registration.
 *
 * @example
 * ```ts
 * import { scalarFunction, float64Values, andValidity, nullable } from 'weir/udf/ts';
 *
 * // a * b + 1 over DOUBLE columns, NULL when either side is NULL
 * export const mulAdd = scalarFunction({ resultType: 'DOUBLE', inputTypes: ['DOUBLE', 'DOUBLE'] }, (a, b, ctx) => {
 *   const x = float64Values(a), y = float64Values(b);
 *   const out = new Float64Array(ctx.rows);
 *   for (let i = 0; i < out.length; i++) out[i] = x[i] * y[i] + 1;
 *   ctx.metrics.counter('batches').inc();
 *   return nullable(out, andValidity(a, b));
 * });
 *
 * // plain JS arrays work too (slower): one value per row, null for NULL
 * export const shout = scalarFunction({ resultType: 'STRING' }, (s) => s.toArray().map((v: string | null) => v?.toUpperCase() ?? null));
 * ```
 */
export function scalarFunction<F extends ScalarKernel>(options: ScalarFunctionOptions, kernel: F): TsScalarFunction<F> {
  if (typeof kernel !== 'function') {
    throw new TypeError(`scalarFunction expects a function as its second argument, got ${typeof kernel}`);
  }
  const spec: ScalarFunctionSpec = Object.freeze({
    kind: 'scalar',
    resultType: toDataType(options.resultType),
    inputTypes: options.inputTypes ? Object.freeze(options.inputTypes.map(toDataType)) : null,
    deterministic: options.deterministic ?? true,
    name: options.name,
    kernel,
  });
  // A wrapper, not the kernel itself, so marking never mutates a function the author may use elsewhere.
  const fn = function (this: unknown, ...args: unknown[]) { return kernel.apply(this, args); };
  Object.defineProperty(fn, 'name', { value: options.name ?? kernel.name });
  Object.defineProperty(fn, TS_UDF_MARK, { value: spec, enumerable: false });
  return fn as unknown as TsScalarFunction<F>;
}

/** True for values made by {@link scalarFunction} (by any copy of this module). */
export function isTsScalarFunction(value: unknown): value is TsScalarFunction {
  return typeof value === 'function' && (value as { [TS_UDF_MARK]?: unknown })[TS_UDF_MARK] !== undefined;
}

/** The declaration of a marked function. */
export function scalarFunctionSpec(fn: TsScalarFunction): ScalarFunctionSpec {
  return fn[TS_UDF_MARK];
}

// Registration reads declarations through the same module the authors import (src/api uses it from here).
export { inspectTsFunction } from './inspect.ts';

function toDataType(type: DataType | string): DataType {
  return typeof type === 'string' ? parseDataType(type) : type;
}

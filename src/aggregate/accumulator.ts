/**
 * Runtime side of aggregate functions: accumulators. Like Flink's generated AggsHandleFunction, one Accumulator
 * object per aggregate call per operator holds the accumulator of the key being processed: the operator loads a
 * key's saved state, feeds that key's rows, reads the value and saves a new state form. Keeping the working form
 * in one reused object keeps per-row work to a field update, and the saved form plain data (msgpack-able, never
 * mutated once saved — the heap backend shares saved values with snapshots).
 */
import { ExecutionError, PlanError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { DataType } from '../types/data-type.ts';

/** The saved form of one accumulator: plain data (numbers, bigints, strings, booleans, null, arrays, bytes). */
export type AccumulatorState = unknown;

/**
 * The working accumulator of one aggregate call for the current key. Values are internal values
 * (see `internal-values.ts`); a single-argument function receives its argument (possibly null), a multi-argument
 * one an array of them, COUNT(*) `true`.
 */
export interface Accumulator {
  /** Makes this the empty accumulator (a key seen for the first time). */
  reset(): void;
  /** Makes this the accumulator saved as `state`. */
  load(state: AccumulatorState): void;
  /** The current accumulator as new plain data; later calls never mutate what was returned. */
  save(): AccumulatorState;
  accumulate(value: unknown): void;
  /** Undoes one earlier `accumulate(value)` (input -U/-D rows). Only called on retractable accumulators. */
  retract(value: unknown): void;
  /** Adds another accumulator of the same call, in its saved form (mini-batch local/global, restores). */
  merge(other: AccumulatorState): void;
  /** The aggregate's result (internal value; null for NULL). */
  getValue(): unknown;
}

/** What an accumulator is built for. */
export interface AccumulatorSpec {
  readonly fn: string;
  readonly argTypes: readonly DataType[];
  readonly resultType: DataType;
  /**
   * Whether the input can retract (-U/-D). As in Flink (AggregateUtil: `needRetraction`), insert-only input gets
   * the cheaper non-retracting variants, e.g. MAX keeps one value instead of a multiset.
   */
  readonly retractable: boolean;
}

/** Builds the Accumulator of one aggregate call. */
export type AccumulatorFactory = (spec: AccumulatorSpec) => Accumulator;

const factories = new Map<string, AccumulatorFactory>();

/** Registers the runtime of aggregate function `fn` (canonical upper-case name). */
export function registerAccumulator(fn: string, factory: AccumulatorFactory): void {
  factories.set(fn.toUpperCase(), factory);
}

/** The accumulator for `spec`; throws PlanError FUNCTION_NOT_FOUND when `spec.fn` has no runtime. */
export function createAccumulator(spec: AccumulatorSpec): Accumulator {
  const factory = factories.get(spec.fn.toUpperCase());
  if (factory === undefined) {
    throw new PlanError(`Aggregate function '${spec.fn}' has no runtime implementation`, {
      hint: `Implemented: ${[...factories.keys()].sort().join(', ')}.`,
    }, ErrorCodes.FUNCTION_NOT_FOUND);
  }
  return factory(spec);
}

/**
 * The error of a non-retracting accumulator asked to retract: the operator only builds those for insert-only
 * input, so this means the plan's `inputUpdates` was wrong.
 */
export function notRetractable(fn: string): ExecutionError {
  return new ExecutionError(`${fn} received a retraction but was planned for insert-only input`, {
    hint: 'The aggregate node\'s inputUpdates flag must be true when its input can contain -U/-D rows.',
  }, ErrorCodes.INTERNAL);
}

/**
 * Planning rules of user-defined aggregate function calls, shared by SQL, the Table API and every aggregating
 * operator's planner (group, window, OVER): argument typing, and the plan-time refusals of what cannot run
 * (a pandas UDAF or a UDAF without retract() on updating input), each naming the function and what to do.
 */
import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { implicitlyCastable, sameType } from '../expr/types/coercion.ts';
import { formatDataType, withNullable, type DataType } from '../types/data-type.ts';
import type { FunctionDefinition } from '../udf/function-definition.ts';
import type { AggregateCall } from './aggregate-call.ts';

/**
 * The types the arguments must be cast to before a UDAF call: per argument, the declared input type when it
 * differs from the actual one (an implicit cast), else null. Functions without declared input types take any.
 * Throws PlanError FUNCTION_SIGNATURE when the count differs or an argument cannot be cast implicitly.
 */
export function udafArgumentCasts(fn: FunctionDefinition, argTypes: readonly DataType[], distinct: boolean): (DataType | null)[] {
  if (distinct) {
    throw new PlanError(`DISTINCT is not supported in calls of the user-defined aggregate function ${fn.name}`, {
      hint: `Deduplicate first, e.g. aggregate over SELECT DISTINCT ... in a subquery.`,
    }, ErrorCodes.NOT_SUPPORTED);
  }
  const declared = fn.inputTypes;
  if (!declared) return argTypes.map(() => null);
  const ok = declared.length === argTypes.length && argTypes.every((t, i) => implicitlyCastable(t, declared[i]));
  if (!ok) {
    throw new PlanError(
      `Invalid arguments for aggregate function ${fn.name}: got (${argTypes.map((t) => formatDataType(t)).join(', ')}); expected (${declared.map((t) => formatDataType(t)).join(', ')})`,
      { hint: 'Cast the arguments to the declared input types.' }, ErrorCodes.FUNCTION_SIGNATURE);
  }
  return argTypes.map((t, i) => (sameType(t, declared[i]) ? null : withNullable(declared[i], t.nullable)));
}

/** The result type of a UDAF call: the declared one, nullable (an empty group or a NULL from the function). */
export const udafResultType = (fn: FunctionDefinition): DataType => withNullable(fn.resultType, true);

/** Where UDAF calls are planned, for messages. */
export type UdafSite = 'GROUP BY' | 'window aggregation' | 'OVER aggregation';

/**
 * Refuses UDAF calls an operator cannot run, at plan time: on updating input (-U/-D rows) every UDAF needs
 * retract(), so pandas UDAFs (which never have one) and general UDAFs without one are refused; in a non-windowed
 * GROUP BY, pandas UDAFs are refused even on append-only input (they need a group's complete rows, which only a
 * window bounds), nor over unbounded OVER frames (`unboundedFrame`); where accumulators merge (`merging`: SESSION
 * windows), general UDAFs need merge().
 */
export function checkUdafCalls(calls: readonly AggregateCall[], site: UdafSite, updatingInput: boolean,
  options: { readonly merging?: boolean; readonly unboundedFrame?: boolean } = {}): void {
  for (const call of calls) {
    const fn = call.udf;
    if (!fn) continue;
    const pandas = fn.language === 'python' && fn.funcType === 'pandas';
    if (pandas && site === 'GROUP BY') {
      throw new PlanError(`pandas aggregate function ${fn.name} cannot run in a non-windowed GROUP BY: it needs all rows of a group at once, which a stream never has`, {
        hint: `Use it in a window aggregation (GROUP BY TUMBLE/HOP/CUMULATE/SESSION window_start, window_end) or an OVER window, or write it as a general AggregateFunction with accumulate()/retract() (udaf(MyAggregate())).`,
      }, ErrorCodes.NOT_SUPPORTED);
    }
    if (pandas && options.unboundedFrame) {
      throw new PlanError(`pandas aggregate function ${fn.name} cannot run over an unbounded OVER frame: it would need every row of the partition at each step`, {
        hint: 'Use a bounded frame (ROWS/RANGE BETWEEN … PRECEDING AND CURRENT ROW), or write it as a general AggregateFunction.',
      }, ErrorCodes.NOT_SUPPORTED);
    }
    if (options.merging && !pandas && !fn.aggregate?.hasMerge) {
      throw new PlanError(`Aggregate function ${fn.name} has no merge(), so it cannot run in SESSION windows (sessions that a row bridges merge their accumulators)`, {
        hint: `Implement merge(accumulator, accumulators) in ${fn.name}'s AggregateFunction (or merge in aggregateFunction({...}) for TypeScript), or use TUMBLE/HOP/CUMULATE windows.`,
      }, ErrorCodes.NOT_SUPPORTED);
    }
    if (updatingInput && !fn.aggregate?.hasRetract) {
      throw new PlanError(`Aggregate function ${fn.name} has no retract(), so it cannot consume the updating input of this ${site} (it contains -U/-D rows)`, {
        hint: pandas
          ? 'pandas aggregate functions never retract: aggregate an append-only input (e.g. before the GROUP BY that produces the updates).'
          : `Implement retract(accumulator, *args) in ${fn.name}'s AggregateFunction (or retract in aggregateFunction({...}) for TypeScript), or aggregate an append-only input.`,
      }, ErrorCodes.NOT_SUPPORTED);
    }
  }
}

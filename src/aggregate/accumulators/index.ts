/**
 * The built-in accumulators, registered by canonical name, and {@link accumulatorForCall}, which builds the
 * accumulator of one AggregateCall (wrapping it for DISTINCT).
 */
import type { AggregateCall } from '../../plan/aggregate-call.ts';
import type { Column } from '../../types/schema.ts';
import { createAccumulator, registerAccumulator, type Accumulator, type AccumulatorSpec } from '../accumulator.ts';
import { keyFunctionFor, tupleKey } from '../internal-values.ts';
import { CountAccumulator } from './count.ts';
import { DistinctAccumulator } from './distinct.ts';
import { FirstLastAccumulator, RetractableFirstLastAccumulator } from './first-last.ts';
import { ListAggAccumulator, RetractableListAggAccumulator } from './listagg.ts';
import { ExtremumAccumulator, RetractableExtremumAccumulator } from './min-max.ts';
import { AvgAccumulator, Sum0Accumulator, SumAccumulator } from './sum-avg.ts';

registerAccumulator('COUNT', (spec) => new CountAccumulator(spec));
registerAccumulator('SUM', (spec) => new SumAccumulator(spec));
registerAccumulator('SUM0', (spec) => new Sum0Accumulator(spec));
registerAccumulator('AVG', (spec) => new AvgAccumulator(spec));
registerAccumulator('MIN', (spec) => (spec.retractable ? new RetractableExtremumAccumulator(spec, -1) : new ExtremumAccumulator(spec, -1)));
registerAccumulator('MAX', (spec) => (spec.retractable ? new RetractableExtremumAccumulator(spec, 1) : new ExtremumAccumulator(spec, 1)));
registerAccumulator('FIRST_VALUE', (spec) => (spec.retractable ? new RetractableFirstLastAccumulator(spec, false) : new FirstLastAccumulator(spec, false)));
registerAccumulator('LAST_VALUE', (spec) => (spec.retractable ? new RetractableFirstLastAccumulator(spec, true) : new FirstLastAccumulator(spec, true)));
registerAccumulator('LISTAGG', (spec) => (spec.retractable ? new RetractableListAggAccumulator(spec) : new ListAggAccumulator(spec)));

/**
 * The accumulator of `call` over input columns `inputSchema`. `retractable` says whether the input can contain
 * -U/-D rows. A DISTINCT call is wrapped in a {@link DistinctAccumulator} over all its arguments.
 */
export function accumulatorForCall(call: AggregateCall, inputSchema: readonly Column[], retractable: boolean): Accumulator {
  const argTypes = call.args.map((i) => inputSchema[i].type);
  const spec: AccumulatorSpec = { fn: call.fn, argTypes, resultType: call.type, retractable };
  const acc = createAccumulator(spec);
  if (!call.distinct || argTypes.length === 0) return acc;
  if (argTypes.length === 1) {
    return new DistinctAccumulator(acc, keyFunctionFor(argTypes[0]), (v) => v === null);
  }
  return new DistinctAccumulator(acc, (v) => tupleKey(v as unknown[]), (v) => (v as unknown[]).includes(null));
}

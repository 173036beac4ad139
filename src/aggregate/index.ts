/**
 * Aggregate functions: planning (names, signatures, Flink result types), accumulators (the runtime, with
 * retraction and merge) and the mini-batch options of group aggregation. The operator is
 * `exec/operators/group-aggregate.ts`.
 */
export {
  getAggregateFunction, isAggregateFunction, registerAggregateFunction, resolveAggregate, type AggregateFunctionDefinition,
} from './aggregate-functions.ts';
export {
  createAccumulator, registerAccumulator, type Accumulator, type AccumulatorFactory, type AccumulatorSpec, type AccumulatorState,
} from './accumulator.ts';
export { accumulatorForCall } from './accumulators/index.ts';
export { AggregateOptions, miniBatchSettings, type MiniBatchSettings } from './aggregate-options.ts';

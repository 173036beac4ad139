/**
 * TypeScript UDFs: the authoring API (`scalarFunction`, `aggregateFunction`, `tableFunction` and kernel helpers), registration metadata
 * (`inspectTsFunction`), and — as a side effect of importing this module — the 'typescript' UDF backend.
 */
import './register.ts';

export { scalarFunction, isTsScalarFunction, scalarFunctionSpec, TS_UDF_MARK } from './define.ts';
export type { ScalarFunctionOptions, ScalarFunctionSpec, ScalarKernel, TsScalarFunction, UdfContext, UdfResult } from './define.ts';
export { aggregateFunction, isTsAggregateFunction, aggregateFunctionSpec, TS_UDAF_MARK } from './define-aggregate.ts';
export type { AggregateFunctionOptions, AggregateFunctionSpec, ColumnarUpdate, TsAggregateFunction } from './define-aggregate.ts';
export { tableFunction, isTsTableFunction, tableFunctionSpec, TS_TABLE_UDF_MARK } from './define-table.ts';
export type { TableBatch, TableFunctionOptions, TableFunctionSpec, TableRow, TableRows, TsTableFunction } from './define-table.ts';
export { andValidity, bigInt64Values, float64Values, int32Values, isValid, nullable, validity, values } from './kernels.ts';
export type { BigIntArray, NullableValues, TypedArray } from './kernels.ts';
export type { UdfCounter, UdfDistribution, UdfMeter, UdfMetricGroup } from './user-metrics.ts';
export { inspectTsFunction } from './inspect.ts';
export { tsUdfBackendFactory } from './ts-backend.ts';
export { decodeData, encodeColumns, encodeData } from './transferable-data.ts';
export type { EncodedColumns, Ownership, TransferableData } from './transferable-data.ts';

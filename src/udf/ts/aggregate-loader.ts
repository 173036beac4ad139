import { ErrorCodes } from '../../errors/weir-error.ts';
import { UdfError } from '../../errors/errors.ts';
import type { TsFunctionDefinition } from '../function-definition.ts';
import { aggregateFunctionSpec, isTsAggregateFunction, type AggregateFunctionSpec } from './define-aggregate.ts';
import { loadExport } from './module-loader.ts';

/** The aggregate-function declaration of `exportName` in the module, or UDF_FUNCTION_NOT_FOUND / UDF_NOT_A_FUNCTION. */
export async function loadAggregateFunction(modulePath: string, exportName: string, udf: string): Promise<AggregateFunctionSpec> {
  const value = await loadExport(modulePath, exportName, udf);
  if (!isTsAggregateFunction(value)) {
    throw new UdfError(ErrorCodes.UDF_NOT_A_FUNCTION,
      `Export '${exportName}' of '${modulePath}' is ${typeof value === 'function' ? 'a function' : `a ${typeof value}`} but not a TypeScript aggregate function`,
      { udf }, {
        hint: `Declare it with aggregateFunction: export const ${exportName === 'default' ? 'fn' : exportName} = aggregateFunction({ resultType, accumulatorType, createAccumulator, accumulate, getValue })`,
      });
  }
  return aggregateFunctionSpec(value);
}

/** The catalog definition of a TS aggregate function. */
export async function aggregateDefinition(name: string, modulePath: string, exportName: string): Promise<TsFunctionDefinition> {
  const spec = await loadAggregateFunction(modulePath, exportName, name);
  return {
    language: 'typescript', name, modulePath, exportName, kind: 'aggregate',
    inputTypes: spec.inputTypes, resultType: spec.resultType, deterministic: spec.deterministic,
    aggregate: { accumulatorType: spec.accumulatorType, hasRetract: spec.hasRetract, hasMerge: spec.hasMerge },
  };
}

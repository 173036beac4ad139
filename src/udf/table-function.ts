import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { DataTypes, type DataType } from '../types/data-type.ts';
import type { FunctionDefinition, TableFunctionInfo } from './function-definition.ts';

/** A table function's rows as one ROW type: the `resultType` of its definition. */
export function rowOf(table: TableFunctionInfo): DataType {
  return DataTypes.ROW(table.resultNames.map((n, i) => DataTypes.FIELD(n, table.resultTypes[i])));
}

/** The declared result columns of a table function; PLAN_INVALID naming the function when it is not one. */
export function tableColumnsOf(fn: FunctionDefinition, where: string): TableFunctionInfo {
  if (fn.kind !== 'table' || !fn.table) {
    throw new PlanError(`${where} needs a table function, but '${fn.name}' is a${fn.kind === 'aggregate' ? 'n aggregate' : ' scalar'} function`, {
      hint: fn.kind === 'aggregate'
        ? 'Aggregate functions go in SELECT with GROUP BY (or in a window aggregation).'
        : 'Call scalar functions in SELECT or WHERE; a table function is declared with udtf(...) in Python or tableFunction(...) in TypeScript.',
    }, ErrorCodes.FUNCTION_SIGNATURE);
  }
  return fn.table;
}

import { ErrorCodes } from '../../errors/weir-error.ts';
import { UdfError } from '../../errors/errors.ts';
import { isTsTableFunction, tableFunctionSpec, type TableFunctionSpec } from './define-table.ts';
import { loadExport } from './module-loader.ts';
import type { TsFunctionDefinition } from '../function-definition.ts';
import { rowOf } from '../table-function.ts';

/** The table-function declaration of `exportName` in the module, or UDF_FUNCTION_NOT_FOUND / UDF_NOT_A_FUNCTION. */
export async function loadTableFunction(modulePath: string, exportName: string, udf: string): Promise<TableFunctionSpec> {
  const value = await loadExport(modulePath, exportName, udf);
  if (!isTsTableFunction(value)) {
    throw new UdfError(ErrorCodes.UDF_NOT_A_FUNCTION,
      `Export '${exportName}' of '${modulePath}' is ${typeof value === 'function' ? 'a function' : `a ${typeof value}`} but not a TypeScript table function`,
      { udf }, { hint: `Declare it with tableFunction: export const ${exportName === 'default' ? 'fn' : exportName} = tableFunction({ resultTypes: ['STRING'], *eval(x) { yield ... } })` });
  }
  return tableFunctionSpec(value);
}

/** The catalog definition of a TS table function (resultType is the ROW of its result columns). */
export async function tableDefinition(name: string, modulePath: string, exportName: string): Promise<TsFunctionDefinition> {
  const spec = await loadTableFunction(modulePath, exportName, name);
  const table = { resultNames: spec.resultNames, resultTypes: spec.resultTypes };
  return {
    language: 'typescript', name, modulePath, exportName, kind: 'table',
    inputTypes: spec.inputTypes, resultType: rowOf(table), deterministic: spec.deterministic, table,
  };
}

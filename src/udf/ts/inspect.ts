import { isAbsolute, resolve } from 'node:path';
import type { TsFunctionDefinition } from '../function-definition.ts';
import { aggregateDefinition } from './aggregate-loader.ts';
import { isTsAggregateFunction } from './define-aggregate.ts';
import { isTsTableFunction } from './define-table.ts';
import { loadExport, loadScalarFunction } from './module-loader.ts';
import { tableDefinition } from './table-loader.ts';

/**
 * Reads a TS UDF's declaration for the catalog: imports the module in the calling thread (once; later calls reuse
 * it) and returns the plain-data definition plans carry to worker threads.
 *
 * Errors (all UdfError unless noted): UDF_MODULE_NOT_FOUND (no such file, or a missing import inside it),
 * UDF_FUNCTION_NOT_FOUND (lists the module's exports), UDF_NOT_A_FUNCTION (not made by scalarFunction, with a
 * hint), UDF_OPEN_FAILED (the module throws while loading), and SchemaError TYPE_UNKNOWN when a declared type
 * string does not parse.
 *
 * @param name the name expressions and SQL use
 * @param modulePath the module file; relative paths are resolved against `baseDir`
 * @param exportName the export to use; `default` for a default export
 */
export async function inspectTsFunction(name: string, modulePath: string, exportName = 'default', baseDir = process.cwd()): Promise<TsFunctionDefinition> {
  const absolute = isAbsolute(modulePath) ? modulePath : resolve(baseDir, modulePath);
  if (isTsTableFunction(await loadExport(absolute, exportName, name))) return tableDefinition(name, absolute, exportName);
  if (isTsAggregateFunction(await loadExport(absolute, exportName, name))) return aggregateDefinition(name, absolute, exportName);
  const spec = await loadScalarFunction(absolute, exportName, name);
  return {
    language: 'typescript',
    name,
    modulePath: absolute,
    exportName,
    kind: spec.kind,
    inputTypes: spec.inputTypes,
    resultType: spec.resultType,
    deterministic: spec.deterministic,
  };
}

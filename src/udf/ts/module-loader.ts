import { existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, WeirError } from '../../errors/weir-error.ts';
import { UdfError } from '../../errors/errors.ts';
import { isTsScalarFunction, scalarFunctionSpec, type ScalarFunctionSpec } from './define.ts';

/**
 * Loads a TS UDF by module path and export name, the only way functions reach a worker (code is never shipped).
 * Shared by registration (main thread) and the worker threads so both report the same typed errors.
 */

const modules = new Map<string, Promise<Record<string, unknown>>>();

/** Imports a module once per thread; a failed import is not cached, so fixing the file and retrying works. */
export function importModule(modulePath: string, udf: string): Promise<Record<string, unknown>> {
  let pending = modules.get(modulePath);
  if (!pending) {
    pending = importUncached(modulePath, udf);
    modules.set(modulePath, pending);
    pending.catch(() => modules.delete(modulePath));
  }
  return pending;
}

async function importUncached(modulePath: string, udf: string): Promise<Record<string, unknown>> {
  if (!existsSync(modulePath)) {
    throw new UdfError(ErrorCodes.UDF_MODULE_NOT_FOUND, `TypeScript UDF module '${modulePath}' of function '${udf}' does not exist`, { udf }, {
      hint: 'Give the absolute path of a .ts or .js file, or a path relative to the job\'s base directory.',
    });
  }
  try {
    return await importTypeScriptAware(pathToFileURL(modulePath).href);
  } catch (e) {
    // A type string the module declares is wrong: keep TYPE_UNKNOWN, it says exactly what to fix.
    if (e instanceof WeirError) throw e;
    const err = e as NodeJS.ErrnoException;
    const missingDependency = err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'MODULE_NOT_FOUND';
    throw new UdfError(
      missingDependency ? ErrorCodes.UDF_MODULE_NOT_FOUND : ErrorCodes.UDF_OPEN_FAILED,
      `Cannot load TypeScript UDF module '${modulePath}' of function '${udf}': ${err?.message ?? String(e)}`,
      { udf, traceback: err?.stack },
      { cause: e, hint: missingDependency ? 'A module it imports cannot be found; check its imports and installed packages.' : undefined },
    );
  }
}

/**
 * Native `import()` first, so a host running under tsx shares module instances with the rest of the app. Worker
 * threads on Node 20 do not get tsx's ESM hooks from `--import tsx` (only its require hook), so a `.ts` module fails
 * there with ERR_UNKNOWN_FILE_EXTENSION; it is then loaded through tsx's scoped loader (`tsImport`), once per
 * module and thread (the caller caches).
 */
async function importTypeScriptAware(url: string): Promise<Record<string, unknown>> {
  try {
    return (await import(url)) as Record<string, unknown>;
  } catch (e) {
    if ((e as NodeJS.ErrnoException)?.code !== 'ERR_UNKNOWN_FILE_EXTENSION') throw e;
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, import.meta.url)) as Record<string, unknown>;
  }
}

/** The value of `exportName` in the module, or UDF_FUNCTION_NOT_FOUND listing the module's exports. */
export async function loadExport(modulePath: string, exportName: string, udf: string): Promise<unknown> {
  const mod = await importModule(modulePath, udf);
  if (!(exportName in mod)) {
    const names = Object.keys(mod).filter((k) => k !== '__esModule');
    throw new UdfError(ErrorCodes.UDF_FUNCTION_NOT_FOUND,
      `Module '${modulePath}' has no export '${exportName}' for TypeScript UDF '${udf}'; its exports are: ${names.length ? names.join(', ') : '(none)'}`,
      { udf });
  }
  return mod[exportName];
}

/** The declaration of `exportName` in the module, or UDF_FUNCTION_NOT_FOUND / UDF_NOT_A_FUNCTION. */
export async function loadScalarFunction(modulePath: string, exportName: string, udf: string): Promise<ScalarFunctionSpec> {
  const value = await loadExport(modulePath, exportName, udf);
  if (!isTsScalarFunction(value)) {
    throw new UdfError(ErrorCodes.UDF_NOT_A_FUNCTION,
      `Export '${exportName}' of '${modulePath}' is ${typeof value === 'function' ? 'a plain function' : `a ${typeof value}`}, not a TypeScript UDF`,
      { udf }, {
        hint: `Wrap it with scalarFunction: export const ${exportName === 'default' ? 'fn' : exportName} = scalarFunction({ resultType: 'DOUBLE' }, (a, b, ctx) => ...)`,
      });
  }
  return scalarFunctionSpec(value);
}

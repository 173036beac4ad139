import { ErrorCodes } from '../../errors/weir-error.ts';
import type { CreateFunctionStatement, DropStatement } from '../ast.ts';
import type { PlannerContext } from './context.ts';
import { fail, positioned, unsupported } from './errors.ts';

/**
 * CREATE FUNCTION … AS '…' LANGUAGE PYTHON | TYPESCRIPT. Python paths as Flink writes them (`'udfs.text.normalize'`,
 * module.attr) or as Weir does (`'udfs/text.py:normalize'`); TypeScript `'path/to/mod.ts:exportName'` (the export
 * defaults to the function name). The function is loaded now, so a bad path fails here with its position.
 */
export async function createFunction(ctx: PlannerContext, s: CreateFunctionStatement): Promise<void> {
  const name = s.name.parts[s.name.parts.length - 1];
  if (ctx.env.catalog.lookupFunction(name)) {
    if (s.ifNotExists) return;
    fail(ctx.sql, s.name.pos, `Function '${name}' already exists`, ErrorCodes.FUNCTION_SIGNATURE, 'Use CREATE FUNCTION IF NOT EXISTS, or DROP FUNCTION first.');
  }
  const language = s.language ?? 'JAVA';
  try {
    if (language === 'PYTHON') await ctx.env.createPythonFunction(name, pythonPath(s.identifier));
    else if (language === 'TYPESCRIPT') {
      const colon = s.identifier.lastIndexOf(':');
      const [path, exportName] = colon > 1 ? [s.identifier.slice(0, colon), s.identifier.slice(colon + 1)] : [s.identifier, name];
      await ctx.env.createTypeScriptFunction(name, path, exportName);
    } else {
      unsupported(ctx.sql, s.pos, `LANGUAGE ${language} functions`, "Weir runs Python and TypeScript functions: add LANGUAGE PYTHON ('module.fn' or 'file.py:fn') or LANGUAGE TYPESCRIPT ('mod.ts:export').");
    }
  } catch (e) {
    throw positioned(ctx.sql, s.pos, e);
  }
}

/** `udfs.text.normalize` → `udfs.text:normalize`; a path that already has `:` is Weir's form and kept. */
export function pythonPath(identifier: string): string {
  if (identifier.includes(':')) return identifier;
  const dot = identifier.lastIndexOf('.');
  return dot > 0 ? `${identifier.slice(0, dot)}:${identifier.slice(dot + 1)}` : identifier;
}

export function dropFunction(ctx: PlannerContext, s: DropStatement): void {
  const name = s.name.parts[s.name.parts.length - 1];
  if (!ctx.env.catalog.lookupFunction(name)) {
    if (s.ifExists) return;
    fail(ctx.sql, s.name.pos, `Function '${name}' does not exist; user functions: ${ctx.env.catalog.functionNames().join(', ') || '(none)'}`,
      ErrorCodes.FUNCTION_NOT_FOUND, 'Use DROP FUNCTION IF EXISTS to ignore a missing one.');
  }
  ctx.env.catalog.dropFunction(name);
}

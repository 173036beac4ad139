/**
 * The expression engine: the Table API builder, the resolver (names → indexes, types, coercions), the vectorized
 * evaluator and the pretty printer.
 */
export * from './api-expression.ts';
export type { Expression, BoundExpression } from './expression.ts';
export { resolveExpression, type FunctionLookup } from './resolve.ts';
export { compileExpression, compilePredicate, type CompiledExpression, type CompiledPredicate, type CompileOptions } from './eval/compile.ts';
export { filterBatch, gather } from './eval/gather.ts';
export { formatExpression } from './format.ts';
export { functionNames, registerFunction, lookupBuiltin, type BuiltinFunction } from './functions/index.ts';
export { BUILTIN_FUNCTION_NAMES } from './functions/names.ts';
export { canCast } from './cast/rules.ts';
export { inferLiteralType } from './types/literal.ts';
export { toInternal, fromInternal } from './types/js-values.ts';

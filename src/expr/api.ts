/** The user-facing part of the expression engine: the fluent builder and its free functions. */
export * from './api-expression.ts';
export { BUILTIN_FUNCTION_NAMES } from './functions/names.ts';

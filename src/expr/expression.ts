import type { DataType } from '../types/data-type.ts';
import type { FunctionDefinition } from '../udf/function-definition.ts';

/**
 * Unresolved expressions, as the Table API and SQL build them: names, not indexes. Plain immutable data.
 * `call` names a built-in (canonical upper-case SQL name, see src/expr/functions/) or a user function from the
 * catalog; a catalog function shadows a built-in of the same name, as Flink's temporary system functions do.
 */
export type Expression =
  | { readonly kind: 'column'; readonly name: string }
  | { readonly kind: 'literal'; readonly value: unknown; readonly type?: DataType }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly Expression[] }
  | { readonly kind: 'cast'; readonly expr: Expression; readonly type: DataType; readonly tryCast?: boolean }
  | { readonly kind: 'alias'; readonly expr: Expression; readonly names: readonly string[] };

/**
 * Resolved expressions, bound to an input schema: columns are indexes and every node has its result type.
 * The evaluator (src/expr/eval/) computes built-in nodes a batch at a time; `udf` nodes are never evaluated there —
 * the planner splits them into UDF-call operators first.
 */
export type BoundExpression =
  | { readonly kind: 'input'; readonly index: number; readonly type: DataType }
  | { readonly kind: 'literal'; readonly value: unknown; readonly type: DataType }
  | { readonly kind: 'call'; readonly name: string; readonly args: readonly BoundExpression[]; readonly type: DataType }
  | { readonly kind: 'cast'; readonly arg: BoundExpression; readonly type: DataType; readonly tryCast: boolean }
  | { readonly kind: 'udf'; readonly fn: FunctionDefinition; readonly args: readonly BoundExpression[]; readonly type: DataType };

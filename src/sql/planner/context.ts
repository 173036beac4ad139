import type { TableEnvironment } from '../../api/table-environment.ts';
import { ErrorCodes, WeirError } from '../../errors/weir-error.ts';
import type { BoundExpression, Expression } from '../../expr/expression.ts';
import { resolveExpression } from '../../expr/index.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { projectedColumns } from '../../plan/time-attributes.ts';
import { formatDataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { Cte, SqlExpr } from '../ast.ts';
import { at, fail, positioned } from './errors.ts';
import { childExprs, convertExpr, field, type ConvertHooks } from './expr-converter.ts';
import { resolveName, type RelPlan } from './scope.ts';

/** A WITH item in scope, with the CTEs visible where it was defined (CTEs are inlined at each reference). */
export interface CteBinding {
  readonly cte: Cte;
  readonly scope: ReadonlyMap<string, CteBinding>;
}

/** What planning one statement needs: the SQL text (for error excerpts), the environment and the CTEs in scope. */
export interface PlannerContext {
  readonly sql: string;
  readonly env: TableEnvironment;
  readonly ctes: ReadonlyMap<string, CteBinding>;
}

/** Hooks that resolve names against `rel`'s fields (no GROUP BY in effect). */
export function scopeHooks(ctx: PlannerContext, rel: RelPlan, noAggregatesIn?: string): ConvertHooks {
  return {
    column: (names, pos) => {
      const { field: f, rest } = resolveName(ctx.sql, rel, names, pos);
      return field({ kind: 'column', name: rel.node.schema.names[f.index] }, rest);
    },
    noAggregatesIn,
  };
}

/**
 * Converts and resolves `e` over `rel`'s plan schema. A resolver error (unknown function, bad argument types) is
 * reported at the innermost sub-expression that fails on its own, so the caret points at the culprit.
 */
export function bindExpr(ctx: PlannerContext, rel: RelPlan, e: SqlExpr, hooks: ConvertHooks = scopeHooks(ctx, rel)): BoundExpression {
  const schema = rel.node.schema;
  const resolve = (x: Expression): BoundExpression => resolveExpression(x, schema, (n) => ctx.env.catalog.lookupFunction(n));
  const expr = convertExpr(ctx.sql, e, hooks);
  try {
    return resolve(expr);
  } catch (err) {
    if (!(err instanceof WeirError)) throw err;
    const culprit = (x: SqlExpr): SqlExpr => {
      for (const c of childExprs(x)) {
        try { resolve(convertExpr(ctx.sql, c, hooks)); } catch { return culprit(c); }
      }
      return x;
    };
    throw positioned(ctx.sql, culprit(e).pos, err);
  }
}

/** Binds a condition (WHERE, HAVING, ON) and checks that it is BOOLEAN. */
export function bindCondition(ctx: PlannerContext, rel: RelPlan, e: SqlExpr, clause: string, hooks?: ConvertHooks): BoundExpression {
  const bound = bindExpr(ctx, rel, e, hooks);
  if (bound.type.kind !== 'BOOLEAN' && bound.type.kind !== 'NULL') {
    fail(ctx.sql, e.pos, `The ${clause} condition must be BOOLEAN, but it is ${formatDataType(bound.type)}`, ErrorCodes.TYPE_MISMATCH);
  }
  return bound;
}

/** A project node computing `exprs` named `names` over `input`; pass-through columns keep their time attribute. */
export function projectNode(input: LogicalNode, exprs: readonly BoundExpression[], names: readonly string[]): LogicalNode {
  return {
    kind: 'project',
    schema: new Schema(projectedColumns(input.schema, exprs, names)),
    input,
    projections: exprs,
  };
}

/** A reference to column `index` of `node`. */
export function inputRef(node: LogicalNode, index: number): BoundExpression {
  return { kind: 'input', index, type: node.schema.columns[index].type };
}

/** Splits a condition into its AND-ed conjuncts. */
export function conjuncts(e: SqlExpr): SqlExpr[] {
  return e.kind === 'operator' && e.op === 'AND' ? e.args.flatMap(conjuncts) : [e];
}

/** AND of several conditions (they must not be empty). */
export function andAll(parts: readonly SqlExpr[]): SqlExpr {
  return parts.length === 1 ? parts[0] : { kind: 'operator', op: 'AND', args: parts, pos: parts[0].pos };
}

/** A non-negative integer literal (LIMIT, OFFSET, Top-N bounds), or an error at the expression. */
export function intLiteral(ctx: PlannerContext, e: SqlExpr, what: string): number {
  if (e.kind === 'literal' && (typeof e.value === 'number' || typeof e.value === 'bigint')) {
    const n = Number(e.value);
    if (Number.isInteger(n) && n >= 0) return n;
  }
  return fail(ctx.sql, e.pos, `${what} must be a non-negative integer literal`);
}

export { at };

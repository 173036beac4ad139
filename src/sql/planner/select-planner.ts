import type { BoundExpression } from '../../expr/expression.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import type { SelectItem, SelectQuery, SqlExpr } from '../ast.ts';
import type { SourcePos } from '../tokens.ts';
import { planAggregation } from './aggregate-planner.ts';
import { andAll, bindCondition, bindExpr, conjuncts, inputRef, projectNode, scopeHooks, type PlannerContext } from './context.ts';
import { aggregateCalls, windowCalls } from './expr-key.ts';
import { planFrom } from './from-planner.ts';
import { isOverAggregate, planOverSelect } from './over-planner.ts';
import { applyTopN, planRankSelect } from './rank-planner.ts';
import { fieldsOf, starFields, uniqueNames, type RelPlan, type ScopeField } from './scope.ts';
import { distinctNode } from './set-planner.ts';
import { oneRow } from './values-planner.ts';

/** One column of a select list after `*` expansion, with its output name. */
export type SelectEntry =
  | { readonly kind: 'field'; readonly field: ScopeField; readonly name: string; readonly pos: SourcePos }
  | { readonly kind: 'expr'; readonly expr: SqlExpr; readonly name: string; readonly pos: SourcePos };

/** Turns select-list items into bound expressions over some relation (plain, or grouped after GROUP BY). */
export interface Projector {
  readonly rel: RelPlan;
  expr(e: SqlExpr): BoundExpression;
  field(f: ScopeField, pos: SourcePos): BoundExpression;
}

/**
 * Plans `SELECT … FROM … WHERE … GROUP BY … HAVING …` in SQL's evaluation order: FROM (joins), the Top-N bound of a
 * ROW_NUMBER subquery, WHERE, grouping, the select list, DISTINCT. ORDER BY and LIMIT wrap the query (sort-planner).
 */
export function planSelect(ctx: PlannerContext, q: SelectQuery): RelPlan {
  // Conjuncts of WHERE; inner joins below may take some over as join conditions (and remove them from the list).
  const where = q.where ? conjuncts(q.where) : [];
  let rel = q.from ? planFrom(ctx, q.from, q.from.kind === 'join' ? where : undefined) : oneRow();
  if (rel.rank) rel = applyTopN(ctx, rel, where, q);
  if (where.length > 0) {
    const condition = bindCondition(ctx, rel, andAll(where), 'WHERE', scopeHooks(ctx, rel, 'WHERE'));
    rel = { node: { kind: 'filter', schema: rel.node.schema, input: rel.node, condition }, fields: rel.fields };
  }
  const entries = expandSelectList(ctx, rel, q.items);
  const windows = q.items.flatMap((i) => windowCalls(i.expr));
  if (windows.length > 0) {
    return windows.some((c) => isOverAggregate(c, ctx)) ? planOverSelect(ctx, rel, q, entries, windows) : planRankSelect(ctx, rel, q, entries, windows);
  }

  const grouped = (q.groupBy !== undefined && q.groupBy.length > 0) || q.having !== undefined
    || q.items.some((i) => aggregateCalls(ctx, i.expr).length > 0);
  const proj = grouped ? planAggregation(ctx, rel, q, entries) : plainProjector(ctx, rel);
  const exprs = entries.map((e) => (e.kind === 'field' ? proj.field(e.field, e.pos) : proj.expr(e.expr)));
  let node: LogicalNode = projectNode(proj.rel.node, exprs, uniqueNames(entries.map((e) => e.name)));
  if (q.distinct) node = distinctNode(node);
  return { node, fields: fieldsOf(node) };
}

/** A projector over `rel` with plain name resolution. */
export function plainProjector(ctx: PlannerContext, rel: RelPlan): Projector {
  const hooks = scopeHooks(ctx, rel, 'SELECT without GROUP BY');
  return {
    rel,
    expr: (e) => bindExpr(ctx, rel, e, hooks),
    field: (f) => inputRef(rel.node, f.index),
  };
}

/**
 * Expands `*` and `t.*` and names every column as Flink does: the alias, else the column name of a plain column
 * reference, else `EXPR$n` with n the column's position.
 */
export function expandSelectList(ctx: PlannerContext, rel: RelPlan, items: readonly SelectItem[]): SelectEntry[] {
  const out: SelectEntry[] = [];
  for (const item of items) {
    if (item.expr.kind === 'star') {
      for (const field of starFields(ctx.sql, rel, item.expr.qualifier, item.expr.pos)) out.push({ kind: 'field', field, name: field.name, pos: item.pos });
      continue;
    }
    const e = item.expr;
    const name = item.alias?.name ?? (e.kind === 'identifier' ? e.names[e.names.length - 1] : `EXPR$${out.length}`);
    out.push({ kind: 'expr', expr: e, name, pos: item.pos });
  }
  return out;
}

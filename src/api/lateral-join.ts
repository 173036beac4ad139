import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import type { Expr } from '../expr/api-expression.ts';
import type { Expression } from '../expr/expression.ts';
import { formatExpression, resolveExpression } from '../expr/index.ts';
import { resolveTableFunctionCall } from '../expr/resolve.ts';
import { planCorrelate } from '../plan/logical/correlate-builder.ts';
import type { CorrelateJoinType } from '../plan/logical/logical-correlate.ts';
import type { LogicalNode } from '../plan/logical/logical-node.ts';
import type { Catalog } from './catalog.ts';

/**
 * The plan of `table.joinLateral(call('split', col('line')).as('word', 'len'), predicate?)` and of
 * `leftOuterJoinLateral(...)`, as PyFlink's `join_lateral` / `left_outer_join_lateral`: the input's columns then
 * the function's (named by `.as(...)` or as declared). An inner join's predicate filters the joined rows; a left
 * outer join takes no predicate but TRUE, as in Flink.
 */
export function lateralJoinPlan(input: LogicalNode, catalog: Catalog, callExpr: Expr, joinType: CorrelateJoinType, predicate?: Expr): LogicalNode {
  const node = callExpr.node;
  const aliases = node.kind === 'alias' ? node.names : undefined;
  const call = resolveTableFunctionCall(node, input.schema, (name) => catalog.lookupFunction(name));
  const planned = planCorrelate(input, call, joinType, aliases);
  const clash = planned.columnNames.find((n, i) => n !== (aliases ?? call.fn.table!.resultNames)[i]);
  if (clash !== undefined) {
    const wanted = (aliases ?? call.fn.table!.resultNames)[planned.columnNames.indexOf(clash)];
    throw new PlanError(`joinLateral: the table function's column '${wanted}' has the name of an input column (${input.schema.names.join(', ')})`, {
      hint: `Rename the function's columns: call('${call.fn.name}', ...).as(${(aliases ?? call.fn.table!.resultNames).map((n) => `'${n === wanted ? `${n}2` : n}'`).join(', ')}).`,
    }, ErrorCodes.PLAN_INVALID);
  }
  if (!predicate) return planned.node;
  if (joinType === 'left') {
    if (isTrue(predicate.node)) return planned.node;
    throw new PlanError(`leftOuterJoinLateral takes no join predicate but TRUE, got ${formatExpression(predicate.node)}`, {
      hint: 'Filter the joined table instead (filter() after the join drops the NULL-padded rows too), or use joinLateral with the predicate.',
    }, ErrorCodes.NOT_SUPPORTED);
  }
  const condition = resolveExpression(predicate.node, planned.node.schema, (name) => catalog.lookupFunction(name));
  if (condition.type.kind !== 'BOOLEAN') {
    throw new PlanError(`The joinLateral predicate must be BOOLEAN, but ${formatExpression(predicate.node)} is ${condition.type.kind}`, {}, ErrorCodes.TYPE_MISMATCH);
  }
  return { kind: 'filter', schema: planned.node.schema, input: planned.node, condition };
}

function isTrue(e: Expression): boolean {
  return e.kind === 'literal' && e.value === true;
}

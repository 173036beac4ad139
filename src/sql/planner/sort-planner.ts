import { ErrorCodes } from '../../errors/weir-error.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import type { SortKey } from '../../plan/aggregate-call.ts';
import { isBounded, type LogicalNode } from '../../plan/logical/logical-node.ts';
import type { OrderByQuery } from '../ast.ts';
import { bindExpr, inputRef, intLiteral, projectNode, scopeHooks, type PlannerContext } from './context.ts';
import { fail } from './errors.ts';
import { complete, planQueryRel } from './query-planner.ts';
import { sortKey } from './rank-planner.ts';
import type { RelPlan } from './scope.ts';

/**
 * ORDER BY / LIMIT / OFFSET. Without ORDER BY → a limit node. On bounded input → a sort node. On unbounded input
 * with a LIMIT → a global Top-N (a rank node without partition keys), as Flink plans it; ORDER BY without LIMIT on
 * an unbounded input is an error: Flink only sorts streams on a time attribute. Sort keys are output columns (by
 * name or 1-based position) or expressions over them.
 */
export function planOrderBy(ctx: PlannerContext, q: OrderByQuery): RelPlan {
  const rel = complete(ctx, planQueryRel(ctx, q.query));
  const offset = q.offset ? intLiteral(ctx, q.offset, 'OFFSET') : 0;
  const fetch = q.limit ? intLiteral(ctx, q.limit, 'LIMIT') : undefined;
  if (q.orderBy.length === 0) {
    const node: LogicalNode = { kind: 'limit', schema: rel.node.schema, input: rel.node, offset, fetch: fetch ?? Number.MAX_SAFE_INTEGER };
    return { node, fields: rel.fields };
  }
  const width = rel.node.schema.length;
  const extra: BoundExpression[] = [];
  const visible = rel.fields.filter((f) => !f.hidden);
  const keys: SortKey[] = q.orderBy.map((item) => {
    const e = item.expr;
    if (e.kind === 'literal' && typeof e.value === 'number' && Number.isInteger(e.value)) {
      if (e.value < 1 || e.value > visible.length) fail(ctx.sql, e.pos, `ORDER BY position ${e.value} is out of range: the query has ${visible.length} columns`);
      return sortKey(visible[e.value - 1].index, item);
    }
    const bound = bindExpr(ctx, rel, e, scopeHooks(ctx, rel, 'ORDER BY'));
    if (bound.kind === 'input') return sortKey(bound.index, item);
    extra.push(bound);
    return sortKey(width + extra.length - 1, item);
  });
  const identity = rel.node.schema.columns.map((_, i) => inputRef(rel.node, i));
  const input = extra.length === 0 ? rel.node
    : projectNode(rel.node, [...identity, ...extra], [...rel.node.schema.names, ...extra.map((_, i) => `$sort${i}`)]);
  let node: LogicalNode;
  if (isBounded(input)) {
    node = { kind: 'sort', schema: input.schema, input, keys, offset, fetch: fetch ?? null };
  } else if (fetch !== undefined) {
    node = { kind: 'rank', schema: input.schema, input, partitionKeys: [], orderKeys: keys, rankStart: offset + 1, rankEnd: offset + fetch, outputRankNumber: false };
  } else {
    return fail(ctx.sql, q.orderBy[0].pos, 'ORDER BY on an unbounded table needs a LIMIT (a streaming Top-N); Flink only sorts unbounded streams on a time attribute',
      ErrorCodes.NOT_SUPPORTED, 'Add LIMIT n, or read a bounded source (e.g. a datagen table with number-of-rows).');
  }
  if (extra.length > 0) node = projectNode(node, identity.map((_, i) => inputRef(node, i)), rel.node.schema.names);
  return { node, fields: rel.fields };
}

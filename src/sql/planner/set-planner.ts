import { ErrorCodes } from '../../errors/weir-error.ts';
import { commonType } from '../../expr/types/coercion.ts';
import { producesUpdates } from '../../plan/changelog-mode.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { formatDataType, withNullable } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { Query, SetOperationQuery } from '../ast.ts';
import { inputRef, projectNode, type PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import { complete, namedNode, planQueryRel } from './query-planner.ts';
import { fieldsOf, type RelPlan } from './scope.ts';
import { castTo } from './values-planner.ts';

/**
 * UNION ALL → one union node over every branch of a chain of UNION ALLs; UNION → the same plus duplicate removal.
 * Branches must have as many columns; each column gets the common type of the branches (implicit casts added), the
 * names of the first branch, as in Flink.
 */
export function planSetOperation(ctx: PlannerContext, q: SetOperationQuery): RelPlan {
  if (q.op !== 'UNION') unsupported(ctx.sql, q.pos, `${q.op}${q.all ? ' ALL' : ''}`, 'Only UNION and UNION ALL are planned so far.');
  const branches = (q.all ? flattenUnionAll(q) : [q.left, q.right]).map((b) => namedNode(complete(ctx, planQueryRel(ctx, b))));
  const first = branches[0].schema;
  branches.forEach((b, i) => {
    if (b.schema.length !== first.length) {
      fail(ctx.sql, q.pos, `Set operation branches have different column counts: ${first.length} (${first.names.join(', ')}) vs ${b.schema.length} (${b.schema.names.join(', ')}) in branch ${i + 1}`, ErrorCodes.SCHEMA_MISMATCH);
    }
  });
  const types = first.columns.map((c, i) => {
    const t = commonType(branches.map((b) => b.schema.columns[i].type));
    if (!t) {
      const shown = branches.map((b) => formatDataType(b.schema.columns[i].type, true)).join(' vs ');
      fail(ctx.sql, q.pos, `UNION column ${i + 1} ('${c.name}') has incompatible types: ${shown}`, ErrorCodes.SCHEMA_MISMATCH, 'CAST one side to the type of the other.');
    }
    return t;
  });
  const inputs = branches.map((b) => {
    const needsCast = b.schema.columns.some((c, i) => formatDataType(c.type, true) !== formatDataType(types[i], true));
    return needsCast ? projectNode(b, b.schema.columns.map((_, i) => castTo(inputRef(b, i), types[i])), b.schema.names) : b;
  });
  const schema = new Schema(first.columns.map((c, i) => ({ name: c.name, type: withNullable(types[i], types[i].nullable) })));
  const union: LogicalNode = { kind: 'union', schema, inputs };
  const node = q.all ? union : distinctNode(union);
  return { node, fields: fieldsOf(node) };
}

/** The branches of `a UNION ALL b UNION ALL c` (left-deep in the AST). */
function flattenUnionAll(q: Query): Query[] {
  return q.kind === 'setOperation' && q.op === 'UNION' && q.all ? [...flattenUnionAll(q.left), ...flattenUnionAll(q.right)] : [q];
}

/**
 * Duplicate removal: the `distinct` operator for append-only input, a group aggregation on every column (no
 * aggregates) when the input carries updates, because only the aggregate operator applies retractions.
 */
export function distinctNode(input: LogicalNode): LogicalNode {
  if (!producesUpdates(input)) return { kind: 'distinct', schema: input.schema, input };
  return { kind: 'aggregate', schema: input.schema, input, groupKeys: input.schema.columns.map((_, i) => i), aggregates: [] };
}

import { ErrorCodes } from '../../errors/weir-error.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import type { Query } from '../ast.ts';
import { inputRef, projectNode, type CteBinding, type PlannerContext } from './context.ts';
import { fail } from './errors.ts';
import { planSelect } from './select-planner.ts';
import { planSetOperation } from './set-planner.ts';
import { planOrderBy } from './sort-planner.ts';
import { uniqueNames, type RelPlan } from './scope.ts';
import { planValues } from './values-planner.ts';
import { withOperatorUid } from '../../plan/logical/assign-uid.ts';

/**
 * Plans a query to a relation. The result may still carry a pending Top-N (a ROW_NUMBER subquery) that only the
 * enclosing SELECT can complete; use {@link planQuery} for a finished plan.
 */
export function planQueryRel(ctx: PlannerContext, q: Query): RelPlan {
  switch (q.kind) {
    case 'select': return q.uid === undefined ? planSelect(ctx, q) : withSelectUid(planSelect(ctx, q), q.uid);
    case 'values': return planValues(ctx, q);
    case 'setOperation': return planSetOperation(ctx, q);
    case 'orderBy': return planOrderBy(ctx, q);
    case 'with': {
      const ctes = new Map<string, CteBinding>(ctx.ctes);
      const seen = new Set<string>();
      for (const cte of q.ctes) {
        if (seen.has(cte.name.name)) fail(ctx.sql, cte.name.pos, `WITH item '${cte.name.name}' is defined twice`);
        seen.add(cte.name.name);
        // Each item sees the items before it (and outer ones), not itself: WITH is not recursive in Flink.
        ctes.set(cte.name.name, { cte, scope: new Map(ctes) });
      }
      return planQueryRel({ ...ctx, ctes }, q.body);
    }
  }
}

/** Plans a query to a finished logical plan whose column names are the query's output names. */
export function planQuery(ctx: PlannerContext, q: Query): LogicalNode {
  return namedNode(complete(ctx, planQueryRel(ctx, q)));
}

/** `rel` as a finished relation: a pending Top-N without its `rn <= N` filter is an error here. */
export function complete(ctx: PlannerContext, rel: RelPlan): RelPlan {
  if (rel.rank) {
    fail(ctx.sql, rel.rank.pos, 'ROW_NUMBER() is only supported for Top-N and deduplication queries', ErrorCodes.NOT_SUPPORTED,
      'Select from the subquery and filter on the row number: SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY k ORDER BY t DESC) AS rn FROM src) WHERE rn <= 3.');
  }
  return rel;
}

/** The plan of `rel` with exactly its visible columns, named as SQL sees them (adds a renaming projection if needed). */
export function namedNode(rel: RelPlan): LogicalNode {
  const visible = rel.fields.filter((f) => !f.hidden);
  const names = rel.node.schema.names;
  const out = uniqueNames(visible.map((f) => f.name));
  const same = visible.length === names.length && visible.every((f, i) => f.index === i && out[i] === names[i]);
  if (same) return rel.node;
  return projectNode(rel.node, visible.map((f) => inputRef(rel.node, f.index)), out);
}

/**
 * A SELECT's `/*+ UID('name') *\/` goes to the operator the SELECT produces; a ROW_NUMBER subquery's Top-N is only
 * built by the enclosing SELECT, so its uid waits for that.
 */
function withSelectUid(rel: RelPlan, uid: string): RelPlan {
  const rank = rel.rank;
  if (rank) return { ...rel, rank: { ...rank, build: (...args) => withSelectUid(rank.build(...args), uid) } };
  return { ...rel, node: withOperatorUid(rel.node, uid) };
}

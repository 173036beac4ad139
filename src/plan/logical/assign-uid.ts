import { PlanError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { mapInputs } from '../optimizer/map-inputs.ts';
import type { LogicalNode } from './logical-node.ts';

/**
 * Projections, filters and watermark assigners keep no state, and the Table API and SQL put them on top of the
 * operator a user means (a GROUP BY's select list is a projection over the aggregation): a uid looks through them.
 */
const LOOK_THROUGH: ReadonlySet<LogicalNode['kind']> = new Set(['project', 'filter', 'calc', 'watermark-assigner']);

/**
 * `node` with `uid` given to the operator producing it: the first node below `node` (itself included) that is not a
 * projection, filter or watermark assigner, e.g. the aggregation of `GROUP BY … SELECT …`, the join of a join, the
 * source of a plain scan. The nodes above it are copied; nothing is mutated. Throws PlanError on an empty uid.
 */
export function withOperatorUid(node: LogicalNode, uid: string): LogicalNode {
  if (typeof uid !== 'string' || uid.trim() === '') {
    throw new PlanError(`An operator uid must be a non-empty string, got ${JSON.stringify(uid)}`, {
      hint: "Name the operator after what it does and keep the name when the query changes, e.g. uid('orders-per-customer').",
    }, ErrorCodes.PLAN_INVALID);
  }
  if (LOOK_THROUGH.has(node.kind)) return mapInputs(node, (input) => withOperatorUid(input, uid));
  return { ...node, uid } as LogicalNode;
}

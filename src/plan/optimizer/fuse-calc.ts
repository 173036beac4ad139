import type { BoundExpression } from '../../expr/expression.ts';
import type { LogicalCalc, LogicalNode } from '../logical/logical-node.ts';
import { mapInputs } from './map-inputs.ts';

/**
 * Turns Filter and Project nodes into Calc nodes (filter then project), fusing a Project directly above a Filter
 * into one Calc, so that one operator evaluates both a batch at a time and UDF splitting has one unit to work on.
 */
export function fuseCalcs(node: LogicalNode): LogicalNode {
  const rewritten = mapInputs(node, fuseCalcs);
  if (rewritten.kind === 'project') {
    const input = rewritten.input;
    if (input.kind === 'calc' && isIdentity(input)) {
      return calc(input.input, input.condition, rewritten.projections, rewritten);
    }
    return calc(input, null, rewritten.projections, rewritten);
  }
  if (rewritten.kind === 'filter') {
    const identity = rewritten.schema.columns.map((c, index): BoundExpression => ({ kind: 'input', index, type: c.type }));
    return calc(rewritten.input, rewritten.condition, identity, rewritten);
  }
  return rewritten;
}

function calc(input: LogicalNode, condition: BoundExpression | null, projections: readonly BoundExpression[], like: LogicalNode): LogicalCalc {
  return { kind: 'calc', schema: like.schema, input, condition, projections };
}

/** A calc that only filters: every projection is the input column at the same position. */
function isIdentity(c: LogicalCalc): boolean {
  return c.projections.length === c.input.schema.length
    && c.projections.every((p, i) => p.kind === 'input' && p.index === i)
    && c.schema.names.every((n, i) => n === c.input.schema.names[i]);
}

import type { BoundExpression } from '../../expr/expression.ts';
import { DataTypes } from '../../types/data-type.ts';
import type { LogicalCalc, LogicalNode } from '../logical/logical-node.ts';
import { mapInputs } from './map-inputs.ts';
import { containsUdf } from './split-udf-calls.ts';

/**
 * Merges a Calc into the Calc below it (Calcite's CalcMergeRule), so `select().filter().select()` runs as one
 * operator. The inner Calc is inlined only when its projections call no UDF: inlining could call a UDF twice.
 */
export function mergeCalcs(node: LogicalNode): LogicalNode {
  const rewritten = mapInputs(node, mergeCalcs);
  if (rewritten.kind !== 'calc' || rewritten.input.kind !== 'calc') return rewritten;
  const outer = rewritten;
  const inner = rewritten.input;
  if (inner.projections.some(containsUdf)) return rewritten;
  const inline = (e: BoundExpression): BoundExpression => substitute(e, inner.projections);
  const outerCondition = outer.condition ? inline(outer.condition) : null;
  const condition = inner.condition && outerCondition
    ? { kind: 'call' as const, name: 'AND', args: [inner.condition, outerCondition], type: { ...DataTypes.BOOLEAN(), nullable: inner.condition.type.nullable || outerCondition.type.nullable } }
    : inner.condition ?? outerCondition;
  const merged: LogicalCalc = { kind: 'calc', schema: outer.schema, input: inner.input, condition, projections: outer.projections.map(inline) };
  return merged;
}

function substitute(e: BoundExpression, projections: readonly BoundExpression[]): BoundExpression {
  switch (e.kind) {
    case 'input': return projections[e.index];
    case 'call': return { ...e, args: e.args.map((a) => substitute(a, projections)) };
    case 'udf': return { ...e, args: e.args.map((a) => substitute(a, projections)) };
    case 'cast': return { ...e, arg: substitute(e.arg, projections) };
    default: return e;
  }
}

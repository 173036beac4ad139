import type { LogicalNode } from '../logical/logical-node.ts';
import { fuseCalcs } from './fuse-calc.ts';
import { mergeCalcs } from './merge-calcs.ts';
import { splitUdfCalls } from './split-udf-calls.ts';

/** A rewrite of a whole plan. Rules are pure functions from tree to tree, applied in order. */
export type Rule = (plan: LogicalNode) => LogicalNode;

export const DEFAULT_RULES: readonly Rule[] = [fuseCalcs, mergeCalcs, splitUdfCalls];

export function optimize(plan: LogicalNode, rules: readonly Rule[] = DEFAULT_RULES): LogicalNode {
  return rules.reduce((p, rule) => rule(p), plan);
}

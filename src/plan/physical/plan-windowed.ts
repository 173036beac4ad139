import { describeWindowed } from '../describe-windowed.ts';
import type { LogicalIntervalJoin, LogicalNode, LogicalWindowJoin, LogicalWindowRank } from '../logical/logical-node.ts';
import type { PlannedNode } from './chain-operators.ts';
import type { Partitioning } from './job-graph.ts';
import type { PhysicalNode } from './physical-node.ts';
import { isRowTimeColumn } from '../window-properties.ts';

/** What the physical planner lends to the planning of windowed nodes. */
export interface WindowedPlanner {
  readonly parallelism: number;
  readonly maxParallelism: number;
  plan(node: LogicalNode): PlannedNode;
  add(node: PhysicalNode, parallelism: number, inputs: PlannedNode['inputs']): PlannedNode;
}

/**
 * Physical planning of window Top-N / deduplication, window joins and interval joins: each input is hash-partitioned
 * by its keys (the partition keys, or the equi-join keys) and the operator runs at the job's parallelism; without
 * keys everything goes to one subtask, as in Flink.
 */
export function planWindowed(p: WindowedPlanner, node: LogicalWindowRank | LogicalWindowJoin | LogicalIntervalJoin, id: string): PlannedNode {
  const name = describeWindowed(node);
  const outputSchema = node.schema.columns;
  const by = (keys: readonly number[]): Partitioning => (keys.length ? { kind: 'hash', keys, maxParallelism: p.maxParallelism } : { kind: 'global' });
  if (node.kind === 'window-rank') {
    const input = p.plan(node.input);
    return p.add({
      kind: 'window-rank', id, name, outputSchema, inputSchema: node.input.schema.columns,
      window: { start: node.windowColumns.start, end: node.windowColumns.end },
      partitionKeys: node.partitionKeys, orderKeys: node.orderKeys, rankStart: node.rankStart, rankEnd: node.rankEnd,
      outputRankNumber: node.outputRankNumber, keep: deduplicationKeep(node),
    }, node.partitionKeys.length ? p.parallelism : 1, [{ from: input, partitioning: by(node.partitionKeys) }]);
  }
  const left = p.plan(node.left);
  const right = p.plan(node.right);
  const parallelism = node.leftKeys.length ? p.parallelism : 1;
  const inputs = [{ from: left, partitioning: by(node.leftKeys) }, { from: right, partitioning: by(node.rightKeys) }];
  const common = {
    id, name, outputSchema, leftSchema: node.left.schema.columns, rightSchema: node.right.schema.columns,
    joinType: node.joinType, leftKeys: node.leftKeys, rightKeys: node.rightKeys, condition: node.condition,
  };
  if (node.kind === 'window-join') {
    const leftWindow = { start: node.leftWindow.start, end: node.leftWindow.end };
    const rightWindow = { start: node.rightWindow.start, end: node.rightWindow.end };
    return p.add({ kind: 'window-join', ...common, leftWindow, rightWindow }, parallelism, inputs);
  }
  return p.add({
    kind: 'interval-join', ...common, timeDomain: node.timeDomain, leftTimeIndex: node.leftTimeIndex, rightTimeIndex: node.rightTimeIndex,
    lowerBoundMs: node.lowerBoundMs, upperBoundMs: node.upperBoundMs,
  }, parallelism, inputs);
}

/**
 * Flink plans a window Top-N as a WindowDeduplicate when it keeps only row 1, does not output the row number and
 * orders by the rows' time alone (see isRowTimeColumn): ascending keeps the first row, descending the last.
 */
function deduplicationKeep(node: LogicalWindowRank): 'first' | 'last' | null {
  if (node.rankStart !== 1 || node.rankEnd !== 1 || node.outputRankNumber || node.orderKeys.length !== 1) return null;
  const [key] = node.orderKeys;
  if (!isRowTimeColumn(node.input, key.index)) return null;
  return key.ascending ? 'first' : 'last';
}

import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import { describeWindowAggregation } from '../describe-window-aggregate.ts';
import { producesUpdates } from '../changelog-mode.ts';
import { checkUdafCalls } from '../udaf-calls.ts';
import type { LogicalExpand, LogicalWindowAggregate, LogicalWindowTableFunction } from '../logical/logical-node.ts';
import type { PlannedNode } from './chain-operators.ts';
import type { WindowedPlanner } from './plan-windowed.ts';

/**
 * Physical planning of window table functions and Expand (forward, at the input's parallelism: they work row by
 * row) and of window aggregation (hash-partitioned by the group keys at the job's parallelism; without keys all rows
 * go to one subtask, as in Flink).
 */
export function planWindowAggregation(p: WindowedPlanner, node: LogicalWindowTableFunction | LogicalWindowAggregate | LogicalExpand, id: string): PlannedNode {
  const name = describeWindowAggregation(node);
  const outputSchema = node.schema.columns;
  const input = p.plan(node.input);
  const inputSchema = node.input.schema.columns;
  switch (node.kind) {
    case 'window-tvf':
      if (node.window.kind === 'session') {
        throw new PlanError('A SESSION window table function is only supported under a window aggregation', {
          hint: 'Aggregate it: SELECT k, window_start, window_end, COUNT(*) FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL \'5\' MINUTES)) GROUP BY k, window_start, window_end.',
        }, ErrorCodes.NOT_SUPPORTED);
      }
      return p.add({ kind: 'window-tvf', id, name, outputSchema, inputSchema, window: node.window, timeDomain: node.timeDomain },
        input.parallelism, [{ from: input, partitioning: { kind: 'forward' } }]);
    case 'expand':
      return p.add({ kind: 'expand', id, name, outputSchema, keys: node.keys, sets: node.sets },
        input.parallelism, [{ from: input, partitioning: { kind: 'forward' } }]);
    case 'window-aggregate': {
      checkUdafCalls(node.aggregates, 'window aggregation', producesUpdates(node.input), { merging: node.window.kind === 'session' });
      const keyed = node.groupKeys.length > 0;
      return p.add({
        kind: 'window-aggregate', id, name, outputSchema, inputSchema, groupKeys: node.groupKeys, window: node.window,
        timeDomain: node.timeDomain, aggregates: node.aggregates, inputUpdates: producesUpdates(node.input),
      }, keyed ? p.parallelism : 1, [{
        from: input,
        partitioning: keyed ? { kind: 'hash', keys: node.groupKeys, maxParallelism: p.maxParallelism } : { kind: 'global' },
      }]);
    }
  }
}

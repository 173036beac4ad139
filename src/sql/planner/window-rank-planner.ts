import { producesUpdates } from '../../plan/changelog-mode.ts';
import type { LogicalNode, LogicalRank } from '../../plan/logical/logical-node.ts';
import { windowColumnsOf, windowPropertyOf } from '../../plan/window-properties.ts';
import type { SourcePos } from '../tokens.ts';
import type { PlannerContext } from './context.ts';
import { unsupported } from './errors.ts';

/**
 * A Top-N whose PARTITION BY holds the window_start and window_end of one window table function (or window
 * aggregation) below it is a window Top-N, as in Flink: it ranks each window once, when the window fires, and emits
 * append-only rows instead of a changelog. The window columns leave the partition keys (the operator partitions by
 * window itself). Any other Top-N stays a regular one. `pos` is where ROW_NUMBER() is written, for errors.
 */
export function windowRankOrRank(ctx: PlannerContext, pos: SourcePos, rank: LogicalRank): LogicalNode {
  const roles = rank.partitionKeys.map((k) => windowPropertyOf(rank.input, k));
  const start = rank.partitionKeys.find((_, i) => roles[i]?.role === 'start');
  const end = rank.partitionKeys.find((_, i) => roles[i]?.role === 'end');
  if (start === undefined || end === undefined) return rank;
  const windowColumns = windowColumnsOf(rank.input, start, end);
  if (!windowColumns) return rank;
  if (windowColumns.window.kind === 'session' && roles[rank.partitionKeys.indexOf(start)]?.origin.kind === 'window-tvf') {
    unsupported(ctx.sql, pos, 'Window Top-N and window deduplication directly over a SESSION window table function',
      'Aggregate the sessions first (GROUP BY window_start, window_end, ...) and rank the aggregated rows.');
  }
  if (windowColumns.timeDomain === 'processing') {
    unsupported(ctx.sql, pos, 'Window Top-N and window deduplication on processing-time windows', 'Window the input on an event-time attribute (a column with a WATERMARK).');
  }
  if (producesUpdates(rank.input)) {
    unsupported(ctx.sql, pos, 'Window Top-N over an updating input', 'Rank the rows of a window table function or window aggregation (append-only), not of an updating table.');
  }
  return {
    kind: 'window-rank', schema: rank.schema, input: rank.input, windowColumns,
    partitionKeys: rank.partitionKeys.filter((k) => k !== start && k !== end),
    orderKeys: rank.orderKeys, rankStart: rank.rankStart, rankEnd: rank.rankEnd, outputRankNumber: rank.outputRankNumber,
  };
}

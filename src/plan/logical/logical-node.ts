import type { ConnectorOptions } from '../../connectors/connector.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import type { Schema } from '../../types/schema.ts';
import type { AggregateCall, SortKey } from '../aggregate-call.ts';
import type { LogicalCorrelate } from './logical-correlate.ts';
import type { TimeDomain, WindowSpec } from '../window-spec.ts';
import type { OverFrame } from '../over-frame.ts';

/**
 * Logical plan nodes: immutable trees that the Table API and SQL build, with expressions already resolved against
 * the input schema. The optimizer rewrites them into new trees; nothing mutates a node.
 */
interface LogicalBase {
  readonly schema: Schema;
  /** A user-assigned operator uid (`table.uid()`, SQL `/*+ UID('…') *\/`), carried to the physical node. */
  readonly uid?: string;
}

export interface LogicalSource extends LogicalBase {
  readonly kind: 'source';
  /** Catalog name, for explain and errors. */
  readonly table: string;
  readonly connector: string;
  readonly options: ConnectorOptions;
  readonly bounded: boolean;
}

export interface LogicalValues extends LogicalBase {
  readonly kind: 'values';
  readonly rows: readonly (readonly unknown[])[];
}

export interface LogicalProject extends LogicalBase {
  readonly kind: 'project';
  readonly input: LogicalNode;
  readonly projections: readonly BoundExpression[];
}

export interface LogicalFilter extends LogicalBase {
  readonly kind: 'filter';
  readonly input: LogicalNode;
  readonly condition: BoundExpression;
}

/** Filter then project, fused by the optimizer; the unit that UDF splitting works on. */
export interface LogicalCalc extends LogicalBase {
  readonly kind: 'calc';
  readonly input: LogicalNode;
  readonly condition: BoundExpression | null;
  readonly projections: readonly BoundExpression[];
}

export interface LogicalUdfCall extends LogicalBase {
  readonly kind: 'udf-call';
  readonly input: LogicalNode;
  readonly program: import('../../udf/function-definition.ts').UdfProgram;
}

export interface LogicalUnion extends LogicalBase {
  readonly kind: 'union';
  readonly inputs: readonly LogicalNode[];
}

export interface LogicalLimit extends LogicalBase {
  readonly kind: 'limit';
  readonly input: LogicalNode;
  readonly offset: number;
  readonly fetch: number;
}

export interface LogicalDistinct extends LogicalBase {
  readonly kind: 'distinct';
  readonly input: LogicalNode;
}

export interface LogicalSink extends LogicalBase {
  readonly kind: 'sink';
  readonly input: LogicalNode;
  readonly table: string;
  readonly connector: string;
  readonly options: ConnectorOptions;
}

/**
 * GROUP BY: output = group key columns (in `groupKeys` order) followed by one column per aggregate. Without group
 * keys it is a global aggregate (one row). Consumes and produces a changelog: retractions update the aggregates.
 */
export interface LogicalAggregate extends LogicalBase {
  readonly kind: 'aggregate';
  readonly input: LogicalNode;
  readonly groupKeys: readonly number[];
  readonly aggregates: readonly AggregateCall[];
}

export type JoinType = 'inner' | 'left' | 'right' | 'full';

/**
 * A regular (non-windowed) join. Output = left columns then right columns. Equi-join keys drive the hash shuffle and
 * state lookup; `condition` is the rest of the ON clause over the concatenated columns (null when none).
 */
export interface LogicalJoin extends LogicalBase {
  readonly kind: 'join';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly condition: BoundExpression | null;
}

/**
 * `ROW_NUMBER() OVER (PARTITION BY p ORDER BY o) ... WHERE rn <= N` (Top-N) and its deduplication special case
 * (N = 1). Output = input columns, plus the row number as a last BIGINT column when `outputRankNumber`.
 */
export interface LogicalRank extends LogicalBase {
  readonly kind: 'rank';
  readonly input: LogicalNode;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortKey[];
  /** 1-based inclusive bounds on the row number. */
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
}

/** ORDER BY [LIMIT/OFFSET] on bounded input: emits once the input ends. */
export interface LogicalSort extends LogicalBase {
  readonly kind: 'sort';
  readonly input: LogicalNode;
  readonly keys: readonly SortKey[];
  readonly offset: number;
  /** Number of rows, or null for no limit. */
  readonly fetch: number | null;
}

/**
 * Assigns watermarks to a stream: from each row, `watermark` (an expression over the input, e.g. `ts - INTERVAL '5'
 * SECOND`) is evaluated and the task's watermark is the largest value seen (per source split), emitted periodically.
 * Placed right after a table's source (and its computed columns). Output = input; `rowtimeIndex` is the rowtime.
 */
export interface LogicalWatermarkAssigner extends LogicalBase {
  readonly kind: 'watermark-assigner';
  readonly input: LogicalNode;
  readonly rowtimeIndex: number;
  readonly watermark: BoundExpression;
}

/**
 * A window table function (TUMBLE / HOP / CUMULATE / SESSION) on its own: output = input columns followed by
 * window_start, window_end (TIMESTAMP(3)) and window_time (the rowtime attribute). HOP and CUMULATE repeat a row per
 * window. Window aggregation, Top-N, deduplication and joins over it are planned into their own nodes.
 */
export interface LogicalWindowTableFunction extends LogicalBase {
  readonly kind: 'window-tvf';
  readonly input: LogicalNode;
  readonly window: WindowSpec;
  readonly timeDomain: TimeDomain;
}

/**
 * Where a relation's window is: the `window_start` / `window_end` columns that a window table function (or a window
 * aggregation over one) produced, and the window that made them. Window Top-N, deduplication and joins fire a window
 * when the watermark passes `window_end - 1`.
 */
export interface WindowColumns {
  readonly start: number;
  readonly end: number;
  /** The window as the table function defined it (its `timeIndex` refers to the function's input, not here). */
  readonly window: WindowSpec;
  readonly timeDomain: TimeDomain;
}

/**
 * Window Top-N and window deduplication (`ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ..)`
 * filtered to `rankStart..rankEnd` over a window TVF or window aggregation): rows are buffered per window and key,
 * and the window's top rows are emitted once, append-only, when it fires. `partitionKeys` exclude the window columns.
 * Output = input columns, plus the row number as a last BIGINT column when `outputRankNumber`.
 */
export interface LogicalWindowRank extends LogicalBase {
  readonly kind: 'window-rank';
  readonly input: LogicalNode;
  readonly windowColumns: WindowColumns;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortKey[];
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
}

/**
 * A window join: both inputs carry the same window and the ON clause equates their window_start and window_end
 * (those equalities are implied by `leftWindow`/`rightWindow`, not in the keys). Each window's rows are buffered per
 * join key and joined once when the window fires; append-only output = left columns then right columns.
 */
export interface LogicalWindowJoin extends LogicalBase {
  readonly kind: 'window-join';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly leftWindow: WindowColumns;
  readonly rightWindow: WindowColumns;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  /** The rest of the ON condition over left ++ right columns (null when none). */
  readonly condition: BoundExpression | null;
}

/**
 * An interval join: equi-join keys plus a time bound between the two sides' time attributes, normalised to
 * `right.time + lowerBoundMs <= left.time <= right.time + upperBoundMs` (both inclusive). Rows wait in state until no
 * row of the other side can match them any more; outer rows are emitted NULL-padded then. `condition` is the whole
 * non-equi ON condition (time predicates included), over left ++ right columns.
 */
export interface LogicalIntervalJoin extends LogicalBase {
  readonly kind: 'interval-join';
  readonly left: LogicalNode;
  readonly right: LogicalNode;
  readonly joinType: JoinType;
  readonly timeDomain: TimeDomain;
  readonly leftTimeIndex: number;
  readonly rightTimeIndex: number;
  readonly lowerBoundMs: number;
  readonly upperBoundMs: number;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly condition: BoundExpression | null;
}

/**
 * OVER aggregation (Flink's OverAggregate): for every input row, aggregates over a frame of the rows of its partition
 * ordered by a time attribute. Output = input columns followed by one column per aggregate; append-only, one output
 * row per input row (event time: when the watermark passes the row; processing time: on arrival). Input is
 * hash-partitioned by `partitionKeys` (all at one subtask when none). Over an updating input (Weir only) the output
 * is the changelog of the query over the input table's content, ordered by the `orderKey` column's values (any
 * TIMESTAMP column; see over-aggregate-changelog.ts).
 */
export interface LogicalOverAggregate extends LogicalBase {
  readonly kind: 'over-aggregate';
  readonly input: LogicalNode;
  readonly partitionKeys: readonly number[];
  /** The input column of the time attribute the window is ordered by (ascending). */
  readonly orderKey: number;
  readonly timeDomain: TimeDomain;
  readonly frame: OverFrame;
  readonly aggregates: readonly AggregateCall[];
}

/**
 * Window aggregation (Flink's WindowAggregate): rows are assigned to the windows of `window` (over input column
 * `window.timeIndex`) and aggregated per group key and window; each window's groups are emitted once, append-only,
 * when the watermark (event time) or the wall clock (processing time) passes the window's end. SESSION windows
 * are computed per group key (the planner requires GROUP BY keys = the PARTITION BY keys).
 * Output = group key columns, window_start, window_end, window_time (the rowtime attribute), then one column per
 * aggregate.
 */
export interface LogicalWindowAggregate extends LogicalBase {
  readonly kind: 'window-aggregate';
  readonly input: LogicalNode;
  readonly groupKeys: readonly number[];
  readonly window: WindowSpec;
  readonly timeDomain: TimeDomain;
  readonly aggregates: readonly AggregateCall[];
}

/**
 * GROUPING SETS / ROLLUP / CUBE (Calcite's and Flink's Expand): each input row is emitted once per grouping set, with
 * the grouping keys outside the set NULL, plus a last column `$e` (BIGINT NOT NULL): bit `keys.length - 1 - i` is set
 * when `keys[i]` is not in the set. Aggregating by the keys and `$e` then yields every set's groups.
 */
export interface LogicalExpand extends LogicalBase {
  readonly kind: 'expand';
  readonly input: LogicalNode;
  /** Input columns of all grouping keys. */
  readonly keys: readonly number[];
  /** Each grouping set as the input columns it keeps (a subset of `keys`). */
  readonly sets: readonly (readonly number[])[];
}

export type LogicalNode =
  | LogicalCorrelate
  | LogicalSource | LogicalValues | LogicalProject | LogicalFilter | LogicalCalc | LogicalUdfCall
  | LogicalUnion | LogicalLimit | LogicalDistinct | LogicalSink
  | LogicalAggregate | LogicalJoin | LogicalRank | LogicalSort
  | LogicalWatermarkAssigner | LogicalWindowTableFunction
  | LogicalWindowRank | LogicalWindowJoin | LogicalIntervalJoin | LogicalOverAggregate
  | LogicalWindowAggregate | LogicalExpand;

/** The inputs of a node, in order. */
export function inputsOf(node: LogicalNode): readonly LogicalNode[] {
  switch (node.kind) {
    case 'source': case 'values': return [];
    case 'union': return node.inputs;
    case 'join': case 'window-join': case 'interval-join': return [node.left, node.right];
    default: return [node.input];
  }
}

/** Whether the node's output ends: every leaf below it is bounded. */
export function isBounded(node: LogicalNode): boolean {
  if (node.kind === 'source') return node.bounded;
  if (node.kind === 'values') return true;
  return inputsOf(node).every(isBounded);
}

import type { ConnectorOptions } from '../../connectors/connector.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import type { Column } from '../../types/schema.ts';
import type { UdfProgram } from '../../udf/function-definition.ts';
import type { AggregateCall, SortKey } from '../aggregate-call.ts';
import type { JoinType } from '../logical/logical-node.ts';
import type { TimeDomain, WindowSpec } from '../window-spec.ts';
import type { CorrelateNode } from './correlate-node.ts';

/**
 * Physical plan nodes: immutable plain data (structured-clone safe) from which every parallel subtask builds its own
 * operator instance through the operator registry (src/exec/operator-registry.ts).
 */
interface NodeBase {
  /** Unique within the job; stable across runs of the same plan (used for metrics and later for state). */
  readonly id: string;
  /**
   * The operator's uid: identifies its state in checkpoints and savepoints across changes to the query. The user's
   * (`table.uid()`, SQL `/*+ UID('…') *\/`) or generated (src/plan/physical/operator-uids.ts); set by `planJob`.
   */
  readonly uid?: string;
  /** Display name, e.g. `Calc(select=[a, b + 1])`. */
  readonly name: string;
  readonly outputSchema: readonly Column[];
}

export interface SourceNode extends NodeBase {
  readonly kind: 'source';
  /** The catalog table read (names the operator's generated uid); absent in hand-built plans. */
  readonly table?: string;
  readonly connector: string;
  readonly options: ConnectorOptions;
}

export interface ValuesNode extends NodeBase {
  readonly kind: 'values';
  /** Rows as JS values (see docs/values.md); only subtask 0 emits them. */
  readonly rows: readonly (readonly unknown[])[];
}

/** Projection and filter fused: rows failing `condition` are dropped, then `projections` are evaluated. */
export interface CalcNode extends NodeBase {
  readonly kind: 'calc';
  readonly inputSchema: readonly Column[];
  readonly condition: BoundExpression | null;
  readonly projections: readonly BoundExpression[];
}

/** Appends the results of a UDF program (Python or TypeScript) to the input columns. */
export interface UdfCallNode extends NodeBase {
  readonly kind: 'udf-call';
  /** The input columns; the output is these followed by one column per program output. */
  readonly inputSchema: readonly Column[];
  readonly program: UdfProgram;
}

export interface LimitNode extends NodeBase {
  readonly kind: 'limit';
  readonly offset: number;
  readonly fetch: number;
}

export interface DistinctNode extends NodeBase {
  readonly kind: 'distinct';
}

export interface UnionNode extends NodeBase {
  readonly kind: 'union';
}

export interface SinkNode extends NodeBase {
  readonly kind: 'sink';
  /** The catalog table written (`(anonymous)` for a descriptor); names the pipeline's generated uids. */
  readonly table?: string;
  readonly connector: string;
  readonly options: ConnectorOptions;
}

/** Sends results to the job's client (table.execute() / collect()). */
export interface CollectNode extends NodeBase {
  readonly kind: 'collect';
}

/** Non-windowed GROUP BY with retraction (input hash-partitioned by the group keys). See LogicalAggregate. */
export interface GroupAggregateNode extends NodeBase {
  readonly kind: 'group-aggregate';
  readonly inputSchema: readonly Column[];
  readonly groupKeys: readonly number[];
  readonly aggregates: readonly AggregateCall[];
  /** Whether the input can contain -U/-D rows (the operator then keeps what it needs to retract). */
  readonly inputUpdates: boolean;
}

/** Regular join with retraction; input 0 is the left side, input 1 the right, each hash-partitioned by its keys. */
export interface JoinNode extends NodeBase {
  readonly kind: 'join';
  readonly leftSchema: readonly Column[];
  readonly rightSchema: readonly Column[];
  readonly joinType: JoinType;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  /** Remaining ON condition over left columns followed by right columns. */
  readonly condition: BoundExpression | null;
  readonly leftUpdates: boolean;
  readonly rightUpdates: boolean;
}

/** Top-N per partition (hash-partitioned by partition keys); see LogicalRank. */
export interface RankNode extends NodeBase {
  readonly kind: 'rank';
  readonly inputSchema: readonly Column[];
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortKey[];
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
  readonly inputUpdates: boolean;
}

/** ORDER BY [LIMIT] over the whole bounded input, at parallelism 1. */
export interface SortNode extends NodeBase {
  readonly kind: 'sort';
  readonly keys: readonly SortKey[];
  readonly offset: number;
  readonly fetch: number | null;
}

/**
 * Generates watermarks from a source's rows (chained right after the source and its computed columns); rows pass
 * through unchanged. See LogicalWatermarkAssigner and src/exec/operators/watermark-assigner.ts.
 */
export interface WatermarkAssignerNode extends NodeBase {
  readonly kind: 'watermark-assigner';
  readonly inputSchema: readonly Column[];
  readonly rowtimeIndex: number;
  /** The WATERMARK expression over the input columns (TIMESTAMP / TIMESTAMP_LTZ). */
  readonly watermark: BoundExpression;
}

/** Where the window bounds are in an input (see WindowColumns in logical-node.ts): column indexes only. */
export interface WindowBoundColumns {
  readonly start: number;
  readonly end: number;
}

/**
 * Window Top-N / deduplication (input hash-partitioned by the partition keys, global without). See LogicalWindowRank.
 * `keep` is set for a deduplication on the time attribute: 'first' keeps the earliest row, 'last' the latest (ties
 * to the later arrival, as Flink's WindowDeduplicate); otherwise the general window Top-N runs.
 */
export interface WindowRankNode extends NodeBase {
  readonly kind: 'window-rank';
  readonly inputSchema: readonly Column[];
  readonly window: WindowBoundColumns;
  readonly partitionKeys: readonly number[];
  readonly orderKeys: readonly SortKey[];
  readonly rankStart: number;
  readonly rankEnd: number;
  readonly outputRankNumber: boolean;
  readonly keep: 'first' | 'last' | null;
}

/** Window join; input 0 is the left side, input 1 the right, each hash-partitioned by its keys. See LogicalWindowJoin. */
export interface WindowJoinNode extends NodeBase {
  readonly kind: 'window-join';
  readonly leftSchema: readonly Column[];
  readonly rightSchema: readonly Column[];
  readonly joinType: JoinType;
  readonly leftWindow: WindowBoundColumns;
  readonly rightWindow: WindowBoundColumns;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly condition: BoundExpression | null;
}

/** Interval join; inputs as WindowJoinNode. See LogicalIntervalJoin. */
export interface IntervalJoinNode extends NodeBase {
  readonly kind: 'interval-join';
  readonly leftSchema: readonly Column[];
  readonly rightSchema: readonly Column[];
  readonly joinType: JoinType;
  readonly timeDomain: 'event' | 'processing';
  readonly leftTimeIndex: number;
  readonly rightTimeIndex: number;
  readonly lowerBoundMs: number;
  readonly upperBoundMs: number;
  readonly leftKeys: readonly number[];
  readonly rightKeys: readonly number[];
  readonly condition: BoundExpression | null;
}

/** OVER aggregation (input hash-partitioned by the partition keys, global when none); see LogicalOverAggregate. */
export interface OverAggregateNode extends NodeBase {
  readonly kind: 'over-aggregate';
  readonly inputSchema: readonly Column[];
  readonly partitionKeys: readonly number[];
  readonly orderKey: number;
  readonly timeDomain: import('../window-spec.ts').TimeDomain;
  readonly frame: import('../over-frame.ts').OverFrame;
  readonly aggregates: readonly AggregateCall[];
  /** Whether the input produces updates (-U/+U/-D): then the changelog operator (over-aggregate-changelog.ts) runs. */
  readonly inputUpdates?: boolean;
}

/**
 * A window table function alone (TUMBLE / HOP / CUMULATE): appends window_start, window_end and window_time to
 * each row, repeating a row per window for HOP and CUMULATE. Event time: rows whose windows have all fired are late.
 */
export interface WindowTableFunctionNode extends NodeBase {
  readonly kind: 'window-tvf';
  readonly inputSchema: readonly Column[];
  readonly window: WindowSpec;
  readonly timeDomain: TimeDomain;
}

/**
 * Window aggregation (see LogicalWindowAggregate): input hash-partitioned by the group keys; output = group keys,
 * window_start, window_end, window_time, aggregates; append-only, each window emitted once when it fires.
 */
export interface WindowAggregateNode extends NodeBase {
  readonly kind: 'window-aggregate';
  readonly inputSchema: readonly Column[];
  readonly groupKeys: readonly number[];
  readonly window: WindowSpec;
  readonly timeDomain: TimeDomain;
  readonly aggregates: readonly AggregateCall[];
  /** Whether the input can contain -U/-D rows (they retract from their windows). */
  readonly inputUpdates: boolean;
}

/** GROUPING SETS: each row once per grouping set (see LogicalExpand). */
export interface ExpandNode extends NodeBase {
  readonly kind: 'expand';
  readonly keys: readonly number[];
  readonly sets: readonly (readonly number[])[];
}

export type PhysicalNode =
  | CorrelateNode
  | WatermarkAssignerNode
  | SourceNode | ValuesNode | CalcNode | UdfCallNode | LimitNode | DistinctNode | UnionNode | SinkNode | CollectNode
  | GroupAggregateNode | JoinNode | RankNode | SortNode
  | WindowRankNode | WindowJoinNode | IntervalJoinNode | OverAggregateNode
  | WindowTableFunctionNode | WindowAggregateNode | ExpandNode;

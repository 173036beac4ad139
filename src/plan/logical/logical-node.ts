import type { ConnectorOptions } from '../../connectors/connector.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import type { Schema } from '../../types/schema.ts';
import type { AggregateCall, SortKey } from '../aggregate-call.ts';
import type { TimeDomain, WindowSpec } from '../window-spec.ts';

/**
 * Logical plan nodes: immutable trees that the Table API and SQL build, with expressions already resolved against
 * the input schema. The optimizer rewrites them into new trees; nothing mutates a node.
 */
interface LogicalBase {
  readonly schema: Schema;
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

export type LogicalNode =
  | LogicalSource | LogicalValues | LogicalProject | LogicalFilter | LogicalCalc | LogicalUdfCall
  | LogicalUnion | LogicalLimit | LogicalDistinct | LogicalSink
  | LogicalAggregate | LogicalJoin | LogicalRank | LogicalSort
  | LogicalWatermarkAssigner | LogicalWindowTableFunction;

/** The inputs of a node, in order. */
export function inputsOf(node: LogicalNode): readonly LogicalNode[] {
  switch (node.kind) {
    case 'source': case 'values': return [];
    case 'union': return node.inputs;
    case 'join': return [node.left, node.right];
    default: return [node.input];
  }
}

/** Whether the node's output ends: every leaf below it is bounded. */
export function isBounded(node: LogicalNode): boolean {
  if (node.kind === 'source') return node.bounded;
  if (node.kind === 'values') return true;
  return inputsOf(node).every(isBounded);
}

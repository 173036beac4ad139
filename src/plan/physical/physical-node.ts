import type { ConnectorOptions } from '../../connectors/connector.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import type { Column } from '../../types/schema.ts';
import type { UdfProgram } from '../../udf/function-definition.ts';
import type { AggregateCall, SortKey } from '../aggregate-call.ts';
import type { JoinType } from '../logical/logical-node.ts';

/**
 * Physical plan nodes: immutable plain data (structured-clone safe) from which every parallel subtask builds its own
 * operator instance through the operator registry (src/exec/operator-registry.ts).
 */
interface NodeBase {
  /** Unique within the job; stable across runs of the same plan (used for metrics and later for state). */
  readonly id: string;
  /** Display name, e.g. `Calc(select=[a, b + 1])`. */
  readonly name: string;
  readonly outputSchema: readonly Column[];
}

export interface SourceNode extends NodeBase {
  readonly kind: 'source';
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

export type PhysicalNode =
  | SourceNode | ValuesNode | CalcNode | UdfCallNode | LimitNode | DistinctNode | UnionNode | SinkNode | CollectNode
  | GroupAggregateNode | JoinNode | RankNode | SortNode;

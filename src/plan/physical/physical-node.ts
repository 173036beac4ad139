import type { ConnectorOptions } from '../../connectors/connector.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import type { Column } from '../../types/schema.ts';
import type { UdfProgram } from '../../udf/function-definition.ts';

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

export type PhysicalNode =
  | SourceNode | ValuesNode | CalcNode | UdfCallNode | LimitNode | DistinctNode | UnionNode | SinkNode | CollectNode;

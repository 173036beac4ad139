import type { ConnectorOptions } from '../../connectors/connector.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import type { Schema } from '../../types/schema.ts';

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

export type LogicalNode =
  | LogicalSource | LogicalValues | LogicalProject | LogicalFilter | LogicalCalc | LogicalUdfCall
  | LogicalUnion | LogicalLimit | LogicalDistinct | LogicalSink;

/** The inputs of a node, in order. */
export function inputsOf(node: LogicalNode): readonly LogicalNode[] {
  switch (node.kind) {
    case 'source': case 'values': return [];
    case 'union': return node.inputs;
    default: return [node.input];
  }
}

/** Whether the node's output ends: every leaf below it is bounded. */
export function isBounded(node: LogicalNode): boolean {
  if (node.kind === 'source') return node.bounded;
  if (node.kind === 'values') return true;
  return inputsOf(node).every(isBounded);
}

import type { CatalogTable, ComputedColumnSpec, WatermarkSpec } from '../../api/catalog.ts';
import type { TableEnvironment } from '../../api/table-environment.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { markTimeAttribute, projectedColumns, remapInputs } from '../../plan/time-attributes.ts';
import { Schema } from '../../types/schema.ts';
import { inputRef } from './context.ts';

/**
 * The plan that reads a catalog table: a view's plan, or a source scan of the physical columns followed, when the
 * table has computed columns, by a projection that appends them (the source never sees computed columns, as in
 * Flink), then, when it declares a WATERMARK, a watermark assigner that makes the rowtime column a time attribute
 * (with `SOURCE_WATERMARK()` the source's own watermarks are used and the column is only marked).
 * `PROCTIME()` computed columns are processing-time attributes, evaluated as rows are read. Shared by SQL and
 * `env.from(name)` so both see the same columns.
 */
export function catalogTablePlan(env: TableEnvironment, name: string, entry: CatalogTable): LogicalNode {
  if (entry.kind === 'view') return entry.plan;
  const d = entry.descriptor;
  const factory = env.connectors.source(d.connector);
  factory.validateSource(d.options, d.schema);
  const source: LogicalNode = { kind: 'source', schema: d.schema, table: name, connector: d.connector, options: d.options, bounded: factory.isBounded(d.options) };
  const computed = entry.computed ?? [];
  // Positions of [physical..., computed...] (how computed columns and the watermark are bound) in the output order.
  const declared = [...d.schema.names, ...computed.map((c) => c.name)];
  const order = computed.length ? entry.columnOrder ?? declared : declared;
  const node = computed.length ? computedColumns(source, computed, order) : source;
  if (!entry.watermark) return node;
  if (entry.watermark.fromSource) return withRowtime(node, node.schema.resolve(entry.watermark.column));
  return watermarkAssigner(node, entry.watermark, declared.map((n) => order.indexOf(n)));
}

function computedColumns(source: LogicalNode, computed: readonly ComputedColumnSpec[], order: readonly string[]): LogicalNode {
  const byName = new Map([
    ...source.schema.names.map((n, i) => [n, inputRef(source, i)] as const),
    ...computed.map((c) => [c.name, c.expr] as const),
  ]);
  const exprs = order.map((n) => byName.get(n)!);
  return { kind: 'project', schema: new Schema(projectedColumns(source.schema, exprs, order)), input: source, projections: exprs };
}

/** `node` with column `index` marked as the rowtime attribute (watermarks come from the source itself). */
function withRowtime(node: LogicalNode, index: number): LogicalNode {
  return { ...node, schema: new Schema(markTimeAttribute(node.schema.columns, index, 'rowtime')) } as LogicalNode;
}

function watermarkAssigner(input: LogicalNode, spec: WatermarkSpec, mapping: readonly number[]): LogicalNode {
  const rowtimeIndex = input.schema.resolve(spec.column);
  return {
    kind: 'watermark-assigner',
    schema: new Schema(markTimeAttribute(input.schema.columns, rowtimeIndex, 'rowtime')),
    input,
    rowtimeIndex,
    watermark: remapInputs(spec.expr, mapping),
  };
}

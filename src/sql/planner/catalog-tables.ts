import type { CatalogTable } from '../../api/catalog.ts';
import type { TableEnvironment } from '../../api/table-environment.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { inputRef, projectNode } from './context.ts';

/**
 * The plan that reads a catalog table: a view's plan, or a source scan of the physical columns followed, when the
 * table has computed columns, by a projection that appends them (the source never sees computed columns, as in
 * Flink). Shared by SQL and `env.from(name)` so both see the same columns.
 */
export function catalogTablePlan(env: TableEnvironment, name: string, entry: CatalogTable): LogicalNode {
  if (entry.kind === 'view') return entry.plan;
  const d = entry.descriptor;
  const factory = env.connectors.source(d.connector);
  factory.validateSource(d.options, d.schema);
  const source: LogicalNode = { kind: 'source', schema: d.schema, table: name, connector: d.connector, options: d.options, bounded: factory.isBounded(d.options) };
  const computed = entry.computed ?? [];
  if (computed.length === 0) return source;
  const byName = new Map([
    ...d.schema.names.map((n, i) => [n, inputRef(source, i)] as const),
    ...computed.map((c) => [c.name, c.expr] as const),
  ]);
  const order = entry.columnOrder ?? [...byName.keys()];
  return projectNode(source, order.map((n) => byName.get(n)!), order);
}

import type { CatalogTable, ComputedColumnSpec } from '../../api/catalog.ts';
import type { TableDescriptor } from '../../api/table-descriptor.ts';
import type { TableEnvironment } from '../../api/table-environment.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { PlanError } from '../../errors/errors.ts';
import { parseExpression } from '../parse.ts';
import { bindExpr, scopeHooks, type PlannerContext } from './context.ts';
import { bindWatermark, relOver } from './ddl.ts';

/**
 * The catalog entry of a Table API descriptor: its declared computed columns and watermark (from
 * `Schema.newBuilder()`) bound exactly as CREATE TABLE binds them, so a table declared either way reads the same.
 * Errors point into the expression text.
 */
export function descriptorCatalogTable(env: TableEnvironment, name: string, d: TableDescriptor): CatalogTable {
  const decl = d.declared;
  if (!decl) return { kind: 'connector', descriptor: d };
  const ctx = (sql: string): PlannerContext => ({ sql, env, ctes: new Map() });
  const names = new Set<string>();
  for (const c of decl.columns) {
    if (names.has(c.name)) throw new PlanError(`Column '${c.name}' is declared twice in the schema of '${name}'`, {}, ErrorCodes.PLAN_INVALID);
    names.add(c.name);
  }
  for (const k of decl.primaryKey ?? []) {
    if (d.schema.indexOf(k) < 0) {
      throw new PlanError(`PRIMARY KEY column '${k}' is not a physical column of '${name}'; physical columns: ${d.schema.names.join(', ')}`, {}, ErrorCodes.COLUMN_NOT_FOUND);
    }
  }
  const scan = relOver(d.schema, name);
  const computed: ComputedColumnSpec[] = decl.columns.flatMap((c) => {
    if (c.kind !== 'computed') return [];
    const expr = bindExpr(ctx(c.sql), scan, parseExpression(c.sql), scopeHooks(ctx(c.sql), scan, 'a computed column'));
    return [{ name: c.name, type: expr.type, expr, sql: c.sql }];
  });
  const w = decl.watermark;
  const watermark = w ? bindWatermark(ctx(w.sql), { column: [w.column], expr: parseExpression(w.sql), pos: { line: 1, column: 1, offset: 0 } }, d.schema, computed, name) : undefined;
  return {
    kind: 'connector',
    descriptor: d,
    computed,
    columnOrder: computed.length ? decl.columns.map((c) => c.name) : undefined,
    watermark,
    primaryKey: decl.primaryKey?.length ? decl.primaryKey : undefined,
  };
}

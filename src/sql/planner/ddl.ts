import type { ComputedColumnSpec, WatermarkSpec } from '../../api/catalog.ts';
import { TableDescriptor } from '../../api/table-descriptor.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { formatDataType, notNull, type DataType } from '../../types/data-type.ts';
import { Schema, type Column } from '../../types/schema.ts';
import type { CreateTableStatement, CreateViewStatement, DropStatement, WatermarkDef } from '../ast.ts';
import { formatExpr, formatSql } from '../format.ts';
import { at, bindExpr, inputRef, projectNode, scopeHooks, type PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import { catalogName } from './from-planner.ts';
import { planQuery } from './query-planner.ts';
import { fieldsOf, type RelPlan } from './scope.ts';

/** The catalog key of a new object: the catalog is one flat in-memory namespace, so `db.t` is stored as `t`. */
const objectKey = (parts: readonly string[]): string => parts[parts.length - 1];

/**
 * CREATE TABLE: physical columns become the connector's schema (PRIMARY KEY columns NOT NULL, as in Flink);
 * computed columns are bound over them and added by a projection when the table is read; the watermark is
 * validated and stored for event-time processing; WITH options are checked by the connector factory now.
 */
export function createTable(ctx: PlannerContext, s: CreateTableStatement): void {
  const name = objectKey(s.name.parts);
  if (ctx.env.catalog.hasTable(name)) {
    if (s.ifNotExists) return;
    fail(ctx.sql, s.name.pos, `Table '${name}' already exists`, ErrorCodes.PLAN_INVALID, 'Use CREATE TABLE IF NOT EXISTS, or DROP TABLE first.');
  }
  if (s.like) unsupported(ctx.sql, s.pos, 'CREATE TABLE … LIKE');
  if (s.asQuery) unsupported(ctx.sql, s.asQuery.pos, 'CREATE TABLE … AS SELECT', 'CREATE TABLE, then INSERT INTO it.');
  if (s.partitionedBy.length > 0) unsupported(ctx.sql, s.partitionedBy[0].pos, 'PARTITIONED BY');

  const seen = new Set<string>();
  for (const c of s.columns) {
    if (seen.has(c.name.name)) fail(ctx.sql, c.name.pos, `Column '${c.name.name}' is declared twice`);
    seen.add(c.name.name);
    if (c.kind === 'metadataColumn') unsupported(ctx.sql, c.pos, 'Metadata columns');
  }
  const key = s.primaryKey?.columns ?? [];
  for (const k of key) {
    const col = s.columns.find((c) => c.name.name === k.name);
    if (!col) fail(ctx.sql, k.pos, `PRIMARY KEY column '${k.name}' is not a column of the table`, ErrorCodes.COLUMN_NOT_FOUND);
    if (col.kind !== 'physicalColumn') fail(ctx.sql, k.pos, `PRIMARY KEY column '${k.name}' must be a physical column, not a computed one`);
  }
  if (s.primaryKey?.enforced) fail(ctx.sql, s.primaryKey.pos, 'Flink does not enforce primary keys; declare it PRIMARY KEY (…) NOT ENFORCED');

  const physical: Column[] = s.columns.flatMap((c) => (c.kind === 'physicalColumn'
    ? [{ name: c.name.name, type: key.some((k) => k.name === c.name.name) ? notNull(c.type) : c.type }] : []));
  if (physical.length === 0) fail(ctx.sql, s.pos, `Table '${name}' needs at least one physical column`);
  const schema = new Schema(physical);
  const scan = relOver(schema, name);
  const computed: ComputedColumnSpec[] = s.columns.flatMap((c) => {
    if (c.kind !== 'computedColumn') return [];
    const expr = bindExpr(ctx, scan, c.expr, scopeHooks(ctx, scan, 'a computed column'));
    return [{ name: c.name.name, type: expr.type, expr, sql: formatExpr(c.expr) }];
  });
  if (s.watermarks.length > 1) fail(ctx.sql, s.watermarks[1].pos, 'A table can declare only one WATERMARK');
  const watermark = s.watermarks.length ? bindWatermark(ctx, s.watermarks[0], schema, computed, name) : undefined;

  const options: Record<string, string> = {};
  let connector: string | undefined;
  for (const o of s.options) {
    if (o.key in options || (o.key === 'connector' && connector !== undefined)) fail(ctx.sql, o.pos, `Option '${o.key}' is set twice`, ErrorCodes.CONNECTOR_OPTION);
    if (o.key === 'connector') connector = o.value; else options[o.key] = o.value;
  }
  if (connector === undefined) {
    fail(ctx.sql, s.pos, `Table '${name}' has no 'connector' option`, ErrorCodes.CONNECTOR_OPTION,
      `Add WITH ('connector' = '…'); available connectors: ${ctx.env.connectors.identifiers().join(', ')}.`);
  }
  const descriptor = TableDescriptor.of(connector, schema, options);
  const where = s.options.find((o) => o.key === 'connector')!.pos;
  at(ctx.sql, where, () => ctx.env.validateDescriptor(descriptor));
  ctx.env.catalog.addTable(name, {
    kind: 'connector', descriptor, computed, columnOrder: computed.length ? s.columns.map((c) => c.name.name) : undefined, watermark, primaryKey: key.length ? key.map((k) => k.name) : undefined, comment: s.comment,
  });
}

/** A relation with `schema`'s columns, qualified by `table`, for binding column expressions. */
export function relOver(schema: Schema, table: string): RelPlan {
  const node: LogicalNode = { kind: 'values', schema, rows: [] };
  return { node, fields: fieldsOf(node, table) };
}

const isRowtimeType = (t: DataType): boolean => (t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ') && t.precision === 3;

/**
 * Checks and binds `WATERMARK FOR column AS expr` over the physical then computed columns: the rowtime column must
 * be TIMESTAMP(3) / TIMESTAMP_LTZ(3) and the expression a timestamp. Shared by CREATE TABLE and the Table API's
 * schema builder.
 */
export function bindWatermark(ctx: PlannerContext, w: WatermarkDef, physical: Schema, computed: readonly ComputedColumnSpec[], table: string): WatermarkSpec {
  const all = new Schema([...physical.columns, ...computed.map((c) => ({ name: c.name, type: c.type }))]);
  if (w.column.length !== 1) unsupported(ctx.sql, w.pos, 'A watermark on a nested field');
  const column = w.column[0];
  const i = all.indexOf(column);
  if (i < 0) fail(ctx.sql, w.pos, `WATERMARK column '${column}' is not a column of the table; columns: ${all.names.join(', ')}`, ErrorCodes.COLUMN_NOT_FOUND);
  const type = all.columns[i].type;
  if (!isRowtimeType(type)) {
    fail(ctx.sql, w.pos, `The rowtime column '${column}' must be TIMESTAMP(3) or TIMESTAMP_LTZ(3), but it is ${formatDataType(type)}`, ErrorCodes.TYPE_MISMATCH,
      `Declare a computed column, e.g. ts AS TO_TIMESTAMP_LTZ(epoch_millis, 3), and put the watermark on it.`);
  }
  // `SOURCE_WATERMARK()` (Flink): the source emits the watermarks itself; the column is the rowtime, nothing is assigned.
  if (w.expr.kind === 'call' && w.expr.canonical === 'SOURCE_WATERMARK') {
    if (w.expr.args.length) fail(ctx.sql, w.expr.pos, 'SOURCE_WATERMARK() takes no arguments');
    return { column, expr: { kind: 'input', index: i, type }, sql: formatExpr(w.expr), fromSource: true };
  }
  const rel = relOver(all, table);
  const expr = bindExpr(ctx, rel, w.expr, scopeHooks(ctx, rel, 'WATERMARK'));
  if (expr.type.kind !== 'TIMESTAMP' && expr.type.kind !== 'TIMESTAMP_LTZ') {
    fail(ctx.sql, w.expr.pos, `The WATERMARK expression must return a TIMESTAMP or TIMESTAMP_LTZ, but it returns ${formatDataType(expr.type)}`, ErrorCodes.TYPE_MISMATCH,
      `e.g. WATERMARK FOR ${column} AS ${column} - INTERVAL '5' SECOND.`);
  }
  return { column, expr, sql: formatExpr(w.expr) };
}

/** CREATE VIEW: the query's plan, with its columns renamed when a column list is given. */
export function createView(ctx: PlannerContext, s: CreateViewStatement): void {
  const name = objectKey(s.name.parts);
  if (ctx.env.catalog.hasTable(name)) {
    if (s.ifNotExists) return;
    fail(ctx.sql, s.name.pos, `A table or view named '${name}' already exists`, ErrorCodes.PLAN_INVALID, 'Use CREATE VIEW IF NOT EXISTS, or DROP VIEW first.');
  }
  let plan = planQuery(ctx, s.query);
  if (s.columns) {
    if (s.columns.length !== plan.schema.length) {
      fail(ctx.sql, s.columns[0]?.pos ?? s.pos, `View '${name}' names ${s.columns.length} columns, but its query has ${plan.schema.length} (${plan.schema.names.join(', ')})`, ErrorCodes.SCHEMA_MISMATCH);
    }
    const source = plan;
    plan = projectNode(source, source.schema.columns.map((_, i) => inputRef(source, i)), s.columns.map((c) => c.name));
  }
  ctx.env.catalog.addTable(name, { kind: 'view', plan, query: formatSql(s.query) });
}

/** DROP TABLE / VIEW (the kind must match, as in Flink). Functions: see function-ddl.ts. */
export function dropTableOrView(ctx: PlannerContext, s: DropStatement): void {
  const name = catalogName(ctx, s.name.parts);
  if (name === undefined) {
    if (s.ifExists) return;
    fail(ctx.sql, s.name.pos, `${s.objectType === 'VIEW' ? 'View' : 'Table'} '${s.name.parts.join('.')}' does not exist; known: ${ctx.env.catalog.tableNames().join(', ') || '(none)'}`,
      ErrorCodes.COLUMN_NOT_FOUND, `Use DROP ${s.objectType} IF EXISTS to ignore a missing one.`);
  }
  const isView = ctx.env.catalog.table(name).kind === 'view';
  if (isView !== (s.objectType === 'VIEW')) {
    fail(ctx.sql, s.name.pos, `'${name}' is a ${isView ? 'view' : 'table'}; use DROP ${isView ? 'VIEW' : 'TABLE'}`);
  }
  ctx.env.catalog.dropTable(name);
}

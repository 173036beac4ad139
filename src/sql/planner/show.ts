import { isAggregateFunction } from '../../aggregate/aggregate-functions.ts';
import type { SqlResult } from '../../api/sql-result.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { BUILTIN_FUNCTION_NAMES } from '../../expr/functions/names.ts';
import { formatDataType } from '../../types/data-type.ts';
import { isProctimeCall, timeAttributeSuffix } from '../../plan/time-attributes.ts';
import type { DescribeStatement, ShowStatement } from '../ast.ts';
import type { PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import { catalogName } from './from-planner.ts';

const rows = (columns: string[], data: unknown[][]): SqlResult => ({ kind: 'rows', columns, rows: data });

/** Aggregate names SHOW FUNCTIONS lists when the aggregate library knows them. */
const AGGREGATE_CANDIDATES = ['AVG', 'COUNT', 'FIRST_VALUE', 'LAST_VALUE', 'LISTAGG', 'MAX', 'MIN', 'SUM', 'STDDEV_POP', 'STDDEV_SAMP', 'VAR_POP', 'VAR_SAMP', 'COLLECT', 'BOOL_AND', 'BOOL_OR'];

/** Operator spellings and internal canonical names of special forms, which are not callable by name. */
const HIDDEN_BUILTINS = new Set(['AND', 'OR', 'NOT', 'IN', 'LIKE', 'BETWEEN', 'CASE', 'FIELD', 'ITEM', 'NEGATE', 'FLOOR_TIME', 'CEIL_TIME']);

/** SHOW TABLES | VIEWS | FUNCTIONS | USER FUNCTIONS | CATALOGS | DATABASES | MODULES | CURRENT CATALOG | CURRENT DATABASE. */
export function show(ctx: PlannerContext, s: ShowStatement): SqlResult {
  const catalog = ctx.env.catalog;
  const what = s.what.toUpperCase().replace(/\s+/g, ' ');
  switch (what) {
    case 'TABLES': return rows(['table name'], catalog.tableNames().map((n) => [n]));
    case 'VIEWS': return rows(['view name'], catalog.tableNames().filter((n) => catalog.table(n).kind === 'view').map((n) => [n]));
    case 'USER FUNCTIONS': return rows(['function name'], catalog.functionNames().map((n) => [n]));
    case 'FUNCTIONS': {
      // User functions, then the built-ins with a callable name (operators such as `+` are not listed), as Flink does.
      const builtins = [...BUILTIN_FUNCTION_NAMES.filter((n) => /^[A-Z_][A-Z0-9_]*$/.test(n) && !HIDDEN_BUILTINS.has(n)),
        ...AGGREGATE_CANDIDATES.filter(isAggregateFunction)];
      return rows(['function name'], [...catalog.functionNames(), ...[...new Set(builtins)].sort()].map((n) => [n]));
    }
    case 'CATALOGS': return rows(['catalog name'], [['default_catalog']]);
    case 'DATABASES': return rows(['database name'], [['default_database']]);
    case 'CURRENT CATALOG': return rows(['current catalog name'], [['default_catalog']]);
    case 'CURRENT DATABASE': return rows(['current database name'], [['default_database']]);
    case 'MODULES': return rows(['module name'], [['core']]);
    default: return unsupported(ctx.sql, s.pos, `SHOW ${s.what}`);
  }
}

/**
 * DESCRIBE t: Flink's columns name, type, null, key, extras, watermark. `key` is `PRI(a, b)` on primary-key
 * columns, `extras` shows a computed column's expression, `watermark` the watermark expression on the rowtime column.
 * Time attributes are marked in the type as Flink does: `TIMESTAMP(3) *ROWTIME*`, `TIMESTAMP_LTZ(3) *PROCTIME*`.
 */
export function describe(ctx: PlannerContext, s: DescribeStatement): SqlResult {
  const name = catalogName(ctx, s.name.parts);
  if (name === undefined) {
    fail(ctx.sql, s.name.pos, `Table '${s.name.parts.join('.')}' not found; known tables: ${ctx.env.catalog.tableNames().join(', ') || '(none)'}`, ErrorCodes.COLUMN_NOT_FOUND);
  }
  const entry = ctx.env.catalog.table(name);
  const columns = ['name', 'type', 'null', 'key', 'extras', 'watermark'];
  if (entry.kind === 'view') {
    return rows(columns, entry.plan.schema.columns.map((c) => [c.name, `${formatDataType(c.type, true)}${timeAttributeSuffix(c)}`, c.type.nullable, null, null, null]));
  }
  const pk = entry.primaryKey ?? [];
  const key = pk.length ? `PRI(${pk.join(', ')})` : null;
  const wm = entry.watermark;
  const typeText = (n: string, t: string): string => (wm?.column === n ? `${t} *ROWTIME*` : t);
  const physical = entry.descriptor.schema.columns.map((c) => [
    c.name, typeText(c.name, formatDataType(c.type, true)), c.type.nullable, pk.includes(c.name) ? key : null, null, wm?.column === c.name ? wm.sql : null,
  ]);
  const computed = (entry.computed ?? []).map((c) => [
    c.name, isProctimeCall(c.expr) ? `${formatDataType(c.type, true)} *PROCTIME*` : typeText(c.name, formatDataType(c.type, true)), c.type.nullable, null, `AS ${c.sql}`, wm?.column === c.name ? wm.sql : null,
  ]);
  const all = [...physical, ...computed];
  const order = entry.columnOrder;
  return rows(columns, order ? order.map((n) => all.find((r) => r[0] === n)!) : all);
}

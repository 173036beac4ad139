import { Table } from '../../api/table.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import { implicitlyCastable, sameType } from '../../expr/types/coercion.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { formatDataType, withNullable } from '../../types/data-type.ts';
import type { InsertStatement } from '../ast.ts';
import { at, inputRef, projectNode, type PlannerContext } from './context.ts';
import { fail, unsupported } from './errors.ts';
import { catalogName } from './from-planner.ts';
import { planQuery } from './query-planner.ts';
import { castTo } from './values-planner.ts';

/**
 * Plans `INSERT INTO t [(cols)] query` to a checked sink plan. The query is aligned with the sink's physical
 * columns: a column list reorders and pads missing columns with NULL; types must match or widen implicitly (INT into
 * BIGINT gets a CAST), else SCHEMA_MISMATCH. The environment's insert checks (sink options, append-only sinks
 * refusing updates) then apply, with the statement's position.
 */
export function planInsert(ctx: PlannerContext, s: InsertStatement): LogicalNode {
  if (s.overwrite) unsupported(ctx.sql, s.pos, 'INSERT OVERWRITE');
  if (s.partition) unsupported(ctx.sql, s.partition[0].column.pos, 'INSERT … PARTITION (…)');
  const name = catalogName(ctx, s.table.parts);
  if (name === undefined) {
    fail(ctx.sql, s.table.pos, `Table '${s.table.parts.join('.')}' not found; known tables: ${ctx.env.catalog.tableNames().join(', ') || '(none)'}`, ErrorCodes.COLUMN_NOT_FOUND);
  }
  const entry = ctx.env.catalog.table(name);
  if (entry.kind !== 'connector') fail(ctx.sql, s.table.pos, `Cannot insert into view '${name}'`, ErrorCodes.PLAN_INVALID, 'Insert into a connector table.');
  const sink = entry.descriptor.schema;
  const query = planQuery(ctx, s.query);
  const q = query.schema;

  // For each sink column, the query column feeding it (or -1: NULL).
  let sources: number[];
  if (s.columns) {
    const listed = s.columns.map((c) => c.name);
    s.columns.forEach((c, i) => {
      if (sink.indexOf(c.name) < 0) {
        const computed = entry.computed?.some((x) => x.name === c.name);
        fail(ctx.sql, c.pos, computed ? `Cannot insert into computed column '${c.name}'` : `Column '${c.name}' is not a column of '${name}'; its columns: ${sink.names.join(', ')}`, ErrorCodes.COLUMN_NOT_FOUND);
      }
      if (listed.indexOf(c.name) !== i) fail(ctx.sql, c.pos, `Column '${c.name}' is listed twice`);
    });
    if (listed.length !== q.length) {
      fail(ctx.sql, s.query.pos, `INSERT lists ${listed.length} columns but the query returns ${q.length} (${q.names.join(', ')})`, ErrorCodes.SCHEMA_MISMATCH);
    }
    sources = sink.names.map((n) => listed.indexOf(n));
    sink.columns.forEach((c, i) => {
      if (sources[i] < 0 && !c.type.nullable) {
        fail(ctx.sql, s.columns![0].pos, `Column '${c.name}' of '${name}' is NOT NULL, so the column list must include it`, ErrorCodes.SCHEMA_MISMATCH);
      }
    });
  } else {
    if (q.length !== sink.length) {
      fail(ctx.sql, s.query.pos, `Query returns ${q.length} columns (${q.names.join(', ')}) but sink '${name}' has ${sink.length} (${sink.names.join(', ')})`,
        ErrorCodes.SCHEMA_MISMATCH, 'Select one value per sink column, or name the target columns: INSERT INTO t (a, b) SELECT ….');
    }
    sources = sink.names.map((_, i) => i);
  }

  const exprs: BoundExpression[] = sink.columns.map((c, i) => {
    const j = sources[i];
    if (j < 0) return { kind: 'literal', value: null, type: withNullable(c.type, true) };
    const from = q.columns[j].type;
    if (sameType(from, c.type)) return inputRef(query, j);
    if (!implicitlyCastable(from, c.type)) {
      fail(ctx.sql, s.query.pos, `Column ${j + 1} ('${q.columns[j].name}') of the query is ${formatDataType(from)}, which cannot be written to column '${c.name}' ${formatDataType(c.type)} of '${name}'`,
        ErrorCodes.SCHEMA_MISMATCH, `CAST it: CAST(${q.columns[j].name} AS ${formatDataType(c.type, true)}).`);
    }
    return castTo(inputRef(query, j), c.type);
  });
  const identity = exprs.every((x, i) => x.kind === 'input' && x.index === i) && exprs.length === q.length;
  const aligned = identity ? query : projectNode(query, exprs, sink.names);
  return at(ctx.sql, s.pos, () => ctx.env.insertPlan(new Table(ctx.env, aligned), name));
}

import { ErrorCodes } from '../../errors/weir-error.ts';
import type { BoundExpression } from '../../expr/expression.ts';
import { commonType, implicitlyCastable, sameType } from '../../expr/types/coercion.ts';
import type { LogicalNode } from '../../plan/logical/logical-node.ts';
import { DataTypes, formatDataType, notNull, withNullable, type DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { ValuesQuery } from '../ast.ts';
import { bindExpr, projectNode, type PlannerContext } from './context.ts';
import { fail } from './errors.ts';
import { fieldsOf, type RelPlan } from './scope.ts';

/** A one-row, one-column relation with no visible fields: the FROM of `SELECT 1` and the base of computed VALUES rows. */
export function oneRow(): RelPlan {
  const node: LogicalNode = { kind: 'values', schema: new Schema([{ name: 'ZERO', type: notNull(DataTypes.INT()) }]), rows: [[0]] };
  return { node, fields: [] };
}

/**
 * `VALUES (…), (…)`: columns EXPR$0, EXPR$1, … typed by the least restrictive common type of each column, as in
 * Flink. Rows of plain literals become one Values node; rows with expressions (`1 + 1`, `CAST(…)`, function calls)
 * become a UNION ALL of projections over a one-row Values, so the expression engine evaluates them.
 */
export function planValues(ctx: PlannerContext, q: ValuesQuery): RelPlan {
  const width = q.rows[0].length;
  q.rows.forEach((row, r) => {
    if (row.length !== width) fail(ctx.sql, row[0]?.pos ?? q.pos, `VALUES row ${r + 1} has ${row.length} values, but the first row has ${width}`, ErrorCodes.SCHEMA_MISMATCH);
  });
  const base = oneRow();
  const bound = q.rows.map((row) => row.map((e) => bindExpr(ctx, base, e)));
  const names = Array.from({ length: width }, (_, i) => `EXPR$${i}`);
  const types: DataType[] = names.map((_, c) => {
    const t = commonType(bound.map((row) => row[c].type));
    if (!t) {
      const shown = [...new Set(bound.map((row) => formatDataType(row[c].type, true)))].join(', ');
      fail(ctx.sql, q.rows[1]?.[c]?.pos ?? q.pos, `VALUES column ${c + 1} mixes incompatible types: ${shown}`, ErrorCodes.TYPE_MISMATCH, 'CAST the values to one type.');
    }
    // A column of only NULLs has no type to carry; Flink types it NULL, Weir needs a concrete type.
    return t.kind === 'NULL' ? DataTypes.STRING() : t;
  });
  const schema = new Schema(names.map((name, i) => ({ name, type: types[i] })));
  const literalRows = bound.every((row) => row.every((x, c) => x.kind === 'literal' && (x.value === null || implicitlyCastable(x.type, types[c]))));
  if (literalRows) {
    const node: LogicalNode = { kind: 'values', schema, rows: bound.map((row) => row.map((x) => (x as Extract<BoundExpression, { kind: 'literal' }>).value)) };
    return { node, fields: fieldsOf(node) };
  }
  const inputs = bound.map((row) => projectNode(base.node, row.map((x, c) => castTo(x, types[c])), names));
  const node: LogicalNode = inputs.length === 1 ? inputs[0] : { kind: 'union', schema, inputs };
  return { node, fields: fieldsOf(node) };
}

/** `x` cast to `type` (keeping x's nullability) unless it already has that type. */
export function castTo(x: BoundExpression, type: DataType): BoundExpression {
  if (sameType(x.type, type)) return x;
  if (x.kind === 'literal' && x.value === null) return { kind: 'literal', value: null, type: withNullable(type, true) };
  return { kind: 'cast', arg: x, type: withNullable(type, x.type.nullable), tryCast: false };
}

import type { BoundExpression } from '../expr/expression.ts';
import type { Column, Schema } from '../types/schema.ts';

/**
 * Time attributes through projections (Flink's `*ROWTIME*` / `*PROCTIME*` columns): a column that passes an input
 * column through unchanged keeps its time attribute, a `PROCTIME()` call makes a processing-time attribute, any other
 * computation is a plain value. Shared by SQL, the Table API and catalog tables so all agree.
 */

/** The output column of projection `expr` named `name` over `input`. */
export function projectedColumn(input: Schema, expr: BoundExpression, name: string): Column {
  const attribute = expr.kind === 'input' ? input.columns[expr.index]?.timeAttribute : isProctimeCall(expr) ? 'proctime' : undefined;
  return attribute ? { name, type: expr.type, timeAttribute: attribute } : { name, type: expr.type };
}

/** The output columns of a projection of `exprs` named `names` over `input`. */
export function projectedColumns(input: Schema, exprs: readonly BoundExpression[], names: readonly string[]): Column[] {
  return exprs.map((e, i) => projectedColumn(input, e, names[i]));
}

/** `PROCTIME()`: a processing-time attribute when it is a whole column (`pt AS PROCTIME()`). */
export function isProctimeCall(e: BoundExpression): boolean {
  return e.kind === 'call' && e.name === 'PROCTIME' && e.args.length === 0;
}

/** `e` with every input reference `i` replaced by `mapping[i]` (for an expression bound over reordered columns). */
export function remapInputs(e: BoundExpression, mapping: readonly number[]): BoundExpression {
  switch (e.kind) {
    case 'input': return { ...e, index: mapping[e.index] };
    case 'call': return { ...e, args: e.args.map((a) => remapInputs(a, mapping)) };
    case 'udf': return { ...e, args: e.args.map((a) => remapInputs(a, mapping)) };
    case 'cast': return { ...e, arg: remapInputs(e.arg, mapping) };
    default: return e;
  }
}

/** The schema's columns with `index` marked as the given time attribute (others unchanged). */
export function markTimeAttribute(columns: readonly Column[], index: number, attribute: 'rowtime' | 'proctime'): Column[] {
  return columns.map((c, i) => (i === index ? { ...c, timeAttribute: attribute } : c));
}

/** Flink's DESCRIBE / printSchema suffix of a time attribute column: ` *ROWTIME*`, ` *PROCTIME*` or ''. */
export function timeAttributeSuffix(c: Column): string {
  return c.timeAttribute === 'rowtime' ? ' *ROWTIME*' : c.timeAttribute === 'proctime' ? ' *PROCTIME*' : '';
}

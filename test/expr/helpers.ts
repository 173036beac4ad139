import * as arrow from 'apache-arrow';
import assert from 'node:assert/strict';
import { parseDataType } from '../../src/types/parse-data-type.ts';
import { toArrowType } from '../../src/types/arrow-types.ts';
import { Schema } from '../../src/types/schema.ts';
import type { DataType } from '../../src/types/data-type.ts';
import { compileExpression, compilePredicate, resolveExpression, type Expr, type FunctionLookup } from '../../src/expr/index.ts';
import { fromData, toData } from '../../src/expr/eval/vec.ts';
import { valueAt, vecFromValues } from '../../src/expr/eval/values.ts';
import { fromInternal, toInternal } from '../../src/expr/types/js-values.ts';

export type ColumnSpec = [type: DataType | string, values: unknown[]];

const SIMPLE_ARROW = new Set(['BOOLEAN', 'TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'STRING']);

/**
 * A RecordBatch from JS columns. Simple types go through Arrow's own vectorFromArray, so the evaluator is tested
 * against independently built buffers; the rest (decimals, temporal, nested) through the documented value mapping.
 */
export function batchOf(columns: Record<string, ColumnSpec>): { batch: arrow.RecordBatch; schema: Schema } {
  const entries = Object.entries(columns).map(([name, [t, values]]) => ({ name, type: typeof t === 'string' ? parseDataType(t) : t, values }));
  const schema = new Schema(entries.map(({ name, type }) => ({ name, type })));
  const length = entries[0]?.values.length ?? 0;
  const children = entries.map(({ type, values }) => {
    if (SIMPLE_ARROW.has(type.kind)) {
      return arrow.vectorFromArray(values.map((v) => v ?? null), toArrowType(type) as never).data[0];
    }
    return toData(vecFromValues(type, values.map((v) => toInternal(v, type))), values.length);
  });
  const arrowSchema = schema.toArrow();
  const struct = arrow.makeData({ type: new arrow.Struct(arrowSchema.fields), length, nullCount: 0, children });
  return { batch: new arrow.RecordBatch(arrowSchema, struct), schema };
}

/** JS values (docs/values.md) of a result column, after checking its Arrow type, length and null count. */
export function readColumn(data: arrow.Data, type: DataType): unknown[] {
  assert.equal(String(data.type), String(toArrowType(type)), 'Arrow type of the result');
  const vec = fromData(data, type);
  const out: unknown[] = [];
  let nulls = 0;
  for (let i = 0; i < data.length; i++) {
    const v = fromInternal(valueAt(vec, i), type);
    if (v === null) nulls++;
    out.push(v);
  }
  assert.equal(data.nullCount, nulls, 'nullCount of the result');
  return out;
}

/** Resolves, compiles and evaluates `expr` on the columns; returns the JS values of the result. */
export function evaluate(expr: Expr, columns: Record<string, ColumnSpec> = { _: ['INT', [0]] }, functions?: FunctionLookup): unknown[] {
  const { batch, schema } = batchOf(columns);
  const bound = resolveExpression(expr.node, schema, functions);
  const data = compileExpression(bound, schema).evaluate(batch);
  assert.equal(data.length, batch.numRows);
  return readColumn(data, bound.type);
}

/** Evaluates a constant expression once. */
export const evalOne = (expr: Expr): unknown => evaluate(expr)[0];

/** Selected row indexes of a predicate. */
export function selectRows(expr: Expr, columns: Record<string, ColumnSpec>): number[] {
  const { batch, schema } = batchOf(columns);
  return [...compilePredicate(resolveExpression(expr.node, schema), schema).select(batch)];
}

/** Asserts that fn throws a WeirError with the code and a message matching `message`. */
export function assertCode(fn: () => unknown, code: string, message?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    const err = e as { code?: string; message?: string };
    assert.equal(err.code, code, `expected ${code}, got ${err.code}: ${err.message}`);
    if (message) assert.match(err.message ?? '', message);
    return true;
  });
}

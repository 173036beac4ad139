import { ChangeBatch } from '../change-batch.ts';
import { WeirError } from '../../errors/weir-error.ts';
import { SchemaError } from '../../errors/errors.ts';
import type { Schema } from '../../types/schema.ts';
import { columnFromValues } from './build.ts';

/**
 * A ChangeBatch from rows of JS values (each row an array in schema column order). `kinds` gives each row's
 * RowKind byte; omit it for an insert-only batch. Errors name the offending column.
 */
export function batchFromRows(schema: Schema, rows: readonly (readonly unknown[])[], kinds: Uint8Array | null = null): ChangeBatch {
  const columns = schema.columns.map((_, j) => rows.map((r) => r[j]));
  return batchFromColumns(schema, columns, kinds);
}

/** A ChangeBatch from one JS value array per column, in schema column order; all arrays have the same length. */
export function batchFromColumns(schema: Schema, columns: readonly (readonly unknown[])[], kinds: Uint8Array | null = null): ChangeBatch {
  if (columns.length !== schema.length) {
    throw new SchemaError(`Expected ${schema.length} columns ${schema.toString()}, got ${columns.length}`);
  }
  const length = columns.length > 0 ? columns[0].length : (kinds?.length ?? 0);
  const data = schema.columns.map((c, j) => {
    if (columns[j].length !== length) {
      throw new SchemaError(`Column '${c.name}' has ${columns[j].length} values, expected ${length} like the first column`);
    }
    try {
      return columnFromValues(c.type, columns[j]);
    } catch (e) {
      if (e instanceof WeirError) throw new SchemaError(`Column '${c.name}': ${e.message}`, { cause: e }, e.code);
      throw e;
    }
  });
  return ChangeBatch.fromColumns(schema.toArrow(), data, length, kinds);
}

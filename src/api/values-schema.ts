import { ErrorCodes } from '../errors/weir-error.ts';
import { PlanError } from '../errors/errors.ts';
import { DataTypes, type DataType } from '../types/data-type.ts';
import { Schema } from '../types/schema.ts';

/**
 * Infers a schema for fromValues from the JS values (docs/values.md): the first non-null value of each column
 * decides, integers widen to DOUBLE if any value has a fraction. Columns are named f0, f1, ... for array rows, or
 * by key for object rows. Pass a schema to get exact types (DECIMAL, DATE, TIMESTAMP precision, ...).
 */
export function inferValuesSchema(rows: readonly (readonly unknown[] | Record<string, unknown>)[]): Schema {
  if (rows.length === 0) throw new PlanError('fromValues needs at least one row to infer a schema', { hint: 'Pass a schema as the second argument.' });
  const names = Array.isArray(rows[0]) ? (rows[0] as unknown[]).map((_, i) => `f${i}`) : Object.keys(rows[0]);
  const columns = names.map((name, i) => {
    const values = rows.map((r) => (Array.isArray(r) ? r[i] : (r as Record<string, unknown>)[name]));
    return { name, type: inferColumn(name, values) };
  });
  return new Schema(columns);
}

function inferColumn(name: string, values: unknown[]): DataType {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0) return DataTypes.STRING();
  const first = present[0];
  if (typeof first === 'boolean') return DataTypes.BOOLEAN();
  if (typeof first === 'bigint') return DataTypes.BIGINT();
  if (typeof first === 'number') {
    if (present.every((v) => typeof v === 'number' && Number.isInteger(v))) {
      return present.every((v) => Math.abs(v as number) <= 2147483647) ? DataTypes.INT() : DataTypes.BIGINT();
    }
    return DataTypes.DOUBLE();
  }
  if (typeof first === 'string') return DataTypes.STRING();
  if (first instanceof Date) return DataTypes.TIMESTAMP(3);
  if (first instanceof Uint8Array) return DataTypes.BYTES();
  throw new PlanError(`fromValues cannot infer a type for column '${name}' from ${Object.prototype.toString.call(first)}`, {
    hint: 'Pass a schema, e.g. fromValues(rows, { tags: "ARRAY<STRING>" }).',
  }, ErrorCodes.TYPE_UNKNOWN);
}

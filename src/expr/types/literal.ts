import { PlanError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { DataTypes, notNull, withNullable, type DataType } from '../../types/data-type.ts';
import { commonType } from './coercion.ts';

/**
 * The type of a JS literal without an explicit type, as Flink's Table API `lit()`: an integer number in int32
 * range is INT, other numbers DOUBLE, bigint BIGINT, string STRING, boolean BOOLEAN, Date TIMESTAMP(3),
 * Uint8Array BYTES, arrays ARRAY of the common element type, Maps MAP, all NOT NULL; null is the NULL type, which
 * adapts to whatever it meets.
 */
export function inferLiteralType(value: unknown): DataType {
  if (value === null || value === undefined) return DataTypes.NULL();
  switch (typeof value) {
    case 'boolean': return notNull(DataTypes.BOOLEAN());
    case 'bigint': return notNull(DataTypes.BIGINT());
    case 'string': return notNull(DataTypes.STRING());
    case 'number':
      return notNull(Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31 ? DataTypes.INT() : DataTypes.DOUBLE());
    default: break;
  }
  if (value instanceof Date) return notNull(DataTypes.TIMESTAMP(3));
  if (value instanceof Uint8Array) return notNull(DataTypes.BYTES());
  if (Array.isArray(value)) return notNull(DataTypes.ARRAY(elementType(value, 'array element')));
  if (value instanceof Map) {
    return notNull(DataTypes.MAP(withNullable(elementType([...value.keys()], 'map key'), false), elementType([...value.values()], 'map value')));
  }
  throw new PlanError(`Cannot infer a SQL type for the literal ${String(value)}`, {
    hint: "Pass the type explicitly, e.g. lit(value, 'ROW<a INT>').",
  }, ErrorCodes.TYPE_MISMATCH);
}

function elementType(values: unknown[], what: string): DataType {
  const t = commonType(values.map(inferLiteralType));
  if (!t) {
    throw new PlanError(`The ${what}s of literal [${values.map(String).join(', ')}] have no common type`, {
      hint: 'Give the literal an explicit type.',
    }, ErrorCodes.TYPE_MISMATCH);
  }
  // An all-NULL or empty collection still needs a concrete element type.
  return t.kind === 'NULL' ? DataTypes.STRING() : withNullable(t, values.some((v) => v === null || v === undefined));
}

import { isNumericType, isTemporalType, withNullable, type DataType } from '../../types/data-type.ts';
import { valueToString } from '../cast/to-string.ts';
import { valueAt } from '../eval/values.ts';
import { compareBytes } from '../eval/utf8.ts';
import { storageOf, type Vec } from '../eval/vec.ts';
import { commonType, numericCommon } from '../types/coercion.ts';

/**
 * Comparison plumbing shared by =, <, IN, BETWEEN, GREATEST and IS DISTINCT FROM: the type both sides are coerced
 * to, and element comparators per storage.
 */

/**
 * The type two operands are compared as: numeric widening, a STRING against a temporal value is read as that
 * temporal type (Calcite's implicit coercion of date/time literals), otherwise the least restrictive common type.
 * Undefined when they are not comparable (e.g. STRING against INT: Flink requires an explicit CAST).
 */
export function comparisonType(types: readonly DataType[]): DataType | undefined {
  const real = types.filter((t) => t.kind !== 'NULL');
  if (real.length === 0) return commonType(types);
  if (real.every(isNumericType)) return withNullable(real.reduce((acc, t) => numericCommon(acc, t)), types.some((t) => t.nullable));
  const temporal = real.find((t) => t.kind === 'DATE' || t.kind === 'TIME' || t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ');
  if (temporal && real.every((t) => t.kind === 'STRING' || isTemporalType(t))) {
    return commonType(types.map((t) => (t.kind === 'STRING' ? withNullable(temporal, t.nullable) : t)));
  }
  return commonType(types);
}

/** Whether values of the type have an order (nested types only support equality). */
export const isOrderable = (t: DataType): boolean => storageOf(t) !== 'nested';

/** Compares element i of a with element j of b (same type, both non-NULL): negative, zero or positive. */
export type ElementComparator = (a: Vec, i: number, b: Vec, j: number) => number;

export function elementComparator(type: DataType, timeZone = 'UTC'): ElementComparator {
  switch (storageOf(type)) {
    case 'bool': return (a, i, b, j) => a.bool![a.isConst ? 0 : i] - b.bool![b.isConst ? 0 : j];
    case 'num': return (a, i, b, j) => {
      const x = a.num![a.isConst ? 0 : i];
      const y = b.num![b.isConst ? 0 : j];
      return x < y ? -1 : x > y ? 1 : x === y ? 0 : NaN;
    };
    case 'big': return (a, i, b, j) => {
      const x = a.big![a.isConst ? 0 : i];
      const y = b.big![b.isConst ? 0 : j];
      return x < y ? -1 : x > y ? 1 : 0;
    };
    case 'dec': return (a, i, b, j) => {
      const x = a.dec![a.isConst ? 0 : i]!;
      const y = b.dec![b.isConst ? 0 : j]!;
      return x < y ? -1 : x > y ? 1 : 0;
    };
    case 'bin': return (a, i, b, j) => {
      const ii = a.isConst ? 0 : i;
      const jj = b.isConst ? 0 : j;
      return compareBytes(a.bytes!, a.offsets![ii], a.offsets![ii + 1], b.bytes!, b.offsets![jj], b.offsets![jj + 1]);
    };
    case 'nested': return (a, i, b, j) => {
      // Structural equality through the SQL text of the values; nested types have no order.
      const x = valueToString(valueAt(a, i), type, timeZone);
      const y = valueToString(valueAt(b, j), type, timeZone);
      return x === y ? 0 : 1;
    };
    case 'null': return () => 0;
  }
}

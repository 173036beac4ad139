import {
  DataTypes, formatDataType, isIntegerType, isNumericType, withNullable, type DataType,
} from '../../types/data-type.ts';

/**
 * Type inference rules, following Flink (LogicalTypeMerging) which follows Calcite: numeric widening
 * TINYINT < SMALLINT < INT < BIGINT < DECIMAL < FLOAT < DOUBLE, exact integers viewed as DECIMAL(p, 0) when mixed
 * with decimals, and the DECIMAL precision/scale formulas for + - * / % with the "keep at least 6 fraction digits"
 * adjustment when precision would exceed 38.
 */

export const MAX_DECIMAL_PRECISION = 38;
const MIN_ADJUSTED_SCALE = 6;

const RANK: Record<string, number> = { TINYINT: 1, SMALLINT: 2, INT: 3, BIGINT: 4, DECIMAL: 5, FLOAT: 6, DOUBLE: 7 };

/** Nullable if any of the inputs is. */
export const anyNullable = (types: readonly DataType[]): boolean => types.some((t) => t.nullable);

/** Precision and scale an exact numeric type occupies as a DECIMAL (INT is DECIMAL(10, 0)). */
export function asDecimal(t: DataType): { precision: number; scale: number } {
  switch (t.kind) {
    case 'TINYINT': return { precision: 3, scale: 0 };
    case 'SMALLINT': return { precision: 5, scale: 0 };
    case 'INT': return { precision: 10, scale: 0 };
    case 'BIGINT': return { precision: 19, scale: 0 };
    case 'DECIMAL': return { precision: t.precision, scale: t.scale };
    default: throw new Error(`${t.kind} is not an exact numeric type`);
  }
}

/** Calcite/Flink adjustment when an intermediate decimal precision exceeds 38: trade scale (down to 6) for digits. */
export function adjustDecimal(precision: number, scale: number, nullable: boolean): DataType {
  if (precision > MAX_DECIMAL_PRECISION) {
    const intDigits = precision - scale;
    scale = Math.max(MAX_DECIMAL_PRECISION - intDigits, Math.min(scale, MIN_ADJUSTED_SCALE));
    precision = MAX_DECIMAL_PRECISION;
  }
  return withNullable(DataTypes.DECIMAL(precision, Math.min(scale, precision)), nullable);
}

/** Result type of a binary arithmetic operator on numeric operands; undefined when not numeric. */
export function arithmeticType(op: '+' | '-' | '*' | '/' | '%', a: DataType, b: DataType): DataType | undefined {
  if (!isNumericType(a) || !isNumericType(b)) return undefined;
  const nullable = a.nullable || b.nullable;
  const ra = RANK[a.kind];
  const rb = RANK[b.kind];
  if (ra > 5 || rb > 5) return withNullable(ra === 7 || rb === 7 || ra === 5 || rb === 5 ? DataTypes.DOUBLE() : DataTypes.FLOAT(), nullable);
  if (a.kind !== 'DECIMAL' && b.kind !== 'DECIMAL') return withNullable(ra >= rb ? a : b, nullable);
  const x = asDecimal(a);
  const y = asDecimal(b);
  switch (op) {
    case '+': case '-': {
      const scale = Math.max(x.scale, y.scale);
      return adjustDecimal(Math.max(x.precision - x.scale, y.precision - y.scale) + scale + 1, scale, nullable);
    }
    case '*':
      return adjustDecimal(x.precision + y.precision, x.scale + y.scale, nullable);
    case '/': {
      const scale = Math.max(MIN_ADJUSTED_SCALE, x.scale + y.precision + 1);
      return adjustDecimal(x.precision - x.scale + y.scale + scale, scale, nullable);
    }
    case '%': {
      const scale = Math.max(x.scale, y.scale);
      return adjustDecimal(Math.min(x.precision - x.scale, y.precision - y.scale) + scale, scale, nullable);
    }
  }
}

/** Widest of two numeric types, for comparisons, CASE branches and IN lists. */
export function numericCommon(a: DataType, b: DataType): DataType {
  const nullable = a.nullable || b.nullable;
  const ra = RANK[a.kind];
  const rb = RANK[b.kind];
  if (ra > 5 || rb > 5) return withNullable(ra === 7 || rb === 7 || ra === 5 || rb === 5 ? DataTypes.DOUBLE() : DataTypes.FLOAT(), nullable);
  if (a.kind !== 'DECIMAL' && b.kind !== 'DECIMAL') return withNullable(ra >= rb ? a : b, nullable);
  const x = asDecimal(a);
  const y = asDecimal(b);
  const scale = Math.max(x.scale, y.scale);
  const intDigits = Math.max(x.precision - x.scale, y.precision - y.scale);
  return withNullable(DataTypes.DECIMAL(Math.min(MAX_DECIMAL_PRECISION, intDigits + scale), Math.min(scale, MAX_DECIMAL_PRECISION)), nullable);
}

const TEMPORAL_RANK: Record<string, number> = { DATE: 1, TIMESTAMP: 2, TIMESTAMP_LTZ: 3 };

/**
 * Least restrictive common type of several operands (CASE, COALESCE, IN, GREATEST, comparisons), or undefined when
 * they have none. NULL literals adapt to the others; the result is nullable if any operand is.
 */
export function commonType(types: readonly DataType[]): DataType | undefined {
  const nullable = anyNullable(types);
  const real = types.filter((t) => t.kind !== 'NULL');
  if (real.length === 0) return DataTypes.NULL();
  let acc: DataType = real[0];
  for (const t of real.slice(1)) {
    const next = commonPair(acc, t);
    if (!next) return undefined;
    acc = next;
  }
  return withNullable(acc, nullable);
}

function commonPair(a: DataType, b: DataType): DataType | undefined {
  if (isNumericType(a) && isNumericType(b)) return numericCommon(a, b);
  if (a.kind === 'STRING' && b.kind === 'STRING') {
    // VARCHAR(n) and VARCHAR(m) widen to the longer; any unbounded STRING wins.
    const len = a.length !== undefined && b.length !== undefined ? Math.max(a.length, b.length) : undefined;
    return len === undefined ? DataTypes.STRING() : DataTypes.VARCHAR(len);
  }
  if (a.kind in TEMPORAL_RANK && b.kind in TEMPORAL_RANK) {
    const pa = 'precision' in a ? a.precision : 0;
    const pb = 'precision' in b ? b.precision : 0;
    const kind = TEMPORAL_RANK[a.kind] >= TEMPORAL_RANK[b.kind] ? a.kind : b.kind;
    if (kind === 'DATE') return DataTypes.DATE();
    const p = Math.max(pa, pb, 0);
    return kind === 'TIMESTAMP' ? DataTypes.TIMESTAMP(p) : DataTypes.TIMESTAMP_LTZ(p);
  }
  if (a.kind === 'ARRAY' && b.kind === 'ARRAY') {
    const e = commonType([a.element, b.element]);
    return e && DataTypes.ARRAY(e);
  }
  if (formatDataType(a, true) === formatDataType(b, true)) return a;
  return undefined;
}

/**
 * Whether a value of `from` may be passed where `to` is expected without an explicit CAST (Flink's
 * supportsImplicitCast): NULL to anything, numeric widening, string to string, DATE and TIMESTAMP widening.
 */
export function implicitlyCastable(from: DataType, to: DataType): boolean {
  if (from.kind === 'NULL') return true;
  if (formatDataType(from, true) === formatDataType(to, true)) return true;
  if (isNumericType(from) && isNumericType(to)) {
    if (to.kind === 'DOUBLE' || to.kind === 'FLOAT') return true;
    if (from.kind === 'FLOAT' || from.kind === 'DOUBLE') return false;
    if (to.kind === 'DECIMAL') {
      const d = asDecimal(from);
      return d.precision - d.scale <= to.precision - to.scale && d.scale <= to.scale;
    }
    if (from.kind === 'DECIMAL') return false;
    return RANK[from.kind] <= RANK[to.kind];
  }
  if (from.kind === 'STRING' && to.kind === 'STRING') return true;
  if (from.kind === 'DATE' && (to.kind === 'TIMESTAMP' || to.kind === 'TIMESTAMP_LTZ')) return true;
  if ((from.kind === 'TIMESTAMP' || from.kind === 'TIMESTAMP_LTZ') && (to.kind === 'TIMESTAMP' || to.kind === 'TIMESTAMP_LTZ')) return true;
  if (from.kind === 'ARRAY' && to.kind === 'ARRAY') return implicitlyCastable(from.element, to.element);
  return false;
}

/** Whether two types are the same ignoring nullability. */
export const sameType = (a: DataType, b: DataType): boolean => formatDataType(a, true) === formatDataType(b, true);

export const isExactNumeric = (t: DataType): boolean => isIntegerType(t) || t.kind === 'DECIMAL';
export const isTimestamp = (t: DataType): boolean => t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ';

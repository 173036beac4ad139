/**
 * Weir's logical data types, matching Flink's SQL types. A DataType is immutable plain data, so plans that contain
 * types can be sent to worker threads by structured clone.
 */

export type PrimitiveKind =
  | 'BOOLEAN' | 'TINYINT' | 'SMALLINT' | 'INT' | 'BIGINT' | 'FLOAT' | 'DOUBLE'
  | 'STRING' | 'BYTES' | 'DATE' | 'TIME' | 'NULL';

export type DataType =
  | { readonly kind: PrimitiveKind; readonly nullable: boolean; readonly length?: number }
  | { readonly kind: 'DECIMAL'; readonly nullable: boolean; readonly precision: number; readonly scale: number }
  | { readonly kind: 'TIMESTAMP' | 'TIMESTAMP_LTZ'; readonly nullable: boolean; readonly precision: number }
  | { readonly kind: 'ARRAY'; readonly nullable: boolean; readonly element: DataType }
  | { readonly kind: 'MAP'; readonly nullable: boolean; readonly key: DataType; readonly value: DataType }
  | { readonly kind: 'ROW'; readonly nullable: boolean; readonly fields: readonly RowField[] };

export interface RowField {
  readonly name: string;
  readonly type: DataType;
}

export type TypeKind = DataType['kind'];
export type DecimalType = Extract<DataType, { kind: 'DECIMAL' }>;
export type TimestampType = Extract<DataType, { kind: 'TIMESTAMP' | 'TIMESTAMP_LTZ' }>;
export type ArrayType = Extract<DataType, { kind: 'ARRAY' }>;
export type MapType = Extract<DataType, { kind: 'MAP' }>;
export type RowType = Extract<DataType, { kind: 'ROW' }>;

const INTEGER_KINDS = new Set<TypeKind>(['TINYINT', 'SMALLINT', 'INT', 'BIGINT']);
const NUMERIC_KINDS = new Set<TypeKind>(['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'FLOAT', 'DOUBLE', 'DECIMAL']);

export const isIntegerType = (t: DataType): boolean => INTEGER_KINDS.has(t.kind);
export const isNumericType = (t: DataType): boolean => NUMERIC_KINDS.has(t.kind);
export const isStringType = (t: DataType): boolean => t.kind === 'STRING';
export const isTemporalType = (t: DataType): boolean =>
  t.kind === 'DATE' || t.kind === 'TIME' || t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ';

/** The same type with the given nullability. */
export function withNullable<T extends DataType>(type: T, nullable: boolean): T {
  return type.nullable === nullable ? type : { ...type, nullable };
}

/** Structural equality, including nullability unless `ignoreNullability`. */
export function typesEqual(a: DataType, b: DataType, ignoreNullability = false): boolean {
  return formatDataType(a, ignoreNullability) === formatDataType(b, ignoreNullability);
}

/** Flink's SQL spelling of a type, e.g. `DECIMAL(10, 2) NOT NULL`, `ROW<a INT, b STRING>`. */
export function formatDataType(type: DataType, ignoreNullability = false): string {
  const suffix = !ignoreNullability && !type.nullable ? ' NOT NULL' : '';
  return formatBase(type, ignoreNullability) + suffix;
}

function formatBase(type: DataType, ignoreNullability: boolean): string {
  switch (type.kind) {
    case 'DECIMAL':
      return `DECIMAL(${type.precision}, ${type.scale})`;
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ':
      return `${type.kind}(${type.precision})`;
    case 'ARRAY':
      return `ARRAY<${formatDataType(type.element, ignoreNullability)}>`;
    case 'MAP':
      return `MAP<${formatDataType(type.key, ignoreNullability)}, ${formatDataType(type.value, ignoreNullability)}>`;
    case 'ROW':
      return `ROW<${type.fields.map((f) => `${quoteName(f.name)} ${formatDataType(f.type, ignoreNullability)}`).join(', ')}>`;
    case 'STRING':
      return type.length !== undefined ? `VARCHAR(${type.length})` : 'STRING';
    default:
      return type.kind;
  }
}

function quoteName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) ? name : `\`${name.replace(/`/g, '``')}\``;
}

/**
 * Builders named as in Flink's `DataTypes` (`DataTypes.BIGINT()`, `DataTypes.DECIMAL(10, 2)`,
 * `DataTypes.ROW([DataTypes.FIELD('a', DataTypes.INT())])`). Every type is nullable unless `.notNull()` is used via
 * {@link notNull}.
 */
export const DataTypes = {
  BOOLEAN: (): DataType => ({ kind: 'BOOLEAN', nullable: true }),
  TINYINT: (): DataType => ({ kind: 'TINYINT', nullable: true }),
  SMALLINT: (): DataType => ({ kind: 'SMALLINT', nullable: true }),
  INT: (): DataType => ({ kind: 'INT', nullable: true }),
  BIGINT: (): DataType => ({ kind: 'BIGINT', nullable: true }),
  FLOAT: (): DataType => ({ kind: 'FLOAT', nullable: true }),
  DOUBLE: (): DataType => ({ kind: 'DOUBLE', nullable: true }),
  DECIMAL: (precision: number, scale: number): DataType => checkedDecimal(precision, scale),
  STRING: (): DataType => ({ kind: 'STRING', nullable: true }),
  VARCHAR: (length: number): DataType => ({ kind: 'STRING', nullable: true, length }),
  CHAR: (length: number): DataType => ({ kind: 'STRING', nullable: true, length }),
  BYTES: (): DataType => ({ kind: 'BYTES', nullable: true }),
  DATE: (): DataType => ({ kind: 'DATE', nullable: true }),
  TIME: (): DataType => ({ kind: 'TIME', nullable: true }),
  TIMESTAMP: (precision = 3): DataType => ({ kind: 'TIMESTAMP', nullable: true, precision: checkedPrecision(precision) }),
  TIMESTAMP_LTZ: (precision = 3): DataType => ({ kind: 'TIMESTAMP_LTZ', nullable: true, precision: checkedPrecision(precision) }),
  ARRAY: (element: DataType): DataType => ({ kind: 'ARRAY', nullable: true, element }),
  MAP: (key: DataType, value: DataType): DataType => ({ kind: 'MAP', nullable: true, key, value }),
  ROW: (fields: RowField[]): DataType => ({ kind: 'ROW', nullable: true, fields }),
  FIELD: (name: string, type: DataType): RowField => ({ name, type }),
  NULL: (): DataType => ({ kind: 'NULL', nullable: true }),
};

/** `notNull(DataTypes.INT())` is Flink's `DataTypes.INT().not_null()`. */
export const notNull = <T extends DataType>(type: T): T => withNullable(type, false);

function checkedDecimal(precision: number, scale: number): DataType {
  if (!Number.isInteger(precision) || precision < 1 || precision > 38) {
    throw new RangeError(`DECIMAL precision must be between 1 and 38, got ${precision}`);
  }
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) {
    throw new RangeError(`DECIMAL scale must be between 0 and the precision ${precision}, got ${scale}`);
  }
  return { kind: 'DECIMAL', nullable: true, precision, scale };
}

function checkedPrecision(precision: number): number {
  if (!Number.isInteger(precision) || precision < 0 || precision > 9) {
    throw new RangeError(`TIMESTAMP precision must be between 0 and 9, got ${precision}`);
  }
  return precision;
}

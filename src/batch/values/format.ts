import type * as arrow from 'apache-arrow';
import { ROW_KIND_SHORT } from '../row-kind.ts';
import type { DataType } from '../../types/data-type.ts';
import { formatUnscaled, formatUnscaledJava, readDecimal128, toUnscaled } from './decimal.ts';
import { javaDouble, javaFloat } from './java-text.ts';
import { isValidAt, timestampNanosAt, valueAt } from './read.ts';
import {
  formatDate, formatInstantJava, formatLocalDateTimeJava, formatLocalTimeJava, formatTime, formatTimestampSql,
  MS_PER_DAY, nanosOfDate, parseTime,
} from './temporal.ts';

/**
 * How values are written as text.
 * - `print`: Flink's print connector, which prints `Row.toString()` of the Java objects: `+I[1, abc, 2.50]`,
 *   TIMESTAMP as `2024-01-01T12:00` (LocalDateTime), TIMESTAMP_LTZ as `2024-01-01T12:00:00Z` (Instant),
 *   DOUBLE as `1.0`, BYTES as `[1, -1]`, MAP as `{a=1}`, nested ROW as `+I[...]`, NULL as `null`.
 * - `sql`: Flink's SQL client / CAST to STRING: TIMESTAMP(3) as `2024-01-01 12:00:00.000` (exactly p digits),
 *   BOOLEAN as `TRUE`, BYTES as `x'01ff'`, ROW as `(1, abc)`, NULL as `NULL`.
 */
export type TextStyle = 'print' | 'sql';

/** Text of a JS value (as produced by valueAt) of the given type. Sub-millisecond digits are not in a JS Date. */
export function formatValue(value: unknown, type: DataType, style: TextStyle = 'print'): string {
  if (value == null) return style === 'sql' ? 'NULL' : 'null';
  switch (type.kind) {
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ':
      return formatNanos(toNanos(value), type, style);
    case 'DECIMAL': {
      const unscaled = toUnscaled(value, type.scale) ?? 0n;
      return style === 'print' ? formatUnscaledJava(unscaled, type.scale) : formatUnscaled(unscaled, type.scale);
    }
    case 'DATE':
      return value instanceof Date ? formatDate(Math.floor(value.getTime() / MS_PER_DAY)) : String(value);
    case 'TIME': {
      const ms = typeof value === 'number' ? value : parseTime(String(value)) ?? 0;
      return style === 'print' ? formatLocalTimeJava(ms) : formatTime(ms).slice(0, 8);
    }
    case 'ARRAY':
      return `[${(value as unknown[]).map((v) => formatValue(v, type.element, style)).join(', ')}]`;
    case 'MAP': {
      const entries = value instanceof Map ? [...value] : Object.entries(value as object);
      return `{${entries.map(([k, v]) => `${formatValue(k, type.key, style)}=${formatValue(v, type.value, style)}`).join(', ')}}`;
    }
    case 'ROW': {
      const get = (name: string, j: number): unknown => (Array.isArray(value) ? value[j] : (value as Record<string, unknown>)[name]);
      const inner = type.fields.map((f, j) => formatValue(get(f.name, j), f.type, style)).join(', ');
      return style === 'print' ? `+I[${inner}]` : `(${inner})`;
    }
    default:
      return formatScalar(value, type, style);
  }
}

/**
 * Text of one cell read straight from Arrow. Unlike formatValue it keeps TIMESTAMP(6/9) digits, so print sinks
 * and text formats use it.
 */
export function formatAt(data: arrow.Data, type: DataType, row: number, style: TextStyle = 'print'): string {
  if (type.kind === 'NULL' || !isValidAt(data, row)) return style === 'sql' ? 'NULL' : 'null';
  switch (type.kind) {
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ':
      return formatNanos(timestampNanosAt(data, type.precision, row), type, style);
    case 'DECIMAL': {
      const unscaled = readDecimal128(data.values as Uint32Array, row);
      return style === 'print' ? formatUnscaledJava(unscaled, type.scale) : formatUnscaled(unscaled, type.scale);
    }
    case 'ARRAY': {
      const o = data.valueOffsets as Int32Array;
      const parts: string[] = [];
      for (let j = o[row]; j < o[row + 1]; j++) parts.push(formatAt(data.children[0], type.element, j, style));
      return `[${parts.join(', ')}]`;
    }
    case 'MAP': {
      const o = data.valueOffsets as Int32Array;
      const [keys, vals] = data.children[0].children;
      const parts: string[] = [];
      for (let j = o[row]; j < o[row + 1]; j++) {
        parts.push(`${formatAt(keys, type.key, j, style)}=${formatAt(vals, type.value, j, style)}`);
      }
      return `{${parts.join(', ')}}`;
    }
    case 'ROW': {
      const inner = type.fields.map((f, j) => formatAt(data.children[j], f.type, row, style)).join(', ');
      return style === 'print' ? `+I[${inner}]` : `(${inner})`;
    }
    default:
      return formatValue(valueAt(data, type, row), type, style);
  }
}

/** Flink's `+I[1, abc, 2.50]` for a row of JS values. */
export function formatRow(kind: number, values: readonly unknown[], types: readonly DataType[], style: TextStyle = 'print'): string {
  return `${ROW_KIND_SHORT[kind]}[${values.map((v, j) => formatValue(v, types[j], style)).join(', ')}]`;
}

/** Flink's `+I[1, abc, 2.50]` for row `row` of Arrow columns, exact for every type. */
export function formatRowAt(kind: number, columns: readonly arrow.Data[], types: readonly DataType[], row: number, style: TextStyle = 'print'): string {
  return `${ROW_KIND_SHORT[kind]}[${columns.map((d, j) => formatAt(d, types[j], row, style)).join(', ')}]`;
}

function formatScalar(value: unknown, type: DataType, style: TextStyle): string {
  switch (type.kind) {
    case 'BOOLEAN': return style === 'sql' ? String(value).toUpperCase() : String(value);
    case 'FLOAT': return javaFloat(value as number);
    case 'DOUBLE': return javaDouble(value as number);
    case 'BYTES': {
      const bytes = value as Uint8Array;
      if (style === 'sql') return `x'${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}'`;
      // Java's Arrays.toString(byte[]): signed bytes.
      return `[${Array.from(bytes, (b) => (b > 127 ? b - 256 : b)).join(', ')}]`;
    }
    default: return String(value);
  }
}

function toNanos(value: unknown): bigint {
  if (value instanceof Date) return nanosOfDate(value);
  if (typeof value === 'bigint') return value;
  return BigInt(Math.floor(Number(value))) * 1_000_000n;
}

function formatNanos(nanos: bigint, type: DataType & { precision: number }, style: TextStyle): string {
  if (style === 'sql') return formatTimestampSql(nanos, type.precision);
  return type.kind === 'TIMESTAMP_LTZ' ? formatInstantJava(nanos) : formatLocalDateTimeJava(nanos);
}

import type * as arrow from 'apache-arrow';
import { formatUnscaled, readDecimal128 } from '../../batch/values/decimal.ts';
import { isValidAt, timestampNanosAt, valueAt } from '../../batch/values/read.ts';
import { formatDate, formatTime, formatTimestampSql } from '../../batch/values/temporal.ts';
import type { DataType } from '../../types/data-type.ts';

/** How TIMESTAMP text is written: Flink's `json.timestamp-format.standard` (`SQL` or `ISO-8601`). */
export type TimestampStandard = 'SQL' | 'ISO-8601';

/**
 * A scalar cell as text (null → undefined), in the forms Flink's CSV and JSON formats write: timestamps as
 * `2024-01-01 12:00:00.123` (trailing fraction zeros dropped; `T` for ISO-8601; LTZ with `Z`), DECIMAL plain with
 * scale, BYTES base64, DOUBLE as the shortest text that reads back exactly.
 */
export function scalarText(data: arrow.Data, type: DataType, row: number, standard: TimestampStandard = 'SQL'): string | undefined {
  if (type.kind === 'NULL' || !isValidAt(data, row)) return undefined;
  switch (type.kind) {
    case 'DECIMAL': return formatUnscaled(readDecimal128(data.values as Uint32Array, row), type.scale);
    case 'DATE': return formatDate((data.values as Int32Array)[row]);
    case 'TIME': return formatTime((data.values as Int32Array)[row]);
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ': {
      const text = formatTimestampSql(timestampNanosAt(data, type.precision, row), undefined, standard === 'SQL' ? ' ' : 'T');
      return type.kind === 'TIMESTAMP_LTZ' ? `${text}Z` : text;
    }
    case 'BYTES': {
      const o = data.valueOffsets as Int32Array;
      const bytes = (data.values as Uint8Array).subarray(o[row], o[row + 1]);
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
    }
    default: return String(valueAt(data, type, row));
  }
}

const NUMERIC = new Set(['TINYINT', 'SMALLINT', 'INT', 'BIGINT', 'DECIMAL']);

/** A cell as a JSON fragment: exact numbers (BIGINT and DECIMAL unquoted), nested types as arrays and objects. */
export function jsonText(data: arrow.Data, type: DataType, row: number, standard: TimestampStandard = 'SQL'): string {
  if (type.kind === 'NULL' || !isValidAt(data, row)) return 'null';
  switch (type.kind) {
    case 'BOOLEAN': return String(valueAt(data, type, row));
    case 'FLOAT': case 'DOUBLE': {
      const v = valueAt(data, type, row) as number;
      return Number.isFinite(v) ? String(v) : JSON.stringify(String(v));
    }
    case 'ARRAY': {
      const o = data.valueOffsets as Int32Array;
      const parts: string[] = [];
      for (let j = o[row]; j < o[row + 1]; j++) parts.push(jsonText(data.children[0], type.element, j, standard));
      return `[${parts.join(',')}]`;
    }
    case 'MAP': {
      const o = data.valueOffsets as Int32Array;
      const [keys, vals] = data.children[0].children;
      const parts: string[] = [];
      for (let j = o[row]; j < o[row + 1]; j++) {
        parts.push(`${JSON.stringify(scalarText(keys, type.key, j, standard) ?? '')}:${jsonText(vals, type.value, j, standard)}`);
      }
      return `{${parts.join(',')}}`;
    }
    case 'ROW':
      return `{${type.fields.map((f, j) => `${JSON.stringify(f.name)}:${jsonText(data.children[j], f.type, row, standard)}`).join(',')}}`;
    default: {
      const text = scalarText(data, type, row, standard)!;
      return NUMERIC.has(type.kind) ? text : JSON.stringify(text);
    }
  }
}

/** A CSV cell: scalars as text, ARRAY of scalars joined by `arrayDelimiter`, other nested types as JSON text. */
export function csvText(data: arrow.Data, type: DataType, row: number, arrayDelimiter: string): string | undefined {
  if (type.kind === 'NULL' || !isValidAt(data, row)) return undefined;
  if (type.kind === 'ARRAY' && type.element.kind !== 'ARRAY' && type.element.kind !== 'MAP' && type.element.kind !== 'ROW') {
    const o = data.valueOffsets as Int32Array;
    const parts: string[] = [];
    for (let j = o[row]; j < o[row + 1]; j++) parts.push(scalarText(data.children[0], type.element, j) ?? '');
    return parts.join(arrayDelimiter);
  }
  if (type.kind === 'ARRAY' || type.kind === 'MAP' || type.kind === 'ROW') return jsonText(data, type, row);
  return scalarText(data, type, row);
}

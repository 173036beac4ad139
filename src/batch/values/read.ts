import type * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../change-batch.ts';
import type { DataType } from '../../types/data-type.ts';
import type { Schema } from '../../types/schema.ts';
import { formatUnscaled, readDecimal128 } from './decimal.ts';
import { formatTime, MS_PER_DAY } from './temporal.ts';
import { nanosPerUnit } from './units.ts';

/*
 * Arrow JS slicing convention (apache-arrow 21, Data.slice): fixed-width value buffers and offset buffers are
 * sliced, so row i is at index i; validity bitmaps and boolean value bits are not, so row i is bit `offset + i`;
 * struct children are sliced, list/map children are not (their offsets point into them).
 */

const decoder = new TextDecoder();

/** Whether row `row` of `data` is non-null. */
export function isValidAt(data: arrow.Data, row: number): boolean {
  if (data.nullCount === 0) return true;
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.byteLength === 0) return true;
  const pos = data.offset + row;
  return (bitmap[pos >> 3] & (1 << (pos & 7))) !== 0;
}

/** The JavaScript value of one cell, per docs/values.md. Works on sliced Data. */
export function valueAt(data: arrow.Data, type: DataType, row: number): unknown {
  if (type.kind === 'NULL' || !isValidAt(data, row)) return null;
  const values = data.values as ArrayLike<unknown>;
  switch (type.kind) {
    case 'BOOLEAN': {
      const pos = data.offset + row;
      return (data.values[pos >> 3] & (1 << (pos & 7))) !== 0;
    }
    case 'TINYINT': case 'SMALLINT': case 'INT': case 'FLOAT': case 'DOUBLE': case 'BIGINT':
      return values[row];
    case 'DECIMAL':
      return formatUnscaled(readDecimal128(data.values as Uint32Array, row), type.scale);
    case 'STRING': {
      const o = data.valueOffsets as Int32Array;
      return decoder.decode((data.values as Uint8Array).subarray(o[row], o[row + 1]));
    }
    case 'BYTES': {
      const o = data.valueOffsets as Int32Array;
      return (data.values as Uint8Array).slice(o[row], o[row + 1]);
    }
    case 'DATE':
      return new Date((values[row] as number) * MS_PER_DAY);
    case 'TIME':
      return formatTime(values[row] as number);
    case 'TIMESTAMP': case 'TIMESTAMP_LTZ':
      return new Date(Number(floorDiv(values[row] as bigint, 1_000_000n / nanosPerUnit(type.precision))));
    case 'ARRAY': {
      const o = data.valueOffsets as Int32Array;
      const child = data.children[0];
      const out = new Array(o[row + 1] - o[row]);
      for (let j = o[row], k = 0; j < o[row + 1]; j++, k++) out[k] = valueAt(child, type.element, j);
      return out;
    }
    case 'MAP': {
      const o = data.valueOffsets as Int32Array;
      const [keys, vals] = data.children[0].children;
      const out = new Map<unknown, unknown>();
      for (let j = o[row]; j < o[row + 1]; j++) out.set(valueAt(keys, type.key, j), valueAt(vals, type.value, j));
      return out;
    }
    case 'ROW': {
      const out: Record<string, unknown> = {};
      type.fields.forEach((f, j) => { out[f.name] = valueAt(data.children[j], f.type, row); });
      return out;
    }
  }
}

/** Exact epoch nanoseconds of a TIMESTAMP/TIMESTAMP_LTZ cell (keeps digits a Date cannot hold). */
export function timestampNanosAt(data: arrow.Data, precision: number, row: number): bigint {
  return (data.values as BigInt64Array)[row] * nanosPerUnit(precision);
}

/** Every row of a batch as an array of JS values, in schema column order. Row kinds are in `batch.kinds`. */
export function rowsFromBatch(batch: ChangeBatch, schema: Schema): unknown[][] {
  const n = batch.numRows;
  const rows: unknown[][] = Array.from({ length: n }, () => new Array(schema.length));
  schema.columns.forEach((c, j) => {
    // A RecordBatch column is a single Data; the loop is defensive against chunked vectors.
    let base = 0;
    for (const d of batch.column(j).data) {
      for (let i = 0; i < d.length; i++) rows[base + i][j] = valueAt(d, c.type, i);
      base += d.length;
    }
  });
  return rows;
}

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a < 0n && q * b !== a ? q - 1n : q;
}

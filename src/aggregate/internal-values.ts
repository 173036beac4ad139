/**
 * The values accumulators see and keep ("internal" values), read straight from Arrow buffers and written back into
 * Arrow columns. They are chosen to be exact, cheap to compare and msgpack-serializable (accumulators live in keyed
 * state):
 *
 * | type | internal value |
 * |---|---|
 * | BOOLEAN | boolean |
 * | TINYINT, SMALLINT, INT, FLOAT, DOUBLE | number |
 * | BIGINT | bigint |
 * | DECIMAL(p, s) | bigint, the unscaled value |
 * | STRING | string |
 * | BYTES | Uint8Array |
 * | DATE | number, epoch day |
 * | TIME | number, milliseconds of day |
 * | TIMESTAMP(p), TIMESTAMP_LTZ(p) | bigint, the raw Arrow units (keeps sub-millisecond digits) |
 * | ARRAY, MAP, ROW | the JS value of docs/values.md (only FIRST_VALUE/LAST_VALUE/COUNT accept them) |
 *
 * NULL is `null`.
 */
import * as arrow from 'apache-arrow';
import { columnFromValues } from '../batch/values/build.ts';
import { readDecimal128, writeDecimal128 } from '../batch/values/decimal.ts';
import { isValidAt, valueAt } from '../batch/values/read.ts';
import { toArrowType } from '../types/arrow-types.ts';
import type { DataType } from '../types/data-type.ts';

/** Reads the internal value of one row of a column; `null` for NULL. */
export type ArgReader = (row: number) => unknown;

const decoder = new TextDecoder();

/**
 * A reader over one column of one batch. Fixed-width types index the typed array directly, with the validity check
 * left out when the column has no NULLs: this is the per-row hot path of every aggregate.
 */
export function argReader(data: arrow.Data, type: DataType): ArgReader {
  const plain = directReader(data, type);
  if (data.nullCount === 0) return plain;
  return (row) => (isValidAt(data, row) ? plain(row) : null);
}

function directReader(data: arrow.Data, type: DataType): ArgReader {
  const values = data.values as ArrayLike<unknown>;
  switch (type.kind) {
    case 'TINYINT': case 'SMALLINT': case 'INT': case 'FLOAT': case 'DOUBLE': case 'BIGINT':
    case 'DATE': case 'TIME': case 'TIMESTAMP': case 'TIMESTAMP_LTZ':
      return (row) => values[row];
    case 'BOOLEAN': {
      const bits = data.values as Uint8Array;
      const offset = data.offset;
      return (row) => (bits[(offset + row) >> 3] & (1 << ((offset + row) & 7))) !== 0;
    }
    case 'DECIMAL': {
      const words = data.values as Uint32Array;
      return (row) => readDecimal128(words, row);
    }
    case 'STRING': {
      const o = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      return (row) => decoder.decode(bytes.subarray(o[row], o[row + 1]));
    }
    case 'BYTES': {
      const o = data.valueOffsets as Int32Array;
      const bytes = data.values as Uint8Array;
      return (row) => bytes.slice(o[row], o[row + 1]);
    }
    case 'NULL':
      return () => null;
    default:
      return (row) => valueAt(data, type, row);
  }
}

/** A total order on the internal values of one comparable type (MIN/MAX). */
export type Comparator = (a: unknown, b: unknown) => number;

const natural: Comparator = (a, b) => ((a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0);

/** Unsigned lexicographic order, as Flink compares BINARY/VARBINARY. */
const bytesOrder: Comparator = (a, b) => {
  const x = a as Uint8Array;
  const y = b as Uint8Array;
  const n = Math.min(x.length, y.length);
  for (let i = 0; i < n; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return x.length - y.length;
};

/**
 * The comparator for `type`. Strings compare by UTF-16 code units, which equals Flink's UTF-8 byte order except
 * between supplementary characters and U+E000–U+FFFF (documented gap). Booleans order false < true.
 */
export function comparatorFor(type: DataType): Comparator {
  return type.kind === 'BYTES' ? bytesOrder : natural;
}

/**
 * A JS Map key that is equal exactly for equal internal values of `type` (DISTINCT and multisets). Primitives are
 * their own key (Map uses SameValueZero, so 0 and -0 are one key, as SQL wants); bytes and nested values become
 * strings.
 */
export function keyFunctionFor(type: DataType): (v: unknown) => unknown {
  switch (type.kind) {
    case 'BYTES': return (v) => bytesKey(v as Uint8Array);
    case 'ARRAY': case 'MAP': case 'ROW': return (v) => JSON.stringify(v, jsonSafe);
    default: return (v) => v;
  }
}

/** A Map key for a tuple of internal values (COUNT(DISTINCT a, b)). */
export function tupleKey(values: readonly unknown[]): string {
  return JSON.stringify(values, jsonSafe);
}

function bytesKey(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('latin1');
}

function jsonSafe(_: string, x: unknown): unknown {
  if (typeof x === 'bigint') return `${x}n`;
  if (x instanceof Uint8Array) return `b:${bytesKey(x)}`;
  if (x instanceof Map) return [...x.entries()];
  return x;
}

/**
 * An Arrow column of `type` from internal values. DECIMAL and TIMESTAMP are written from their raw forms here
 * (the JS-value builder would need strings and would lose sub-millisecond digits); the rest are already values the
 * builder accepts (epoch days for DATE, milliseconds of day for TIME).
 */
export function columnFromInternal(type: DataType, values: readonly unknown[]): arrow.Data {
  const n = values.length;
  if (type.kind !== 'DECIMAL' && type.kind !== 'TIMESTAMP' && type.kind !== 'TIMESTAMP_LTZ') {
    return columnFromValues(type, values);
  }
  let nullCount = 0;
  const bitmap = new Uint8Array((n + 7) >> 3);
  for (let i = 0; i < n; i++) {
    if (values[i] === null || values[i] === undefined) nullCount++;
    else bitmap[i >> 3] |= 1 << (i & 7);
  }
  let data: Uint32Array | BigInt64Array;
  if (type.kind === 'DECIMAL') {
    data = new Uint32Array(n * 4);
    for (let i = 0; i < n; i++) if (values[i] != null) writeDecimal128(data, i, values[i] as bigint);
  } else {
    data = new BigInt64Array(n);
    for (let i = 0; i < n; i++) if (values[i] != null) data[i] = values[i] as bigint;
  }
  return arrow.makeData({
    type: toArrowType(type), length: n, nullCount, nullBitmap: nullCount > 0 ? bitmap : undefined, data,
  } as never);
}

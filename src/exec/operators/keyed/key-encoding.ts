import * as arrow from 'apache-arrow';
import { hashRows } from '../../../state/row-hash.ts';

/**
 * Key columns of a batch encoded as bytes, one entry per row: what stateful operators pass to
 * `KeyedStateBackend.setCurrentKey`. Equal SQL keys of one key type encode to equal bytes, so the bytes can be
 * compared and used as Map keys (via `keyString` of src/state/key-encoding.ts).
 */
export interface EncodedKeys {
  /** The encoded key of each row; views into one shared buffer (do not mutate). */
  readonly bytes: Uint8Array[];
  /** `hashRows` of the key columns: the hash the hash exchange routed the row by, so key groups agree. */
  readonly hashes: Uint32Array;
  /** 1 where at least one key column is NULL (SQL `=` never matches such a key); null when no row has a NULL key. */
  readonly hasNull: Uint8Array | null;
}

/** The key of every row when an operator has no key columns (global join/Top-N at parallelism 1). */
export const CONSTANT_KEY = Uint8Array.of(0x2a);

const TAG_NULL = 0;
const TAG_VALUE = 1;
const textEncoder = new TextEncoder();

/**
 * Encodes the `keys` columns of every row, a column at a time over the Arrow buffers: per column a tag byte
 * (NULL / value) then the value — fixed-width types as their little-endian storage bytes, strings and binaries as u32 length + bytes, booleans as one byte, nested types as
 * length-prefixed JSON text. Keys are equal exactly when their bytes are, as `hashRows` (the hash exchange) sees them:
 * like Flink's binary row keys, -0.0 and 0.0 are different keys, and a NaN equals a NaN of the same bits; anything
 * else would put equal keys on different subtasks. Both sides of a join must therefore have identical key types
 * (the planner casts).
 */
export function encodeKeys(batch: arrow.RecordBatch, keys: readonly number[]): EncodedKeys {
  const n = batch.numRows;
  const hashes = hashRows(batch, keys);
  if (keys.length === 0) return { bytes: new Array<Uint8Array>(n).fill(CONSTANT_KEY), hashes, hasNull: null };
  const { buffer, offsets, hasNull } = encodeKeyBuffer(batch, keys);
  const bytes = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) bytes[i] = buffer.subarray(offsets[i], offsets[i + 1]);
  return { bytes, hashes, hasNull };
}

/** The key bytes of all rows in one buffer: row i's key is `buffer.subarray(offsets[i], offsets[i + 1])`. */
export interface KeyBuffer {
  readonly buffer: Uint8Array;
  readonly offsets: Uint32Array;
  /** As in {@link EncodedKeys}. */
  readonly hasNull: Uint8Array | null;
}

/**
 * The encoding of {@link encodeKeys} without per-row views, for operators that group a batch's rows by key bytes
 * directly (group aggregation). With no key columns every key is empty.
 */
export function encodeKeyBuffer(batch: arrow.RecordBatch, keys: readonly number[]): KeyBuffer {
  const n = batch.numRows;
  const columns = keys.map((k) => columnEncoder(batch.data.children[k]));
  const lengths = new Uint32Array(n);
  for (const c of columns) c.addLengths(lengths);
  const offsets = new Uint32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + lengths[i];
  const buffer = new Uint8Array(offsets[n]);
  const cursor = offsets.slice(0, n);
  let hasNull: Uint8Array | null = null;
  for (const c of columns) {
    if (c.data.nullCount > 0 || arrow.DataType.isNull(c.data.type)) hasNull ??= new Uint8Array(n);
    c.write(buffer, cursor, hasNull);
  }
  return { buffer, offsets, hasNull };
}

interface ColumnEncoder {
  readonly data: arrow.Data;
  /** Adds each row's encoded length of this column to `lengths`. */
  addLengths(lengths: Uint32Array): void;
  /** Writes each row's bytes at `cursor[i]` and advances it; marks NULL rows in `hasNull`. */
  write(out: Uint8Array, cursor: Uint32Array, hasNull: Uint8Array | null): void;
}

function isValid(data: arrow.Data, i: number): boolean {
  if (data.nullCount === 0) return true;
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0) return true;
  const j = data.offset + i;
  return (bitmap[j >> 3] & (1 << (j & 7))) !== 0;
}

function columnEncoder(data: arrow.Data): ColumnEncoder {
  const T = arrow.DataType;
  const type = data.type;
  if (T.isUtf8(type) || T.isBinary(type)) return varWidthEncoder(data);
  if (T.isBool(type)) return boolEncoder(data);
  if (T.isNull(type)) return nullEncoder(data);
  const values = data.values as (ArrayLike<number> & ArrayBufferView & { BYTES_PER_ELEMENT: number }) | undefined;
  if (values && values.BYTES_PER_ELEMENT && !T.isList(type) && !T.isStruct(type) && !T.isMap(type)) {
    const width = data.stride * values.BYTES_PER_ELEMENT;
    const bytes = new Uint8Array(values.buffer, values.byteOffset, data.length * width);
    return fixedEncoder(data, bytes, width);
  }
  return jsonEncoder(data);
}

function fixedEncoder(data: arrow.Data, bytes: Uint8Array, width: number): ColumnEncoder {
  const n = data.length;
  return {
    data,
    addLengths(lengths) {
      for (let i = 0; i < n; i++) lengths[i] += isValid(data, i) ? 1 + width : 1;
    },
    write(out, cursor, hasNull) {
      for (let i = 0; i < n; i++) {
        let p = cursor[i];
        if (!isValid(data, i)) { out[p++] = TAG_NULL; hasNull![i] = 1; cursor[i] = p; continue; }
        out[p++] = TAG_VALUE;
        const base = i * width;
        for (let b = 0; b < width; b++) out[p++] = bytes[base + b];
        cursor[i] = p;
      }
    },
  };
}

/** A NULL-typed column: every row is NULL (such Data has no validity bitmap to say so). */
function nullEncoder(data: arrow.Data): ColumnEncoder {
  const n = data.length;
  return {
    data,
    addLengths(lengths) { for (let i = 0; i < n; i++) lengths[i] += 1; },
    write(out, cursor, hasNull) {
      for (let i = 0; i < n; i++) { out[cursor[i]++] = TAG_NULL; hasNull![i] = 1; }
    },
  };
}

function boolEncoder(data: arrow.Data): ColumnEncoder {
  const n = data.length;
  const bits = data.values as Uint8Array;
  return {
    data,
    addLengths(lengths) { for (let i = 0; i < n; i++) lengths[i] += isValid(data, i) ? 2 : 1; },
    write(out, cursor, hasNull) {
      for (let i = 0; i < n; i++) {
        if (!isValid(data, i)) { out[cursor[i]++] = TAG_NULL; hasNull![i] = 1; continue; }
        const j = data.offset + i;
        out[cursor[i]++] = TAG_VALUE;
        out[cursor[i]++] = (bits[j >> 3] >> (j & 7)) & 1;
      }
    },
  };
}

function varWidthEncoder(data: arrow.Data): ColumnEncoder {
  const n = data.length;
  const offsets = data.valueOffsets as Int32Array;
  const bytes = data.values as Uint8Array;
  return {
    data,
    addLengths(lengths) {
      for (let i = 0; i < n; i++) lengths[i] += isValid(data, i) ? 5 + offsets[i + 1] - offsets[i] : 1;
    },
    write(out, cursor, hasNull) {
      for (let i = 0; i < n; i++) {
        let p = cursor[i];
        if (!isValid(data, i)) { out[p] = TAG_NULL; hasNull![i] = 1; cursor[i] = p + 1; continue; }
        const len = offsets[i + 1] - offsets[i];
        out[p++] = TAG_VALUE;
        out[p++] = len & 0xff; out[p++] = (len >>> 8) & 0xff; out[p++] = (len >>> 16) & 0xff; out[p++] = (len >>> 24) & 0xff;
        out.set(bytes.subarray(offsets[i], offsets[i + 1]), p);
        cursor[i] = p + len;
      }
    },
  };
}

/** Nested key types (rare): their canonical JSON text, as `hashRows` hashes them. */
function jsonEncoder(data: arrow.Data): ColumnEncoder {
  const vector = arrow.makeVector(data);
  const texts = Array.from({ length: data.length }, (_, i) => {
    const v = vector.get(i);
    return v === null ? null : textEncoder.encode(JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x)));
  });
  return {
    data,
    addLengths(lengths) { texts.forEach((t, i) => { lengths[i] += t ? 5 + t.length : 1; }); },
    write(out, cursor, hasNull) {
      texts.forEach((t, i) => {
        let p = cursor[i];
        if (!t) { out[p] = TAG_NULL; hasNull![i] = 1; cursor[i] = p + 1; return; }
        out[p++] = TAG_VALUE;
        new DataView(out.buffer, out.byteOffset + p, 4).setUint32(0, t.length, true);
        out.set(t, p + 4);
        cursor[i] = p + 4 + t.length;
      });
    },
  };
}

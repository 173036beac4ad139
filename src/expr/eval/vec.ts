import * as arrow from 'apache-arrow';
import type { DataType } from '../../types/data-type.ts';
import { toArrowType } from '../../types/arrow-types.ts';

/** Typed arrays that hold one JS number per element (TINYINT..DOUBLE, DATE, TIME). */
export type NumArray = Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

/**
 * The evaluator's working column. Arrow Data is normalized once on the way in (bitmaps expanded to one byte per row,
 * offsets folded into the buffers) so kernels are plain loops over typed arrays with no bit twiddling and no
 * `Data.offset` arithmetic. A constant is stored once (`isConst`, length 1) and broadcast by the kernels, so
 * `a * b + 1` never allocates a column of ones.
 */
export interface Vec {
  readonly type: DataType;
  /** Stored elements: the batch length, or 1 for a constant. */
  readonly length: number;
  readonly isConst: boolean;
  /** One byte per element, 1 = valid; null when every element is valid. */
  readonly valid: Uint8Array | null;
  /** TINYINT, SMALLINT, INT, FLOAT, DOUBLE, DATE (epoch days), TIME (millis of day). */
  readonly num?: NumArray;
  /** BIGINT, TIMESTAMP and TIMESTAMP_LTZ (in the Arrow unit of the precision). */
  readonly big?: BigInt64Array;
  /** BOOLEAN as 0/1 bytes. */
  readonly bool?: Uint8Array;
  /** DECIMAL unscaled values; BigInt keeps every operation exact. */
  readonly dec?: (bigint | undefined)[];
  /** STRING and BYTES: element i is bytes[offsets[i], offsets[i + 1]). offsets[0] need not be 0. */
  readonly offsets?: Int32Array;
  readonly bytes?: Uint8Array;
  /** ARRAY, MAP and ROW keep their Arrow form (with its offset); nested work goes through gather(). */
  readonly nested?: arrow.Data;
  /**
   * The buffers are a temporary of this evaluation that nothing else references (an expression tree consumes
   * each node's result once), so the parent kernel may overwrite them instead of allocating.
   */
  readonly owned?: boolean;
}

/** Which storage field a type uses. */
export type Storage = 'num' | 'big' | 'bool' | 'dec' | 'bin' | 'nested' | 'null';

export function storageOf(type: DataType): Storage {
  switch (type.kind) {
    case 'BOOLEAN': return 'bool';
    case 'TINYINT': case 'SMALLINT': case 'INT': case 'FLOAT': case 'DOUBLE': case 'DATE': case 'TIME': return 'num';
    case 'BIGINT': case 'TIMESTAMP': case 'TIMESTAMP_LTZ': return 'big';
    case 'DECIMAL': return 'dec';
    case 'STRING': case 'BYTES': return 'bin';
    case 'ARRAY': case 'MAP': case 'ROW': return 'nested';
    case 'NULL': return 'null';
  }
}

/** A fresh typed array for a numeric-storage type. */
export function allocNum(type: DataType, n: number): NumArray {
  switch (type.kind) {
    case 'TINYINT': return new Int8Array(n);
    case 'SMALLINT': return new Int16Array(n);
    case 'FLOAT': return new Float32Array(n);
    case 'DOUBLE': return new Float64Array(n);
    default: return new Int32Array(n);
  }
}

/** Expands `length` bits starting at bit `offset` into one byte per bit. */
export function unpackBits(bits: Uint8Array, offset: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  if (offset % 8 === 0) {
    // Byte-aligned: whole bytes at a time, the common case for unsliced batches.
    const base = offset >> 3;
    const whole = length >> 3;
    for (let b = 0; b < whole; b++) {
      const byte = bits[base + b];
      const o = b << 3;
      out[o] = byte & 1; out[o + 1] = (byte >> 1) & 1; out[o + 2] = (byte >> 2) & 1; out[o + 3] = (byte >> 3) & 1;
      out[o + 4] = (byte >> 4) & 1; out[o + 5] = (byte >> 5) & 1; out[o + 6] = (byte >> 6) & 1; out[o + 7] = byte >> 7;
    }
    for (let i = whole << 3; i < length; i++) out[i] = (bits[base + (i >> 3)] >> (i & 7)) & 1;
    return out;
  }
  for (let i = 0; i < length; i++) {
    const j = i + offset;
    out[i] = (bits[j >> 3] >> (j & 7)) & 1;
  }
  return out;
}

/** Packs one byte per element into an Arrow bitmap (LSB first), padded to 8 bytes. */
export function packBits(bytes: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(((length + 63) >> 6) << 3);
  const whole = length >> 3;
  for (let b = 0; b < whole; b++) {
    const o = b << 3;
    out[b] = (bytes[o] ? 1 : 0) | (bytes[o + 1] ? 2 : 0) | (bytes[o + 2] ? 4 : 0) | (bytes[o + 3] ? 8 : 0)
      | (bytes[o + 4] ? 16 : 0) | (bytes[o + 5] ? 32 : 0) | (bytes[o + 6] ? 64 : 0) | (bytes[o + 7] ? 128 : 0);
  }
  for (let i = whole << 3; i < length; i++) if (bytes[i]) out[i >> 3] |= 1 << (i & 7);
  return out;
}

/** Number of zero bytes (nulls) in a validity array. */
export function countNulls(valid: Uint8Array | null, length: number): number {
  if (!valid) return 0;
  let valids = 0;
  for (let i = 0; i < length; i++) valids += valid[i];
  return length - valids;
}

/** Reads a decimal128 element as a signed BigInt. */
export function readDecimal128(words: Uint32Array, i: number): bigint {
  const o = i * 4;
  const v = (BigInt(words[o + 3]) << 96n) | (BigInt(words[o + 2]) << 64n) | (BigInt(words[o + 1]) << 32n) | BigInt(words[o]);
  return BigInt.asIntN(128, v);
}

/** Writes a signed BigInt as decimal128 (two's complement, little-endian words). */
export function writeDecimal128(words: Uint32Array, i: number, value: bigint): void {
  const u = BigInt.asUintN(128, value);
  const o = i * 4;
  words[o] = Number(u & 0xffffffffn);
  words[o + 1] = Number((u >> 32n) & 0xffffffffn);
  words[o + 2] = Number((u >> 64n) & 0xffffffffn);
  words[o + 3] = Number(u >> 96n);
}

/** Wraps one column of a RecordBatch (or any Arrow Data of the given Weir type) as a Vec. */
export function fromData(data: arrow.Data, type: DataType): Vec {
  const n = data.length;
  const storage = storageOf(type);
  if (storage === 'null') return { type, length: n, isConst: false, valid: new Uint8Array(n) };
  const valid = data.nullCount > 0 && data.nullBitmap && data.nullBitmap.length > 0
    ? unpackBits(data.nullBitmap, data.offset, n) : null;
  const base = { type, length: n, isConst: false, valid };
  switch (storage) {
    case 'bool': return { ...base, bool: unpackBits(data.values as Uint8Array, data.offset, n) };
    case 'num': return { ...base, num: data.values as NumArray };
    case 'big': return { ...base, big: data.values as BigInt64Array };
    case 'dec': {
      const words = data.values as Uint32Array;
      const dec = new Array<bigint | undefined>(n);
      for (let i = 0; i < n; i++) dec[i] = valid && !valid[i] ? undefined : readDecimal128(words, i);
      return { ...base, dec };
    }
    case 'bin': return { ...base, offsets: data.valueOffsets as Int32Array, bytes: data.values as Uint8Array };
    default: return { ...base, nested: data };
  }
}

/** Converts a Vec to Arrow Data of exactly `toArrowType(vec.type)`, broadcasting a constant to `rows`. */
export function toData(vec: Vec, rows: number): arrow.Data {
  const v = vec.isConst && rows !== 1 ? broadcast(vec, rows) : vec;
  const type = toArrowType(v.type);
  const n = v.length;
  const nullCount = v.type.kind === 'NULL' ? n : countNulls(v.valid, n);
  const nullBitmap = nullCount > 0 && v.valid ? packBits(v.valid, n) : undefined;
  switch (storageOf(v.type)) {
    case 'null': return arrow.makeData({ type: type as arrow.Null, length: n, nullCount: n });
    case 'bool': return arrow.makeData({ type: type as arrow.Bool, length: n, nullCount, nullBitmap, data: packBits(v.bool!, n) });
    case 'num': return arrow.makeData({ type: type as arrow.Int32, length: n, nullCount, nullBitmap, data: v.num as Int32Array });
    case 'big': return arrow.makeData({ type: type as arrow.Int64, length: n, nullCount, nullBitmap, data: v.big! });
    case 'dec': {
      const words = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) { const d = v.dec![i]; if (d !== undefined) writeDecimal128(words, i, d); }
      return arrow.makeData({ type: type as arrow.Decimal, length: n, nullCount, nullBitmap, data: words });
    }
    case 'bin': {
      const { offsets, bytes } = rebaseOffsets(v.offsets!, v.bytes!, n);
      return arrow.makeData({ type: type as arrow.Utf8, length: n, nullCount, nullBitmap, valueOffsets: offsets, data: bytes });
    }
    case 'nested': {
      const d = v.nested!;
      // Nested results come from gather/constructors with correct children; only the validity may differ.
      if (!nullBitmap && d.nullCount === 0) return d;
      return d.clone(d.type, d.offset, n, nullCount, [d.valueOffsets, d.values, nullBitmap ? shiftBitmap(nullBitmap, d.offset) : undefined, d.typeIds] as never, d.children);
    }
  }
}

/** A bitmap whose bit (offset + i) is bit i of the given one, for Data with a non-zero offset. */
function shiftBitmap(bits: Uint8Array, offset: number): Uint8Array {
  if (offset === 0) return bits;
  const total = offset + bits.length * 8;
  const out = new Uint8Array(((total + 63) >> 6) << 3);
  for (let i = 0; i < bits.length * 8; i++) if ((bits[i >> 3] >> (i & 7)) & 1) out[(i + offset) >> 3] |= 1 << ((i + offset) & 7);
  return out;
}

/** Offsets starting at 0 with only the referenced bytes, as Arrow writers expect. */
function rebaseOffsets(offsets: Int32Array, bytes: Uint8Array, n: number): { offsets: Int32Array; bytes: Uint8Array } {
  const start = offsets[0];
  if (start === 0) return { offsets: offsets.length === n + 1 ? offsets : offsets.subarray(0, n + 1), bytes };
  const out = new Int32Array(n + 1);
  for (let i = 0; i <= n; i++) out[i] = offsets[i] - start;
  return { offsets: out, bytes: bytes.subarray(start, offsets[n]) };
}

/** Repeats a constant Vec `rows` times. */
export function broadcast(vec: Vec, rows: number): Vec {
  if (!vec.isConst) return vec;
  const isNull = vec.valid !== null && vec.valid[0] === 0;
  const valid = isNull ? new Uint8Array(rows) : null;
  const base = { type: vec.type, length: rows, isConst: false, valid };
  switch (storageOf(vec.type)) {
    case 'null': return { ...base, valid: new Uint8Array(rows) };
    case 'bool': return { ...base, bool: new Uint8Array(rows).fill(vec.bool![0]) };
    case 'num': { const a = allocNum(vec.type, rows); a.fill(vec.num![0]); return { ...base, num: a }; }
    case 'big': return { ...base, big: new BigInt64Array(rows).fill(vec.big![0]) };
    case 'dec': return { ...base, dec: new Array<bigint | undefined>(rows).fill(vec.dec![0]) };
    case 'bin': {
      const s = vec.offsets![0];
      const len = vec.offsets![1] - s;
      const bytes = new Uint8Array(len * rows);
      const offsets = new Int32Array(rows + 1);
      const one = vec.bytes!.subarray(s, s + len);
      for (let i = 0; i < rows; i++) { bytes.set(one, i * len); offsets[i + 1] = (i + 1) * len; }
      return { ...base, offsets, bytes };
    }
    case 'nested': {
      const idx = new Int32Array(rows);
      return { ...base, nested: gatherRef.fn!(vec.nested!, idx) };
    }
  }
}

/** gather() lives in gather.ts, which imports this module; the indirection avoids an import cycle. */
export const gatherRef: { fn?: (data: arrow.Data, idx: Int32Array) => arrow.Data } = {};

/** Whether element i (or the constant) is valid. */
export const isValid = (v: Vec, i: number): boolean => v.valid === null || v.valid[v.isConst ? 0 : i] === 1;

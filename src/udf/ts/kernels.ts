import * as arrow from 'apache-arrow';

/**
 * Helpers for writing fast TS UDF kernels over Arrow vectors: raw typed-array access, validity bitmaps and
 * nullable results. The argument vectors a kernel receives always have exactly one chunk at offset 0, so the
 * accessors below are zero-copy for them; they still work (by copying) on multi-chunk or sliced vectors.
 */

/** The typed arrays Arrow stores fixed-width columns in. */
export type TypedArray = Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Float32Array | Float64Array;
export type BigIntArray = BigInt64Array | BigUint64Array;

/** A typed array plus a validity bitmap (bit i set = row i valid; `null` = no NULLs): a nullable kernel result. */
export interface NullableValues {
  readonly values: TypedArray | BigIntArray;
  readonly validity: Uint8Array | null;
}

/** Builds a nullable result for a kernel to return. */
export function nullable(values: TypedArray | BigIntArray, validity: Uint8Array | null): NullableValues {
  return { values, validity };
}

/** True for {@link NullableValues}-shaped results. */
export function isNullableValues(value: unknown): value is NullableValues {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !ArrayBuffer.isView(value)
    && 'values' in value && ArrayBuffer.isView((value as NullableValues).values) && 'validity' in value;
}

/**
 * The storage typed array of a fixed-width vector (Float64Array for DOUBLE, Int32Array for INT/DATE,
 * BigInt64Array for BIGINT/TIMESTAMP, ...), `length × stride` long. Values at NULL rows are unspecified.
 */
export function values<T extends TypedArray | BigIntArray = TypedArray>(vector: arrow.Vector): T {
  if (arrow.DataType.isBool(vector.type) || (vector.type.children?.length ?? 0) > 0 || hasOffsets(vector.type)) {
    throw new TypeError(`values() needs a fixed-width vector, got ${vector.type}`);
  }
  if (vector.data.length === 1) {
    const d = vector.data[0];
    return (d.values as T).subarray(0, d.length * d.stride) as T;
  }
  return vector.toArray() as T;
}

/** DOUBLE values as a Float64Array: zero-copy for DOUBLE, a converted copy for other numeric types. */
export function float64Values(vector: arrow.Vector): Float64Array {
  if (arrow.DataType.isFloat(vector.type) && vector.type.precision === arrow.Precision.DOUBLE) return values<Float64Array>(vector);
  if (!arrow.DataType.isInt(vector.type) && !arrow.DataType.isFloat(vector.type)) {
    throw new TypeError(`float64Values() needs a numeric vector, got ${vector.type}`);
  }
  const src = values<TypedArray | BigIntArray>(vector);
  const out = new Float64Array(vector.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(src[i]);
  return out;
}

/** BIGINT values as a BigInt64Array (zero-copy). */
export function bigInt64Values(vector: arrow.Vector): BigInt64Array {
  if (!arrow.DataType.isInt(vector.type) || vector.type.bitWidth !== 64) throw new TypeError(`bigInt64Values() needs a BIGINT vector, got ${vector.type}`);
  return values<BigInt64Array>(vector);
}

/** INT values as an Int32Array (zero-copy). */
export function int32Values(vector: arrow.Vector): Int32Array {
  if (!arrow.DataType.isInt(vector.type) || vector.type.bitWidth !== 32) throw new TypeError(`int32Values() needs an INT vector, got ${vector.type}`);
  return values<Int32Array>(vector);
}

/**
 * The validity bitmap of a vector aligned to row 0, or `null` when it has no NULLs. Zero-copy for the vectors a
 * kernel receives; do not modify it (it may be the argument's own buffer) — copy it first.
 */
export function validity(vector: arrow.Vector): Uint8Array | null {
  if (vector.nullCount === 0) return null;
  if (arrow.DataType.isNull(vector.type)) return new Uint8Array((vector.length + 7) >> 3);
  const out = new Uint8Array((vector.length + 7) >> 3);
  let row = 0;
  for (const d of vector.data) {
    if (d.nullCount === 0) {
      for (let i = 0; i < d.length; i++, row++) out[row >> 3] |= 1 << (row & 7);
      continue;
    }
    const bits = d.nullBitmap!;
    if (vector.data.length === 1 && (d.offset & 7) === 0) return bits.subarray(d.offset >> 3, (d.offset >> 3) + out.length);
    for (let i = 0; i < d.length; i++, row++) {
      const p = d.offset + i;
      if (bits[p >> 3] & (1 << (p & 7))) out[row >> 3] |= 1 << (row & 7);
    }
  }
  return out;
}

/** True when row `i` is valid in a bitmap from {@link validity} (`null` = all valid). */
export function isValid(bitmap: Uint8Array | null, i: number): boolean {
  return bitmap === null || (bitmap[i >> 3] & (1 << (i & 7))) !== 0;
}

/** The AND of the vectors' validity (NULL if any argument is NULL), a new bitmap, or `null` when none has NULLs. */
export function andValidity(...vectors: arrow.Vector[]): Uint8Array | null {
  let out: Uint8Array | null = null;
  for (const v of vectors) {
    const bits = validity(v);
    if (bits === null) continue;
    if (out === null) { out = bits.slice(); continue; }
    for (let i = 0; i < out.length; i++) out[i] &= bits[i];
  }
  return out;
}

function hasOffsets(type: arrow.DataType): boolean {
  return arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type) || arrow.DataType.isLargeUtf8(type) || arrow.DataType.isLargeBinary(type);
}

import * as arrow from 'apache-arrow';

/**
 * Concatenates Data of one type into one contiguous Data, for shipping several small input batches as one UDF
 * request. Fixed-width, boolean and variable-width binary/utf8 columns are copied buffer-wise (no per-value work);
 * nested types fall back to an Arrow builder, which is slower but rare on the UDF argument path.
 */
export function concatData(parts: readonly arrow.Data[]): arrow.Data {
  if (parts.length === 1) return parts[0];
  const type = parts[0].type;
  const length = parts.reduce((n, d) => n + d.length, 0);
  const nullCount = parts.reduce((n, d) => n + d.nullCount, 0);
  const nullBitmap = nullCount > 0 ? concatBitmaps(parts, length, (d) => d.nullBitmap, true) : undefined;
  const T = arrow.DataType;
  if (T.isBool(type)) {
    const values = concatBitmaps(parts, length, (d) => d.values as Uint8Array, false);
    return arrow.makeData({ type, length, nullCount, nullBitmap, data: values } as never);
  }
  if (T.isUtf8(type) || T.isBinary(type)) return concatVarWidth(parts, type, length, nullCount, nullBitmap);
  if (T.isInt(type) || T.isFloat(type) || T.isDecimal(type) || T.isDate(type) || T.isTime(type) || T.isTimestamp(type)) {
    const first = parts[0].values as arrow.Data['values'];
    const stride = parts[0].stride;
    const Ctor = first.constructor as new (n: number) => typeof first;
    const values = new Ctor(length * stride);
    let at = 0;
    for (const d of parts) {
      // Arrow JS pre-slices `values` (and `valueOffsets`) of a sliced Data; only bitmaps are addressed via `offset`.
      values.set((d.values as typeof first).subarray(0, d.length * stride) as never, at);
      at += d.length * stride;
    }
    return arrow.makeData({ type, length, nullCount, nullBitmap, data: values } as never);
  }
  const builder = arrow.makeBuilder({ type, nullValues: [null, undefined] });
  for (const d of parts) for (const v of arrow.makeVector(d)) builder.append(v);
  return builder.finish().flush();
}

function concatVarWidth(parts: readonly arrow.Data[], type: arrow.DataType, length: number, nullCount: number, nullBitmap: Uint8Array | undefined): arrow.Data {
  const offsets = new Int32Array(length + 1);
  let bytes = 0;
  for (const d of parts) bytes += d.valueOffsets[d.length] - d.valueOffsets[0];
  const data = new Uint8Array(bytes);
  let row = 0;
  let at = 0;
  for (const d of parts) {
    const src = d.valueOffsets as Int32Array;
    const base = src[0];
    const end = src[d.length];
    data.set((d.values as Uint8Array).subarray(base, end), at);
    for (let i = 1; i <= d.length; i++) offsets[row + i] = at + (src[i] - base);
    row += d.length;
    at += end - base;
  }
  return arrow.makeData({ type, length, nullCount, nullBitmap, valueOffsets: offsets, data } as never);
}

/** Bit-level concatenation of validity or boolean bitmaps (each part may start at any bit offset). */
function concatBitmaps(parts: readonly arrow.Data[], length: number, bits: (d: arrow.Data) => Uint8Array | null | undefined, validity: boolean): Uint8Array {
  const out = new Uint8Array(Math.ceil(length / 8));
  let row = 0;
  for (const d of parts) {
    const src = bits(d);
    for (let i = 0; i < d.length; i++, row++) {
      // A part without a bitmap is all-valid (validity) — boolean values always have one.
      const bit = src && src.length ? (src[(d.offset + i) >> 3] >> ((d.offset + i) & 7)) & 1 : validity ? 1 : 0;
      if (bit) out[row >> 3] |= 1 << (row & 7);
    }
  }
  return out;
}

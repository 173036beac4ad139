import * as arrow from 'apache-arrow';
import { gatherRef, packBits } from './vec.ts';

/**
 * Builds a new Data holding rows `idx` of `data` (index -1 yields NULL). Works for every Arrow type Weir uses,
 * including nested ones, straight on the buffers: the workhorse of filters, ITEM/element access and broadcasts.
 */
export function gather(data: arrow.Data, idx: Int32Array | Uint32Array): arrow.Data {
  const n = idx.length;
  const type = data.type;
  const hasNullIdx = idx instanceof Int32Array && idx.some((x) => x < 0);
  const valid = gatherValidity(data, idx, hasNullIdx);
  const nullCount = valid ? n - valid.reduce((c, v) => c + v, 0) : 0;
  const nullBitmap = valid && nullCount > 0 ? packBits(valid, n) : undefined;
  const A = arrow.DataType;
  if (A.isNull(type)) return arrow.makeData({ type, length: n, nullCount: n });
  if (A.isBool(type)) {
    const bits = data.values as Uint8Array;
    const out = new Uint8Array(n);
    const off = data.offset;
    for (let i = 0; i < n; i++) {
      const r = idx[i];
      if (r >= 0) { const j = r + off; out[i] = (bits[j >> 3] >> (j & 7)) & 1; }
    }
    return arrow.makeData({ type, length: n, nullCount, nullBitmap, data: packBits(out, n) });
  }
  if (A.isUtf8(type) || A.isBinary(type)) {
    const offs = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    const outOffs = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) { const r = idx[i]; if (r >= 0) total += offs[r + 1] - offs[r]; outOffs[i + 1] = total; }
    const out = new Uint8Array(total);
    for (let i = 0; i < n; i++) {
      const r = idx[i];
      if (r >= 0 && offs[r + 1] > offs[r]) out.set(bytes.subarray(offs[r], offs[r + 1]), outOffs[i]);
    }
    return arrow.makeData({ type: type as arrow.Utf8, length: n, nullCount, nullBitmap, valueOffsets: outOffs, data: out });
  }
  if (A.isList(type) || A.isMap(type)) {
    const offs = data.valueOffsets as Int32Array;
    const outOffs = new Int32Array(n + 1);
    let total = 0;
    for (let i = 0; i < n; i++) { const r = idx[i]; if (r >= 0) total += offs[r + 1] - offs[r]; outOffs[i + 1] = total; }
    const childIdx = new Int32Array(total);
    let p = 0;
    for (let i = 0; i < n; i++) {
      const r = idx[i];
      if (r < 0) continue;
      for (let k = offs[r]; k < offs[r + 1]; k++) childIdx[p++] = k;
    }
    const child = gather(data.children[0], childIdx);
    return arrow.makeData({ type: type as arrow.List, length: n, nullCount, nullBitmap, valueOffsets: outOffs, child });
  }
  if (A.isStruct(type)) {
    // Slicing a struct slices its children, so row r of the struct is row r of each child.
    const children = data.children.map((c) => gather(c, idx));
    return arrow.makeData({ type, length: n, nullCount, nullBitmap, children });
  }
  // Fixed width: values are already sliced to the Data's offset; Decimal128 takes four words per value.
  const values = data.values as unknown as { constructor: new (n: number) => ArrayLike<unknown> & { [k: number]: unknown } } & ArrayLike<unknown>;
  const stride = A.isDecimal(type) ? 4 : 1;
  const out = new values.constructor(n * stride) as unknown as { [k: number]: unknown };
  const src = values as unknown as { [k: number]: unknown };
  if (stride === 1) {
    for (let i = 0; i < n; i++) { const r = idx[i]; if (r >= 0) out[i] = src[r]; }
  } else {
    for (let i = 0; i < n; i++) {
      const r = idx[i];
      if (r < 0) continue;
      for (let k = 0; k < stride; k++) out[i * stride + k] = src[r * stride + k];
    }
  }
  return arrow.makeData({ type: type as arrow.Int32, length: n, nullCount, nullBitmap, data: out as Int32Array });
}

function gatherValidity(data: arrow.Data, idx: Int32Array | Uint32Array, hasNullIdx: boolean): Uint8Array | null {
  const n = idx.length;
  if (arrow.DataType.isNull(data.type)) return new Uint8Array(n);
  const bits = data.nullCount > 0 ? data.nullBitmap : undefined;
  if (!bits && !hasNullIdx) return null;
  const out = new Uint8Array(n);
  const off = data.offset;
  for (let i = 0; i < n; i++) {
    const r = idx[i];
    if (r < 0) continue;
    if (!bits) { out[i] = 1; continue; }
    const j = r + off;
    out[i] = (bits[j >> 3] >> (j & 7)) & 1;
  }
  return out;
}

gatherRef.fn = gather;

/** The rows `selection` of a batch (as returned by a compiled predicate's `select`), every column gathered. */
export function filterBatch(batch: arrow.RecordBatch, selection: Uint32Array | Int32Array): arrow.RecordBatch {
  if (selection.length === batch.numRows && isIdentity(selection)) return batch;
  const children = batch.data.children.map((c) => gather(c, selection));
  const struct = arrow.makeData({ type: new arrow.Struct(batch.schema.fields), length: selection.length, nullCount: 0, children });
  return new arrow.RecordBatch(batch.schema, struct);
}

function isIdentity(sel: Uint32Array | Int32Array): boolean {
  for (let i = 0; i < sel.length; i++) if (sel[i] !== i) return false;
  return true;
}

import * as arrow from 'apache-arrow';

/**
 * Hashes the key columns of every row of a batch at once, a column at a time over the raw Arrow buffers (no
 * per-row objects, no string decoding): fixed-width values are hashed from their bytes, strings and binaries from
 * their UTF-8 bytes, NULL as a constant. Equal keys hash equally in every subtask and every run.
 */
export function hashRows(batch: arrow.RecordBatch, keys: readonly number[]): Uint32Array {
  const out = new Uint32Array(batch.numRows).fill(0x9747b28c);
  for (const k of keys) hashColumn(batch.getChildAt(k)!.data[0], out);
  for (let i = 0; i < out.length; i++) out[i] = fmix(out[i]);
  return out;
}

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

function mix(h: number, k: number): number {
  k = Math.imul(k, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  h ^= k;
  h = (h << 13) | (h >>> 19);
  return (Math.imul(h, 5) + 0xe6546b64) | 0;
}

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const NULL_HASH = 0x5bd1e995;

function isValid(data: arrow.Data, i: number): boolean {
  const bitmap = data.nullBitmap;
  if (!bitmap || bitmap.length === 0 || data.nullCount === 0) return true;
  const j = data.offset + i;
  return (bitmap[j >> 3] & (1 << (j & 7))) !== 0;
}

function hashColumn(data: arrow.Data, out: Uint32Array): void {
  const n = out.length;
  const type = data.type;
  if (arrow.DataType.isUtf8(type) || arrow.DataType.isBinary(type)) {
    const offsets = data.valueOffsets as Int32Array;
    const bytes = data.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      if (!isValid(data, i)) { out[i] = mix(out[i], NULL_HASH); continue; }
      let h = out[i];
      // Arrow JS slices offset and value buffers with the Data; only bitmaps are addressed with data.offset.
      const start = offsets[i];
      const end = offsets[i + 1];
      h = mix(h, end - start);
      for (let p = start; p < end; p++) h = mix(h, bytes[p]);
      out[i] = h;
    }
    return;
  }
  if (arrow.DataType.isBool(type)) {
    const bits = data.values as Uint8Array;
    for (let i = 0; i < n; i++) {
      const j = data.offset + i;
      out[i] = mix(out[i], isValid(data, i) ? ((bits[j >> 3] >> (j & 7)) & 1) + 1 : NULL_HASH);
    }
    return;
  }
  const values = data.values as ArrayLike<number> & { buffer: ArrayBufferLike; byteOffset: number; BYTES_PER_ELEMENT: number } | undefined;
  if (values && values.BYTES_PER_ELEMENT) {
    const stride = data.stride;
    const width = stride * values.BYTES_PER_ELEMENT;
    hashFixedWidth(data, values, width, out);
    return;
  }
  hashByValue(data, out);
}

function hashFixedWidth(data: arrow.Data, values: { buffer: ArrayBufferLike; byteOffset: number }, width: number, out: Uint32Array): void {
  const n = out.length;
  // Fixed-width value buffers are already sliced to the Data's rows.
  const base = values.byteOffset;
  if (width >= 4 && base % 4 === 0) {
    const words = width / 4;
    const view = new Int32Array(values.buffer, base, n * words);
    for (let i = 0; i < n; i++) {
      if (!isValid(data, i)) { out[i] = mix(out[i], NULL_HASH); continue; }
      let h = out[i];
      for (let w = 0; w < words; w++) h = mix(h, view[i * words + w]);
      out[i] = h;
    }
    return;
  }
  const bytes = new Uint8Array(values.buffer, base, n * width);
  for (let i = 0; i < n; i++) {
    if (!isValid(data, i)) { out[i] = mix(out[i], NULL_HASH); continue; }
    let h = out[i];
    for (let b = 0; b < width; b++) h = mix(h, bytes[i * width + b]);
    out[i] = h;
  }
}

/** Nested types: hash a canonical text rendering. Rare as keys; correctness over speed. */
function hashByValue(data: arrow.Data, out: Uint32Array): void {
  const vector = arrow.makeVector(data);
  for (let i = 0; i < out.length; i++) {
    const v = vector.get(i);
    const text = v === null ? '\u0000null' : JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
    let h = out[i];
    for (let p = 0; p < text.length; p++) h = mix(h, text.charCodeAt(p));
    out[i] = h;
  }
}

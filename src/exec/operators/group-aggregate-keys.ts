/**
 * Group keys of group aggregation: canonical key bytes per row (the keyed-state key) and grouping of a run of rows
 * by key without per-row objects or strings.
 */
import type * as arrow from 'apache-arrow';
import { isValidAt, valueAt } from '../../batch/values/read.ts';
import type { DataType } from '../../types/data-type.ts';

/** The key bytes of every row: row i's key is `bytes.subarray(offsets[i], offsets[i + 1])`. */
export interface EncodedKeys {
  readonly bytes: Uint8Array;
  readonly offsets: Int32Array;
}

const encoder = new TextEncoder();

/**
 * Encodes the key columns of each row: per column a tag byte (0 NULL, 1 value), then for fixed-width types the
 * value's raw little-endian bytes (the same bytes `hashRows` hashes, so equal keys have equal bytes and hash),
 * 1 byte for BOOLEAN, and `u32 length + bytes` for strings, binaries and (as JSON text) nested types. Keys are
 * only compared for equality, never ordered, so the raw form is enough.
 */
export function encodeKeys(batch: arrow.RecordBatch, keys: readonly number[], types: readonly DataType[]): EncodedKeys {
  const n = batch.numRows;
  const offsets = new Int32Array(n + 1);
  if (keys.length === 0) return { bytes: new Uint8Array(0), offsets };
  const columns = keys.map((k, j) => columnEncoder(batch.getChildAt(k)!.data[0], types[j]));
  const lengths = new Int32Array(n);
  for (const c of columns) c.measure(lengths);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + lengths[i];
  const bytes = new Uint8Array(offsets[n]);
  const pos = offsets.slice(0, n);
  for (const c of columns) c.write(bytes, pos);
  return { bytes, offsets };
}

interface ColumnEncoder {
  /** Adds each row's encoded length of this column to `lengths`. */
  measure(lengths: Int32Array): void;
  /** Writes each row's bytes at `pos[i]` and advances it. */
  write(out: Uint8Array, pos: Int32Array): void;
}

function columnEncoder(data: arrow.Data, type: DataType): ColumnEncoder {
  const n = data.length;
  const valid = (i: number) => isValidAt(data, i);
  switch (type.kind) {
    case 'BOOLEAN':
      return {
        measure: (lengths) => { for (let i = 0; i < n; i++) lengths[i] += valid(i) ? 2 : 1; },
        write: (out, pos) => {
          const bits = data.values as Uint8Array;
          for (let i = 0; i < n; i++) {
            if (!valid(i)) { out[pos[i]++] = 0; continue; }
            const j = data.offset + i;
            out[pos[i]++] = 1;
            out[pos[i]++] = (bits[j >> 3] >> (j & 7)) & 1;
          }
        },
      };
    case 'STRING': case 'BYTES':
      return variableWidth(n, valid, (i) => {
        const o = data.valueOffsets as Int32Array;
        return (data.values as Uint8Array).subarray(o[i], o[i + 1]);
      });
    case 'ARRAY': case 'MAP': case 'ROW': case 'NULL': {
      const texts = new Array<Uint8Array>(n);
      for (let i = 0; i < n; i++) {
        if (valid(i)) texts[i] = encoder.encode(JSON.stringify(valueAt(data, type, i), jsonSafe) ?? 'null');
      }
      return variableWidth(n, (i) => type.kind !== 'NULL' && valid(i), (i) => texts[i]);
    }
    default: {
      // Fixed width: value buffers are sliced to the Data's rows, so row i starts at byteOffset + i * width.
      const values = data.values as unknown as { buffer: ArrayBufferLike; byteOffset: number; BYTES_PER_ELEMENT: number };
      const width = values.BYTES_PER_ELEMENT * data.stride;
      const raw = new Uint8Array(values.buffer, values.byteOffset, n * width);
      return {
        measure: (lengths) => { for (let i = 0; i < n; i++) lengths[i] += valid(i) ? 1 + width : 1; },
        write: (out, pos) => {
          for (let i = 0; i < n; i++) {
            let p = pos[i];
            if (!valid(i)) { out[p] = 0; pos[i] = p + 1; continue; }
            out[p++] = 1;
            for (let b = i * width, end = b + width; b < end; b++) out[p++] = raw[b];
            pos[i] = p;
          }
        },
      };
    }
  }
}

function variableWidth(n: number, valid: (i: number) => boolean, bytesAt: (i: number) => Uint8Array): ColumnEncoder {
  return {
    measure: (lengths) => { for (let i = 0; i < n; i++) lengths[i] += valid(i) ? 5 + bytesAt(i).length : 1; },
    write: (out, pos) => {
      for (let i = 0; i < n; i++) {
        let p = pos[i];
        if (!valid(i)) { out[p] = 0; pos[i] = p + 1; continue; }
        const b = bytesAt(i);
        out[p++] = 1;
        out[p++] = b.length & 0xff; out[p++] = (b.length >>> 8) & 0xff;
        out[p++] = (b.length >>> 16) & 0xff; out[p++] = b.length >>> 24;
        out.set(b, p);
        pos[i] = p + b.length;
      }
    },
  };
}

function jsonSafe(_: string, x: unknown): unknown {
  if (typeof x === 'bigint') return `${x}n`;
  if (x instanceof Map) return [...x.entries()];
  if (x instanceof Uint8Array) return Array.from(x);
  return x;
}

/** The rows of a run grouped by key; groups are numbered in order of first appearance. */
export interface RowGroups {
  readonly count: number;
  /** Row ids ordered by group, and by arrival within a group. */
  readonly rows: Int32Array;
  /** Group g's rows are `rows[start[g]] .. rows[start[g + 1] - 1]`. */
  readonly start: Int32Array;
}

/**
 * Groups rows by key with an open-addressing table over the hashes, comparing key bytes on hash matches; then a
 * counting sort puts each group's rows together, keeping arrival order (a key's changes must apply in order).
 */
export function groupRows(keys: EncodedKeys, hashes: Uint32Array): RowGroups {
  const n = hashes.length;
  let capacity = 16;
  while (capacity < n * 2) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const groupOfRow = new Int32Array(n);
  const firstRow = new Int32Array(n);
  const { bytes, offsets } = keys;
  let count = 0;
  for (let i = 0; i < n; i++) {
    const h = hashes[i];
    let slot = h & mask;
    for (;;) {
      const g = table[slot];
      if (g < 0) {
        table[slot] = count;
        firstRow[count] = i;
        groupOfRow[i] = count++;
        break;
      }
      const r = firstRow[g];
      if (hashes[r] === h && sameBytes(bytes, offsets[r], offsets[r + 1], offsets[i], offsets[i + 1])) {
        groupOfRow[i] = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) start[groupOfRow[i] + 1]++;
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  const fill = start.slice(0, count);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[fill[groupOfRow[i]]++] = i;
  return { count, rows, start };
}

function sameBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = s1, j = s2; i < e1; i++, j++) if (b[i] !== b[j]) return false;
  return true;
}

/** Concatenates the encoded keys of several batches, row ids running on across them. */
export function concatKeys(parts: readonly EncodedKeys[]): EncodedKeys {
  if (parts.length === 1) return parts[0];
  let rows = 0;
  let size = 0;
  for (const p of parts) { rows += p.offsets.length - 1; size += p.bytes.length; }
  const bytes = new Uint8Array(size);
  const offsets = new Int32Array(rows + 1);
  let r = 0;
  let base = 0;
  for (const p of parts) {
    bytes.set(p.bytes, base);
    const m = p.offsets.length - 1;
    for (let i = 0; i < m; i++) offsets[r + i + 1] = base + p.offsets[i + 1];
    r += m;
    base += p.bytes.length;
  }
  return { bytes, offsets };
}

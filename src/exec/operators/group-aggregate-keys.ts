/**
 * Group keys of group aggregation: canonical key bytes per row (the keyed-state key) and grouping of a run of rows
 * by key without per-row objects or strings.
 */
import type * as arrow from 'apache-arrow';
import { encodeKeyBuffer } from './keyed/key-encoding.ts';

/** The key bytes of every row: row i's key is `bytes.subarray(offsets[i], offsets[i + 1])`. */
export interface EncodedKeys {
  readonly bytes: Uint8Array;
  readonly offsets: Uint32Array;
}

/**
 * Encodes the group-key columns of each row with the keyed operators' shared encoding (src/exec/operators/keyed/
 * key-encoding.ts): equal keys have equal bytes, as `hashRows` sees them.
 */
export function encodeKeys(batch: arrow.RecordBatch, keys: readonly number[]): EncodedKeys {
  const { buffer, offsets } = encodeKeyBuffer(batch, keys);
  return { bytes: buffer, offsets };
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
  const offsets = new Uint32Array(rows + 1);
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

/**
 * Grouping of (row, window) pairs by (group key, window), with typed arrays: an open-addressing table over a hash of
 * the key hash and the window end, comparing key bytes and ends on hash matches; then a counting sort puts each
 * group's pairs together in arrival order. No per-row objects or strings.
 */
import { RowKind } from '../../../batch/row-kind.ts';
import type { EncodedKeys } from '../group-aggregate-keys.ts';

/** Pairs grouped by (key, window end); groups are numbered in order of first appearance. */
export interface KeyWindowGroups {
  readonly count: number;
  /** Pair indexes ordered by group, and by arrival within a group. */
  readonly members: Int32Array;
  /** Group g's pairs are `members[start[g]] .. members[start[g + 1] - 1]`. */
  readonly start: Int32Array;
  /** A pair of each group (its first), to read the group's key and window from. */
  readonly first: Int32Array;
}

/**
 * Groups `pairs` (pair i = row `rowOf[i]` in the window ending at `ends[i]`) by the row's key (`keys`, `hashes`
 * indexed by row) and the window end. Only pairs whose `keep` flag is set take part (null: all).
 */
export function groupByKeyAndWindow(keys: EncodedKeys, hashes: Uint32Array, rowOf: Int32Array, ends: Float64Array, keep: Uint8Array | null = null): KeyWindowGroups {
  const n = rowOf.length;
  let capacity = 16;
  while (capacity < n * 2) capacity *= 2;
  const mask = capacity - 1;
  const table = new Int32Array(capacity).fill(-1);
  const groupOf = new Int32Array(n).fill(-1);
  const first = new Int32Array(n);
  const { bytes, offsets } = keys;
  let count = 0;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    if (keep !== null && keep[i] === 0) continue;
    kept++;
    const r = rowOf[i];
    const end = ends[i];
    let slot = mix(hashes[r], end) & mask;
    for (;;) {
      const g = table[slot];
      if (g < 0) {
        table[slot] = count;
        first[count] = i;
        groupOf[i] = count++;
        break;
      }
      const p = first[g];
      const q = rowOf[p];
      if (ends[p] === end && hashes[q] === hashes[r] && sameBytes(bytes, offsets[q], offsets[q + 1], offsets[r], offsets[r + 1])) {
        groupOf[i] = g;
        break;
      }
      slot = (slot + 1) & mask;
    }
  }
  const start = new Int32Array(count + 1);
  for (let i = 0; i < n; i++) if (groupOf[i] >= 0) start[groupOf[i] + 1]++;
  for (let g = 0; g < count; g++) start[g + 1] += start[g];
  const fill = start.slice(0, count);
  const members = new Int32Array(kept);
  for (let i = 0; i < n; i++) if (groupOf[i] >= 0) members[fill[groupOf[i]]++] = i;
  return { count, members, start, first: first.subarray(0, count) };
}

/** A 32-bit mix of a key hash and a window end (an integral number of milliseconds). */
function mix(hash: number, end: number): number {
  let h = Math.imul(hash ^ (end | 0), 0x9e3779b1) ^ Math.imul((end / 4294967296) | 0, 0x85ebca6b);
  h ^= h >>> 16;
  return h >>> 0;
}

function sameBytes(b: Uint8Array, s1: number, e1: number, s2: number, e2: number): boolean {
  if (e1 - s1 !== e2 - s2) return false;
  for (let i = s1, j = s2; i < e1; i++, j++) if (b[i] !== b[j]) return false;
  return true;
}

/**
 * The keyed-state key of a (key, window) pair: the key bytes followed by the window end as a little-endian float64.
 * Its key group is the key's (the state is accessed with the key's hash), so a window's state moves with its key.
 */
export function keyWindowBytes(key: Uint8Array, end: number): Uint8Array {
  const out = new Uint8Array(key.length + 8);
  out.set(key, 0);
  new DataView(out.buffer).setFloat64(key.length, end, true);
  return out;
}

/**
 * The keyed-state keys ({@link keyWindowBytes}) of groups whose first pairs are `first`, as views into one buffer:
 * one allocation per batch instead of one per group.
 */
export function keyWindowKeys(keys: EncodedKeys, rowOf: Int32Array, ends: Float64Array, first: Int32Array): Uint8Array[] {
  const { bytes, offsets } = keys;
  let size = 0;
  for (let g = 0; g < first.length; g++) { const r = rowOf[first[g]]; size += offsets[r + 1] - offsets[r] + 8; }
  const buffer = new Uint8Array(size);
  const view = new DataView(buffer.buffer);
  const out = new Array<Uint8Array>(first.length);
  let at = 0;
  for (let g = 0; g < first.length; g++) {
    const r = rowOf[first[g]];
    const length = offsets[r + 1] - offsets[r];
    buffer.set(bytes.subarray(offsets[r], offsets[r + 1]), at);
    view.setFloat64(at + length, ends[first[g]], true);
    out[g] = buffer.subarray(at, at + length + 8);
    at += length + 8;
  }
  return out;
}

/** Accumulated minus retracted rows among `rows[from..to)` (all rows of an insert-only batch count). */
export function rowCountDelta(kinds: Uint8Array | null, rows: Int32Array, from: number, to: number): number {
  if (kinds === null) return to - from;
  let d = 0;
  for (let k = from; k < to; k++) {
    const kind = kinds[rows[k]];
    d += kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER ? 1 : -1;
  }
  return d;
}

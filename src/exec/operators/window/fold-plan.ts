/**
 * How a run of rows folds into a sliced window aggregation's state, with typed arrays: the rows grouped by key (one
 * state entry each) and by (key, slice) (one accumulator each), each key's slices in time order.
 */
import type { EncodedKeys } from '../group-aggregate-keys.ts';
import { groupByKeyAndWindow } from './window-groups.ts';

export interface FoldPlan {
  readonly keyCount: number;
  /** Key k's bytes (a view of the batch's key buffer) and exchange hash. */
  readonly keyBytes: Uint8Array[];
  readonly keyHashes: Uint32Array;
  /** A row of key k, to read its key values from. */
  readonly firstRow: Int32Array;
  readonly sliceCount: number;
  /** Rows by (key, slice) group s: `rows[start[s]] .. rows[start[s + 1] - 1]`, in arrival order. */
  readonly bySlice: { readonly rows: Int32Array; readonly start: Int32Array };
  /** Key and slice end of each (key, slice) group. */
  readonly sliceKey: Int32Array;
  readonly sliceEnd: Float64Array;
  /**
   * Key k's (key, slice) groups, by slice end: `keySlices[keySliceStart[k]] .. keySlices[keySliceStart[k + 1] - 1]`
   * (groups are numbered key by key, so `keySlices` is the identity).
   */
  readonly keySliceStart: Int32Array;
  readonly keySlices: Int32Array;
}

/**
 * Plans the fold of rows with keys `keys` / `hashes` into slices `ends` (rows whose `keep` flag is 0 left out): one
 * hash pass groups the rows by key, then each key's rows (a few per fold, usually in one or two slices) are split
 * by slice end.
 */
export function planFold(keys: EncodedKeys, hashes: Uint32Array, ends: Float64Array, keep: Uint8Array | null): FoldPlan {
  const n = ends.length;
  const byKey = groupByKeyAndWindow(keys, hashes, identityRows(n), zeros(n), keep);
  const keyCount = byKey.count;
  const keyBytes = new Array<Uint8Array>(keyCount);
  const keyHashes = new Uint32Array(keyCount);
  const keySliceStart = new Int32Array(keyCount + 1);
  const rows = new Int32Array(byKey.members.length);
  const start: number[] = [0];
  const sliceKey: number[] = [];
  const sliceEnd: number[] = [];
  for (let k = 0; k < keyCount; k++) {
    const r = byKey.first[k];
    keyBytes[k] = keys.bytes.subarray(keys.offsets[r], keys.offsets[r + 1]);
    keyHashes[k] = hashes[r];
    const distinct = splitBySlice(byKey.members, byKey.start[k], byKey.start[k + 1], ends, rows);
    for (const [end, size] of distinct) {
      sliceKey.push(k);
      sliceEnd.push(end);
      start.push(start[start.length - 1] + size);
    }
    keySliceStart[k + 1] = sliceKey.length;
  }
  return {
    keyCount, keyBytes, keyHashes, firstRow: byKey.first, sliceCount: sliceKey.length,
    bySlice: { rows, start: Int32Array.from(start) }, sliceKey: Int32Array.from(sliceKey), sliceEnd: Float64Array.from(sliceEnd),
    keySliceStart, keySlices: identityRows(sliceKey.length),
  };
}

/**
 * Writes the rows `members[from..to)` of one key into `out[from..to)` ordered by slice end, arrival order within a
 * slice; returns the slices as `[end, rowCount]`, by end.
 */
function splitBySlice(members: Int32Array, from: number, to: number, ends: Float64Array, out: Int32Array): [number, number][] {
  const first = ends[members[from]];
  let same = true;
  for (let m = from + 1; m < to && same; m++) same = ends[members[m]] === first;
  if (same) {
    out.set(members.subarray(from, to), from);
    return [[first, to - from]];
  }
  const counts = new Map<number, number>();
  for (let m = from; m < to; m++) { const e = ends[members[m]]; counts.set(e, (counts.get(e) ?? 0) + 1); }
  const slices = [...counts].sort((a, b) => a[0] - b[0]);
  const at = new Map<number, number>();
  let next = from;
  for (const [end, size] of slices) { at.set(end, next); next += size; }
  for (let m = from; m < to; m++) {
    const e = ends[members[m]];
    const i = at.get(e)!;
    out[i] = members[m];
    at.set(e, i + 1);
  }
  return slices;
}

let zeroTimes = new Float64Array(0);

/** n zeros, shared: read them, never write them. */
function zeros(n: number): Float64Array {
  if (zeroTimes.length < n) zeroTimes = new Float64Array(Math.max(n, zeroTimes.length * 2));
  return zeroTimes.subarray(0, n);
}

let identity = new Int32Array(0);

/** `[0, 1, ..., n - 1]`, shared: read it, never write it. */
export function identityRows(n: number): Int32Array {
  if (identity.length < n) {
    identity = new Int32Array(Math.max(n, identity.length * 2));
    for (let i = 0; i < identity.length; i++) identity[i] = i;
  }
  return identity.subarray(0, n);
}

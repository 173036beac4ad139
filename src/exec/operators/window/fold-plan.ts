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
 * Plans the fold of rows with keys `keys` / `hashes` into slices `ends`, multiples of `sliceLength` apart (rows
 * whose `keep` flag is 0 left out): one hash pass groups the rows by key, then each key's rows (a few per fold,
 * usually in one or two slices) are split by slice end.
 */
export function planFold(keys: EncodedKeys, hashes: Uint32Array, ends: Float64Array, keep: Uint8Array | null, sliceLength: number): FoldPlan {
  const n = ends.length;
  const byKey = groupByKeyAndWindow(keys, hashes, identityRows(n), zeros(n), keep);
  const keyCount = byKey.count;
  const keyBytes = new Array<Uint8Array>(keyCount);
  const keyHashes = new Uint32Array(keyCount);
  const keySliceStart = new Int32Array(keyCount + 1);
  const slices: SliceSink = { rows: new Int32Array(byKey.members.length), start: new Int32Array(byKey.members.length + 1), end: new Float64Array(byKey.members.length), count: 0 };
  const sliceKey = new Int32Array(byKey.members.length);
  for (let k = 0; k < keyCount; k++) {
    const r = byKey.first[k];
    keyBytes[k] = keys.bytes.subarray(keys.offsets[r], keys.offsets[r + 1]);
    keyHashes[k] = hashes[r];
    splitBySlice(byKey.members, byKey.start[k], byKey.start[k + 1], ends, sliceLength, slices);
    sliceKey.fill(k, keySliceStart[k], slices.count);
    keySliceStart[k + 1] = slices.count;
  }
  const count = slices.count;
  return {
    keyCount, keyBytes, keyHashes, firstRow: byKey.first, sliceCount: count,
    bySlice: { rows: slices.rows, start: slices.start.subarray(0, count + 1) }, sliceKey: sliceKey.subarray(0, count),
    sliceEnd: slices.end.subarray(0, count), keySliceStart, keySlices: identityRows(count),
  };
}

/** (key, slice) groups as they are planned: group s has rows `rows[start[s]] .. rows[start[s + 1] - 1]`. */
interface SliceSink {
  readonly rows: Int32Array;
  readonly start: Int32Array;
  readonly end: Float64Array;
  count: number;
}

/**
 * Appends the (key, slice) groups of one key's rows `members[from..to)` to `out` by slice end, writing the rows
 * into `out.rows[from..to)` in that order (arrival order within a slice). Slice ends are multiples of `sliceLength`
 * apart, so a key's slices in a fold are usually a short range of slots: a counting sort over them.
 */
function splitBySlice(members: Int32Array, from: number, to: number, ends: Float64Array, sliceLength: number, out: SliceSink): void {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let m = from; m < to; m++) {
    const e = ends[members[m]];
    if (e < min) min = e;
    if (e > max) max = e;
  }
  const slots = (max - min) / sliceLength + 1;
  if (min === max) {
    out.rows.set(members.subarray(from, to), from);
    add(out, min, to);
  } else if (!Number.isInteger(slots) || slots > 4 * (to - from) + 16) {
    splitBySliceSparse(members, from, to, ends, out);
  } else {
    const at = scratch(slots);
    for (let m = from; m < to; m++) at[(ends[members[m]] - min) / sliceLength]++;
    let next = from;
    for (let i = 0; i < slots; i++) {
      const size = at[i];
      if (size === 0) continue;
      at[i] = next;
      next += size;
      add(out, min + i * sliceLength, next);
    }
    for (let m = from; m < to; m++) out.rows[at[(ends[members[m]] - min) / sliceLength]++] = members[m];
  }
}

/** {@link splitBySlice} for slices far apart. */
function splitBySliceSparse(members: Int32Array, from: number, to: number, ends: Float64Array, out: SliceSink): void {
  const counts = new Map<number, number>();
  for (let m = from; m < to; m++) { const e = ends[members[m]]; counts.set(e, (counts.get(e) ?? 0) + 1); }
  const slices = [...counts].sort((a, b) => a[0] - b[0]);
  const at = new Map<number, number>();
  let next = from;
  for (const [end, size] of slices) {
    at.set(end, next);
    next += size;
    add(out, end, next);
  }
  for (let m = from; m < to; m++) {
    const e = ends[members[m]];
    const i = at.get(e)!;
    out.rows[i] = members[m];
    at.set(e, i + 1);
  }
}

/** Appends a group ending at slice `end` whose rows end at `rowsEnd`. */
function add(out: SliceSink, end: number, rowsEnd: number): void {
  out.end[out.count] = end;
  out.start[++out.count] = rowsEnd;
}

let scratchSlots = new Int32Array(64);

/** A shared scratch array of `n` zeros. */
function scratch(n: number): Int32Array {
  if (scratchSlots.length < n) scratchSlots = new Int32Array(Math.max(n, scratchSlots.length * 2));
  const out = scratchSlots.subarray(0, n);
  out.fill(0);
  return out;
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

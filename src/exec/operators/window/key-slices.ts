/**
 * A key's state in a sliced window aggregation: its key values (for the output, as the rows that carried them are
 * gone when a window fires) and its live slices, by end. One keyed-state entry per key rather than per (key, slice)
 * makes a fold or a firing one read and one write per key, however many slices it touches; the entry is plain data,
 * never mutated (new versions share untouched slices).
 */
import { msgpackSerializer, type StateSerializer } from '../../../state/serializers.ts';
import type { AccumulatorStates } from './window-aggregator.ts';

/** One slice of a key: `[sliceEnd, rowCount, accumulators]`; the row count (accumulated minus retracted) is > 0. */
export type Slice = readonly [number, number, AccumulatorStates];

/** `[keyValues, slices]`, slices sorted by end. */
export type KeySlices = readonly [readonly unknown[], readonly Slice[]];

/** Saved as msgpack; bump the version when the layout of {@link KeySlices} or an accumulator's saved form changes. */
export function keySlicesSerializer(stateTag: string): StateSerializer<KeySlices> {
  const inner = msgpackSerializer<KeySlices>();
  return { id: `window-key-slices-msgpack${stateTag}`, version: 1, serialize: inner.serialize, deserialize: inner.deserialize };
}

/** The position of the slice ending at `end` in `slices` (sorted by end), or -1. */
export function findSlice(slices: readonly Slice[], end: number): number {
  let lo = 0;
  let hi = slices.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const e = slices[mid][0];
    if (e === end) return mid;
    if (e < end) lo = mid + 1; else hi = mid - 1;
  }
  return -1;
}

/** The first position in `slices` whose end is greater than `end`. */
export function firstSliceAfter(slices: readonly Slice[], end: number): number {
  let lo = 0;
  let hi = slices.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (slices[mid][0] <= end) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/**
 * `slices` with `updates` (sorted by end, at most one per end) written over them: an update replaces the slice of
 * the same end or is inserted; an update whose row count is not positive removes the slice (nothing to emit).
 */
export function withSlices(slices: readonly Slice[], updates: readonly Slice[]): Slice[] {
  const out: Slice[] = [];
  let i = 0;
  for (const u of updates) {
    while (i < slices.length && slices[i][0] < u[0]) out.push(slices[i++]);
    if (i < slices.length && slices[i][0] === u[0]) i++;
    if (u[1] > 0) out.push(u);
  }
  while (i < slices.length) out.push(slices[i++]);
  return out;
}

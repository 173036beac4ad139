/**
 * Slices of aligned windows, as Flink's SliceAssigners: the time line is cut into non-overlapping slices so that a
 * row is accumulated once, into its slice, and a window is the merge of the slices it covers.
 * - TUMBLE: a slice is a window.
 * - HOP: slices of gcd(size, slide); a window of `size` covers size / gcd slices, a slice is in size / slide windows
 *   (rounded) and is dropped after the last of them fires.
 * - CUMULATE: slices of `step`; window `[start, start + k * step)` covers the first k slices of its cycle. When a
 *   window fires, its merged accumulators replace its last slice (Flink's CumulativeSliceAssigner merges into one
 *   slice the same way), so the next window merges two slices, not k; a row arriving for a slice already merged
 *   that way goes to the slice holding the merge (its "target").
 * All times are epoch milliseconds; slices and windows are `[start, end)` and known by their end.
 */
import type { AlignedWindowSpec } from './window-assigner.ts';
import { windowStart } from './window-assigner.ts';

export interface SliceAssigner {
  readonly kind: AlignedWindowSpec['kind'];
  /** Whether a fired window's merged accumulators replace its last slice (CUMULATE). */
  readonly mergesIntoLastSlice: boolean;
  /** The length of a slice: slice ends are multiples of it apart. */
  readonly sliceLength: number;
  /** The end of the slice containing `t`. */
  sliceEnd(t: number): number;
  /**
   * Where a row of slice `sliceEnd` is accumulated once the windows ending up to `firedUpTo + 1` have fired: the
   * slice itself, the slice holding a merge (CUMULATE), or NaN when every window that contains it has fired (late).
   */
  target(sliceEnd: number, firedUpTo: number): number;
  /** The ends of the windows containing slice `sliceEnd`, ascending. */
  windowEnds(sliceEnd: number): number[];
  /** The ends of the slices window `windowEnd` covers, ascending. */
  slicesOf(windowEnd: number): number[];
  /** The end of the last window containing slice `sliceEnd`: once it has fired, the slice is no longer needed. */
  lastWindowEnd(sliceEnd: number): number;
  windowStart(windowEnd: number): number;
}

/** `x mod m` in [0, m). */
const floorMod = (x: number, m: number): number => ((x % m) + m) % m;

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

/**
 * Whether `spec`'s windows are worth slicing: integral milliseconds; for CUMULATE, a max size that is a multiple of
 * its step; for HOP, slices not much finer than the slide (a window merges size / gcd(size, slide) slices where a
 * row would otherwise be accumulated into ceil(size / slide) windows: HOP(10 s, 10.001 s) would merge 10001 slices
 * per window instead of accumulating each row twice). Flink slices HOP only when the size is a multiple of the slide.
 */
export function sliceable(spec: AlignedWindowSpec): boolean {
  const values = spec.kind === 'tumble' ? [spec.sizeMs, spec.offsetMs]
    : spec.kind === 'hop' ? [spec.sizeMs, spec.slideMs, spec.offsetMs] : [spec.maxSizeMs, spec.stepMs, spec.offsetMs];
  if (!values.every(Number.isSafeInteger)) return false;
  if (spec.kind === 'hop') return spec.sizeMs / gcd(spec.sizeMs, spec.slideMs) <= 4 * Math.ceil(spec.sizeMs / spec.slideMs);
  return spec.kind !== 'cumulate' || spec.maxSizeMs % spec.stepMs === 0;
}

/** The slice assigner of `spec` (see {@link sliceable}). */
export function sliceAssigner(spec: AlignedWindowSpec): SliceAssigner {
  switch (spec.kind) {
    case 'tumble': return tumbleSlices(spec.sizeMs, spec.offsetMs);
    case 'hop': return hopSlices(spec.sizeMs, spec.slideMs, spec.offsetMs);
    case 'cumulate': return cumulateSlices(spec.maxSizeMs, spec.stepMs, spec.offsetMs);
  }
}

function tumbleSlices(size: number, offset: number): SliceAssigner {
  return {
    kind: 'tumble',
    mergesIntoLastSlice: false,
    sliceLength: size,
    sliceEnd: (t) => windowStart(t, offset, size) + size,
    target: (end, firedUpTo) => (end - 1 > firedUpTo ? end : NaN),
    windowEnds: (end) => [end],
    slicesOf: (end) => [end],
    lastWindowEnd: (end) => end,
    windowStart: (end) => end - size,
  };
}

function hopSlices(size: number, slide: number, offset: number): SliceAssigner {
  const slice = gcd(size, slide);
  // Windows start at offset + j * slide, so they end at offset + size + j * slide.
  const endPhase = offset + size;
  const firstWindowEnd = (sliceEnd: number): number => sliceEnd + floorMod(endPhase - sliceEnd, slide);
  const lastWindowEnd = (sliceEnd: number): number => {
    const latest = sliceEnd - slice + size;
    return latest - floorMod(latest - endPhase, slide);
  };
  return {
    kind: 'hop',
    mergesIntoLastSlice: false,
    sliceLength: slice,
    sliceEnd: (t) => windowStart(t, offset, slice) + slice,
    target: (end, firedUpTo) => (lastWindowEnd(end) - 1 > firedUpTo ? end : NaN),
    windowEnds: (end) => {
      const out: number[] = [];
      for (let w = firstWindowEnd(end), last = lastWindowEnd(end); w <= last; w += slide) out.push(w);
      return out;
    },
    slicesOf: (end) => {
      const out: number[] = [];
      for (let s = end - size + slice; s <= end; s += slice) out.push(s);
      return out;
    },
    lastWindowEnd,
    windowStart: (end) => end - size,
  };
}

function cumulateSlices(maxSize: number, step: number, offset: number): SliceAssigner {
  const cycleStart = (sliceEnd: number): number => windowStart(sliceEnd - 1, offset, maxSize);
  return {
    kind: 'cumulate',
    mergesIntoLastSlice: true,
    sliceLength: step,
    sliceEnd: (t) => windowStart(t, offset, step) + step,
    target: (end, firedUpTo) => {
      if (cycleStart(end) + maxSize - 1 <= firedUpTo) return NaN;
      if (end - 1 > firedUpTo) return end;
      // The last fired window of the cycle holds the merge of every slice up to it.
      return windowStart(firedUpTo + 1, offset, step);
    },
    windowEnds: (end) => {
      const out: number[] = [];
      for (let w = end, last = cycleStart(end) + maxSize; w <= last; w += step) out.push(w);
      return out;
    },
    slicesOf: (end) => {
      const out: number[] = [];
      for (let s = cycleStart(end) + step; s <= end; s += step) out.push(s);
      return out;
    },
    lastWindowEnd: (end) => cycleStart(end) + maxSize,
    windowStart: (end) => cycleStart(end),
  };
}

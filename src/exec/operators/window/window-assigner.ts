/**
 * Window assignment, a batch at a time over typed arrays: each row's time in milliseconds, then the (row, window)
 * pairs of TUMBLE, HOP and CUMULATE windows (Flink's TumblingWindowAssigner, SlidingWindowAssigner and
 * CumulativeWindowAssigner). Windows are `[start, end)`; a window's `window_time` is `end - 1`.
 */
import * as arrow from 'apache-arrow';
import { ExecutionError } from '../../../errors/errors.ts';
import { ErrorCodes } from '../../../errors/weir-error.ts';
import type { WindowSpec } from '../../../plan/window-spec.ts';

/** Window specs whose windows do not depend on other rows (everything but SESSION). */
export type AlignedWindowSpec = Exclude<WindowSpec, { kind: 'session' }>;

/**
 * The time of every row in epoch milliseconds (sub-millisecond digits floored), read from a TIMESTAMP or
 * TIMESTAMP_LTZ column. A NULL time is an error, as in Flink: a row without a time cannot be put in any window.
 */
export function rowTimesMs(data: arrow.Data, what: () => string): Float64Array {
  const n = data.length;
  const values = data.values as BigInt64Array;
  const unit = (data.type as arrow.Timestamp).unit;
  const out = new Float64Array(n);
  const perMs = unit === arrow.TimeUnit.MILLISECOND ? 1 : unit === arrow.TimeUnit.MICROSECOND ? 1000 : unit === arrow.TimeUnit.NANOSECOND ? 1_000_000 : 0.001;
  if (perMs === 1) for (let i = 0; i < n; i++) out[i] = Number(values[i]);
  else for (let i = 0; i < n; i++) out[i] = Math.floor(Number(values[i]) / perMs);
  if (data.nullCount > 0) {
    const bits = data.nullBitmap!;
    for (let i = 0; i < n; i++) {
      const j = data.offset + i;
      if ((bits[j >> 3] & (1 << (j & 7))) === 0) {
        throw new ExecutionError(`The time attribute of a window is NULL at row ${i} of a batch (${what()})`, {
          hint: 'Window assignment needs a time for every row: filter out rows with a NULL time column, or COALESCE it.',
        }, ErrorCodes.EXECUTION_FAILED);
      }
    }
  }
  return out;
}

/** The start of the window of `size` (shifted by `offset`) containing `t` (Flink's TimeWindow.getWindowStartWithOffset). */
export function windowStart(t: number, offset: number, size: number): number {
  const remainder = (t - offset) % size;
  return remainder < 0 ? t - (remainder + size) : t - remainder;
}

/** The (row, window) pairs of a batch: pair i puts row `rows[i]` into window `[starts[i], ends[i])`. */
export interface WindowAssignments {
  readonly length: number;
  readonly rows: Int32Array;
  readonly starts: Float64Array;
  readonly ends: Float64Array;
}

/** The largest number of windows one row can belong to. */
export function windowsPerRow(spec: AlignedWindowSpec): number {
  switch (spec.kind) {
    case 'tumble': return 1;
    case 'hop': return Math.ceil(spec.sizeMs / spec.slideMs);
    case 'cumulate': return Math.ceil(spec.maxSizeMs / spec.stepMs);
  }
}

/** Every window of every row (rows with time `times[i]`), rows in order and each row's windows by ascending end. */
export function assignWindows(spec: AlignedWindowSpec, times: Float64Array): WindowAssignments {
  const n = times.length;
  if (spec.kind === 'tumble') {
    const rows = new Int32Array(n);
    const starts = new Float64Array(n);
    const ends = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const s = windowStart(times[i], spec.offsetMs, spec.sizeMs);
      rows[i] = i;
      starts[i] = s;
      ends[i] = s + spec.sizeMs;
    }
    return { length: n, rows, starts, ends };
  }
  const cap = n * windowsPerRow(spec);
  const rows = new Int32Array(cap);
  const starts = new Float64Array(cap);
  const ends = new Float64Array(cap);
  let k = 0;
  if (spec.kind === 'hop') {
    const { sizeMs, slideMs, offsetMs } = spec;
    for (let i = 0; i < n; i++) {
      const t = times[i];
      // Windows start at multiples of the slide; the earliest one still containing t comes first.
      const last = windowStart(t, offsetMs, slideMs);
      let first = last;
      while (first - slideMs > t - sizeMs) first -= slideMs;
      for (let s = first; s <= last; s += slideMs) {
        rows[k] = i; starts[k] = s; ends[k] = s + sizeMs; k++;
      }
    }
  } else {
    const { maxSizeMs, stepMs, offsetMs } = spec;
    for (let i = 0; i < n; i++) {
      const t = times[i];
      const start = windowStart(t, offsetMs, maxSizeMs);
      const lastEnd = start + maxSizeMs;
      for (let end = windowStart(t, offsetMs, stepMs) + stepMs; end <= lastEnd; end += stepMs) {
        rows[k] = i; starts[k] = start; ends[k] = end; k++;
      }
    }
  }
  return { length: k, rows: rows.subarray(0, k), starts: starts.subarray(0, k), ends: ends.subarray(0, k) };
}

/** The start of the aligned window that ends at `end` (windows are identified by their end in state and timers). */
export function startOfWindowEnding(spec: AlignedWindowSpec, end: number): number {
  switch (spec.kind) {
    case 'tumble': return end - spec.sizeMs;
    case 'hop': return end - spec.sizeMs;
    case 'cumulate': return windowStart(end - 1, spec.offsetMs, spec.maxSizeMs);
  }
}

/**
 * A TIMESTAMP(3) / TIMESTAMP_LTZ(3) column (never NULL) of epoch-millisecond values, for window_start, window_end
 * and window_time.
 */
export function timestampColumn(values: ArrayLike<number>, ltz: boolean, length = values.length): arrow.Data {
  const data = new BigInt64Array(length);
  // Written as two 32-bit halves (little-endian, as Arrow): no BigInt per value. Values are integral, |v| < 2^53.
  const words = new Int32Array(data.buffer);
  for (let i = 0; i < length; i++) {
    const v = values[i];
    const high = Math.floor(v / 4294967296);
    words[2 * i] = (v - high * 4294967296) | 0;
    words[2 * i + 1] = high;
  }
  return arrow.makeData({ type: new arrow.Timestamp(arrow.TimeUnit.MILLISECOND, ltz ? 'UTC' : undefined), length, nullCount: 0, data } as never);
}

/**
 * Event-time lateness of (row, window) pairs: a pair is on time while its window has not fired (`end - 1` after
 * the watermark). Returns the on-time flags and the rows that have no on-time pair (late rows, to report), or null
 * when every pair is on time.
 */
export function latePairs(rowOf: Int32Array, ends: Float64Array, numRows: number, watermark: number): { keep: Uint8Array; late: number[] } | null {
  if (watermark === Number.NEGATIVE_INFINITY) return null;
  const keep = new Uint8Array(rowOf.length);
  const taken = new Uint8Array(numRows);
  let skipped = false;
  for (let i = 0; i < rowOf.length; i++) {
    if (ends[i] - 1 > watermark) { keep[i] = 1; taken[rowOf[i]] = 1; } else skipped = true;
  }
  if (!skipped) return null;
  const late: number[] = [];
  for (let r = 0; r < numRows; r++) if (taken[r] === 0) late.push(r);
  return { keep, late };
}

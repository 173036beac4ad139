/**
 * How rows are assigned to event-time (or processing-time) windows, as Flink's window table functions define them.
 * Plain data: shared by the window TVF, window aggregation, window Top-N / deduplication / join and the Table API.
 * All durations are milliseconds; windows are [start, end) and `window_time = end - 1 ms`.
 */
export type WindowSpec =
  /** TUMBLE(size [, offset]): fixed, non-overlapping windows. */
  | { readonly kind: 'tumble'; readonly timeIndex: number; readonly sizeMs: number; readonly offsetMs: number }
  /** HOP(slide, size [, offset]): a row belongs to size/slide overlapping windows. */
  | { readonly kind: 'hop'; readonly timeIndex: number; readonly sizeMs: number; readonly slideMs: number; readonly offsetMs: number }
  /** CUMULATE(step, maxSize [, offset]): windows [start, start + k*step) for k = 1..maxSize/step, sharing a start. */
  | { readonly kind: 'cumulate'; readonly timeIndex: number; readonly maxSizeMs: number; readonly stepMs: number; readonly offsetMs: number }
  /** SESSION(gap) [PARTITION BY keys]: windows that close after `gap` without rows, per partition. */
  | { readonly kind: 'session'; readonly timeIndex: number; readonly gapMs: number; readonly partitionKeys: readonly number[] };

/** Whether windows fire on the watermark (event time) or on the wall clock (processing time). */
export type TimeDomain = 'event' | 'processing';

/** Names of the columns a window table function appends to its input. */
export const WINDOW_START = 'window_start';
export const WINDOW_END = 'window_end';
export const WINDOW_TIME = 'window_time';

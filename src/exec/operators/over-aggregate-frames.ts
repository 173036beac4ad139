/**
 * Frames of OVER aggregation: row times as milliseconds, the time order of a partition's new rows, and the
 * {@link OverWork} of a firing (partitions' rows plus one frame per emitted row).
 */
import type * as arrow from 'apache-arrow';
import { columnFromInternal } from '../../aggregate/internal-values.ts';
import type { OverFrame } from '../../plan/over-frame.ts';
import type { DataType } from '../../types/data-type.ts';
import { withNullable } from '../../types/data-type.ts';
import type { OverWork } from './over-aggregate-evaluator.ts';
import type { InternalRow } from './keyed/row-codec.ts';

/** Raw units of a TIMESTAMP(p) / TIMESTAMP_LTZ(p) column per millisecond (see src/types/arrow-types.ts). */
function unitsPerMs(type: DataType): number {
  const precision = type.kind === 'TIMESTAMP' || type.kind === 'TIMESTAMP_LTZ' ? type.precision : 3;
  return precision <= 3 ? 1 : precision <= 6 ? 1000 : 1_000_000;
}

/** Converts a time attribute's internal value (raw Arrow units, a bigint) to epoch milliseconds; NaN for NULL. */
export function timeReader(type: DataType): (value: unknown) => number {
  const per = unitsPerMs(type);
  if (per === 1) return (v) => (v === null ? NaN : Number(v as bigint));
  return (v) => (v === null ? NaN : Math.floor(Number(v as bigint) / per));
}

/** The time attribute column of a batch as epoch milliseconds, NaN where NULL: one typed-array pass. */
export function readTimes(data: arrow.Data, type: DataType): Float64Array {
  const n = data.length;
  const raw = data.values as BigInt64Array;
  const per = unitsPerMs(type);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = per === 1 ? Number(raw[i]) : Math.floor(Number(raw[i]) / per);
  if (data.nullCount > 0) {
    const bitmap = data.nullBitmap!;
    for (let i = 0; i < n; i++) {
      const j = data.offset + i;
      if ((bitmap[j >> 3] & (1 << (j & 7))) === 0) out[i] = NaN;
    }
  }
  return out;
}

/** Row positions `0..n-1` ordered by time, ties in arrival (position) order. */
export function timeOrder(times: Float64Array): Int32Array {
  const order = new Int32Array(times.length);
  for (let i = 0; i < order.length; i++) order[i] = i;
  return order.sort((a, b) => times[a] - times[b] || a - b);
}

/** A partition's part of a firing, as the operator hands it to {@link OverWorkBuilder.add}. */
export interface PartitionRows {
  /** Rows kept from earlier firings (the last frame), in order, with their times. */
  readonly history: readonly InternalRow[];
  readonly historyTimes: readonly number[];
  /** New rows in time order (event time) or arrival order (processing time), with their times. */
  readonly rows: readonly InternalRow[];
  readonly times: ArrayLike<number>;
}

/**
 * Collects the partitions of one firing and computes every emitted row's frame. `frame` is the effective frame:
 * processing-time windows without a bound use ROWS (Flink's ProcTimeUnboundedPrecedingFunction).
 */
export class OverWorkBuilder {
  private readonly rows: InternalRow[] = [];
  private readonly partitionStart: number[] = [0];
  private readonly historyLength: number[] = [];
  private readonly outputStart: number[] = [0];
  private readonly frameStart: number[] = [];
  private readonly frameEnd: number[] = [];

  constructor(private readonly frame: OverFrame, private readonly inputTypes: readonly DataType[]) {}

  get partitions(): number { return this.historyLength.length; }

  /**
   * Adds a partition; returns how many of its rows (counted from its end) the partition keeps as history: the last
   * frame of a bounded window, nothing for an unbounded one (its accumulators cover every row).
   */
  add(part: PartitionRows): number {
    const base = this.rows.length;
    const h = part.history.length;
    const total = h + part.rows.length;
    for (const r of part.history) this.rows.push(r);
    for (const r of part.rows) this.rows.push(r);
    this.historyLength.push(h);
    this.partitionStart.push(this.rows.length);
    const time = (i: number): number => (i < h ? part.historyTimes[i] : part.times[i - h]);
    let lastStart = 0;
    if (this.frame.unit === 'rows') {
      const n = this.frame.preceding;
      for (let i = h; i < total; i++) {
        lastStart = n === null ? 0 : Math.max(0, i - n);
        this.frameStart.push(base + lastStart);
        this.frameEnd.push(base + i + 1);
      }
    } else {
      const ms = this.frame.precedingMs;
      let start = 0;
      let peersEnd = h;
      for (let i = h; i < total; i++) {
        const t = time(i);
        if (peersEnd <= i) for (peersEnd = i + 1; peersEnd < total && time(peersEnd) === t; peersEnd++);
        if (ms !== null) while (time(start) < t - ms) start++;
        lastStart = start;
        this.frameStart.push(base + start);
        this.frameEnd.push(base + peersEnd);
      }
    }
    this.outputStart.push(this.frameEnd.length);
    const bounded = this.frame.unit === 'rows' ? this.frame.preceding !== null : this.frame.precedingMs !== null;
    return bounded && total > h ? total - lastStart : bounded ? h : 0;
  }

  build(): OverWork {
    const rows = this.rows;
    const types = this.inputTypes;
    return {
      partitions: this.partitions,
      partitionStart: Int32Array.from(this.partitionStart),
      historyLength: Int32Array.from(this.historyLength),
      outputStart: Int32Array.from(this.outputStart),
      frameStart: Int32Array.from(this.frameStart),
      frameEnd: Int32Array.from(this.frameEnd),
      rows,
      column: lazyColumns(rows, types),
    };
  }
}

/** `OverWork.column`: input column `index` of `rows` as Arrow, built on first use (an evaluator reads few of them). */
export function lazyColumns(rows: readonly InternalRow[], types: readonly DataType[]): (index: number) => arrow.Data {
  const columns = new Map<number, arrow.Data>();
  return (index) => {
    let data = columns.get(index);
    if (data === undefined) {
      data = columnFromInternal(withNullable(types[index], true), rows.map((r) => r[index]));
      columns.set(index, data);
    }
    return data;
  };
}

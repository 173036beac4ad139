/**
 * The pure part of OVER aggregation over an updating input (see over-aggregate-changelog.ts): a partition's live rows
 * kept sorted by time, which output rows a change touches, and the frame of each output row. Positions are indexes
 * into the sorted list; ranges are half-open `[from, to)`.
 */
import type { OverFrame } from '../../plan/over-frame.ts';
import type { InternalRow } from './keyed/row-codec.ts';

/** A contiguous range of positions in a partition's sorted rows. */
export interface PositionRange {
  readonly from: number;
  readonly to: number;
}

/**
 * A partition's live rows in (time, tiebreak) order with their times (ms). `tiebreak` orders rows of equal time by
 * content (their encoded bytes), so the order, and hence every ROWS frame, depends only on the rows present, never
 * on arrival order: the output converges to the OVER query over the input table's final content.
 */
export class SortedPartition {
  constructor(
    readonly rows: InternalRow[],
    private readonly timeOf: (row: InternalRow) => number,
    private readonly tiebreak: (a: InternalRow, b: InternalRow) => number,
  ) {}

  get length(): number { return this.rows.length; }

  time(i: number): number { return this.timeOf(this.rows[i]); }

  /** Where `row` sorts: the first position whose row does not sort before it. */
  position(row: InternalRow): number {
    const t = this.timeOf(row);
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.compare(this.rows[mid], t, row) < 0) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  /** The position of a row equal to `row`, or -1 when there is none. */
  find(row: InternalRow): number {
    const p = this.position(row);
    return p < this.rows.length && this.compare(this.rows[p], this.timeOf(row), row) === 0 ? p : -1;
  }

  /** The first position whose time is >= t (`strict`: > t). */
  firstAtOrAfter(t: number, strict = false): number {
    let lo = 0;
    let hi = this.rows.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const m = this.time(mid);
      if (m < t || (strict && m === t)) lo = mid + 1; else hi = mid;
    }
    return lo;
  }

  private compare(a: InternalRow, bTime: number, b: InternalRow): number {
    const ta = this.timeOf(a);
    return ta < bTime ? -1 : ta > bTime ? 1 : this.tiebreak(a, b);
  }
}

/**
 * The output rows of `list` whose frame contains a changed row of time `t`. `at` is the changed row's position: in
 * the list holding it (`holds`), or where it would sort in the list without it. ROWS N: the slot and the N rows
 * after it (the rows after the slot shift by one); RANGE: every row within `[t, t + interval]`, peers included;
 * UNBOUNDED: everything from the slot (ROWS) or time (RANGE) on.
 */
export function affectedRange(frame: OverFrame, list: SortedPartition, at: number, t: number, holds: boolean): PositionRange {
  if (frame.unit === 'rows') {
    const to = frame.preceding === null ? list.length : Math.min(list.length, at + frame.preceding + (holds ? 1 : 0));
    return { from: at, to };
  }
  const from = list.firstAtOrAfter(t);
  const to = frame.precedingMs === null ? list.length : list.firstAtOrAfter(t + frame.precedingMs, true);
  return { from, to };
}

/** The frame of output row `i` of `list` (positions of the rows it aggregates). */
export function frameOf(frame: OverFrame, list: SortedPartition, i: number): PositionRange {
  if (frame.unit === 'rows') return { from: frame.preceding === null ? 0 : Math.max(0, i - frame.preceding), to: i + 1 };
  const t = list.time(i);
  const from = frame.precedingMs === null ? 0 : list.firstAtOrAfter(t - frame.precedingMs);
  return { from, to: list.firstAtOrAfter(t, true) };
}

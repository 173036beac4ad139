import type { InternalRow } from './row-codec.ts';

/** Orders two rows (see rowComparator in row-comparator.ts). */
export type RowOrder = (a: InternalRow, b: InternalRow) => number;

/** First index of `rows` (sorted by `cmp`) whose row sorts after `row`: inserting there keeps equal rows in arrival order. */
export function upperBound(rows: readonly InternalRow[], row: InternalRow, cmp: RowOrder): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(rows[mid], row) <= 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** First index of `rows` (sorted by `cmp`) whose row does not sort before `row`. */
export function lowerBound(rows: readonly InternalRow[], row: InternalRow, cmp: RowOrder): number {
  let lo = 0;
  let hi = rows.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cmp(rows[mid], row) < 0) lo = mid + 1; else hi = mid;
  }
  return lo;
}

import * as arrow from 'apache-arrow';
import { RowKind } from '../../batch/row-kind.ts';
import { internalEquals, type InternalRow } from './keyed/row-codec.ts';

/** Receives the changelog of the visible rank range: a row, its kind and its 1-based rank number. */
export type RankSink = (kind: number, row: InternalRow, rank: number) => void;

/** The visible range of a Top-N: rank numbers `start..end` (1-based, inclusive) and whether they are output. */
export interface RankRange {
  readonly start: number;
  readonly end: number;
  readonly withRankNumber: boolean;
}

/**
 * Emits what the range shows differently after `row` was inserted at position `p` (0-based) of `rows` (already
 * inserted). With rank numbers every position from `p` on shifts by one: as Flink's AppendOnlyTopNFunction /
 * RetractableTopNFunction do, each changed position is `-U old, +U new` (keyed by rank), a newly filled one `+I`.
 * Without rank numbers only membership matters: the row pushed out (if any) is `-D`, then the row entering `+I`.
 */
export function emitInsert(rows: readonly InternalRow[], p: number, range: RankRange, sink: RankSink): void {
  if (p >= range.end) return;
  // Before the insert, position q held rows[q] for q < p and rows[q + 1] for q >= p.
  const before = (q: number): InternalRow | undefined => (q < p ? rows[q] : rows[q + 1]);
  if (range.withRankNumber) {
    for (let q = Math.max(p, range.start - 1); q < range.end && q < rows.length; q++) positionChanged(before(q), rows[q], q + 1, sink);
    return;
  }
  const leaving = rows.length > range.end ? rows[range.end] : undefined;
  const entering = rows[Math.max(p, range.start - 1)];
  membershipChanged(leaving, entering, sink);
}

/**
 * Emits what the range shows differently after `removed` was taken out of position `p` of `rows` (already removed):
 * the mirror of {@link emitInsert} (positions from `p` on move up one; the row after the range moves into it).
 */
export function emitRemove(rows: readonly InternalRow[], removed: InternalRow, p: number, range: RankRange, sink: RankSink): void {
  if (p >= range.end) return;
  const before = (q: number): InternalRow | undefined => (q < p ? rows[q] : q === p ? removed : rows[q - 1]);
  if (range.withRankNumber) {
    const oldLength = rows.length + 1;
    for (let q = Math.max(p, range.start - 1); q < range.end && q < oldLength; q++) positionChanged(before(q), rows[q], q + 1, sink);
    return;
  }
  const leaving = before(Math.max(p, range.start - 1));
  const entering = rows.length >= range.end ? rows[range.end - 1] : undefined;
  membershipChanged(leaving, entering, sink);
}

function positionChanged(before: InternalRow | undefined, after: InternalRow | undefined, rank: number, sink: RankSink): void {
  if (before && after) {
    // Equal rows (duplicates moving past each other) change nothing visible.
    if (internalEquals(before, after)) return;
    sink(RowKind.UPDATE_BEFORE, before, rank);
    sink(RowKind.UPDATE_AFTER, after, rank);
  } else if (after) {
    sink(RowKind.INSERT, after, rank);
  } else if (before) {
    sink(RowKind.DELETE, before, rank);
  }
}

function membershipChanged(leaving: InternalRow | undefined, entering: InternalRow | undefined, sink: RankSink): void {
  if (leaving && entering && internalEquals(leaving, entering)) return;
  if (leaving) sink(RowKind.DELETE, leaving, 0);
  if (entering) sink(RowKind.INSERT, entering, 0);
}

/** The BIGINT row-number column. */
export function rankColumn(ranks: readonly number[]): arrow.Data {
  return arrow.makeData({ type: new arrow.Int64(), length: ranks.length, nullCount: 0, data: BigInt64Array.from(ranks, BigInt) });
}

import type { ChangeBatch } from '../../batch/change-batch.ts';
import { ROW_KIND_SHORT, RowKind } from '../../batch/row-kind.ts';
import { ExecutionError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { WindowBoundColumns } from '../../plan/physical/physical-node.ts';
import { hashRows } from '../../state/row-hash.ts';
import type { DataType } from '../../types/data-type.ts';
import { encodeKeyBuffer } from './keyed/key-encoding.ts';
import { timestampMillis } from './keyed/time-column.ts';
import { groupByKeyAndWindow } from './window/window-groups.ts';

/**
 * The rows of one batch that belong to one window of one key, with that (key, window)'s state key. Windowed Top-N,
 * deduplication and joins keep their state per (key, window) under a key of their own: a flag byte, the encoded key
 * columns, then window start and end (float64 little-endian); the hash is the key columns' exchange hash, so the
 * state and its timers land in the key group the hash exchange sent the row to.
 */
export interface WindowGroup {
  readonly stateKey: Uint8Array;
  readonly hash: number;
  readonly windowEnd: number;
  /** Batch row indexes, in arrival order. */
  readonly rows: Int32Array;
}

/** A batch split by (key, window): the groups in first-seen order and the late rows. */
export interface WindowedBatch {
  readonly groups: WindowGroup[];
  /** Rows whose window has fired already (`window_end - 1 <= watermark`): for `reportLateRows`. */
  readonly late: number[];
}

/** How rows whose key has a NULL column are grouped. */
export type NullKeys =
  /** With the other rows (PARTITION BY groups NULLs together). */
  | 'group'
  /** Under their own flagged state key, never matching a non-flagged one (SQL `=` on a join key). */
  | 'flag';

/**
 * Groups the rows of `batch` by key columns `keys` and window (`window.start` / `window.end` TIMESTAMP columns of
 * `types`) with the window aggregation's typed-array grouping (one key's windows are told apart by their end: TUMBLE,
 * HOP and CUMULATE windows are known by it, and one key's sessions do not overlap), dropping rows whose window
 * already fired at `watermark` into `late`.
 */
export function groupByWindow(batch: ChangeBatch, keys: readonly number[], window: WindowBoundColumns, types: readonly DataType[], watermark: number, nullKeys: NullKeys = 'group'): WindowedBatch {
  const n = batch.numRows;
  const starts = timestampMillis(batch.data.data.children[window.start], types[window.start]);
  const ends = timestampMillis(batch.data.data.children[window.end], types[window.end]);
  const { buffer, offsets, hasNull } = encodeKeyBuffer(batch.data, keys);
  const hashes = hashRows(batch.data, keys);
  const keep = new Uint8Array(n);
  const late: number[] = [];
  for (let i = 0; i < n; i++) {
    // A window fires when the watermark reaches its last millisecond, end - 1 (Flink's window.maxTimestamp()).
    if (ends[i] - 1 > watermark) keep[i] = 1; else late.push(i);
  }
  const rowOf = Int32Array.from({ length: n }, (_, i) => i);
  const grouped = groupByKeyAndWindow({ bytes: buffer, offsets }, hashes, rowOf, ends, keep);
  const groups: WindowGroup[] = new Array(grouped.count);
  for (let g = 0; g < grouped.count; g++) {
    const i = grouped.first[g];
    const flag = nullKeys === 'flag' && hasNull?.[i] ? 1 : 0;
    groups[g] = {
      stateKey: windowStateKey(buffer.subarray(offsets[i], offsets[i + 1]), flag, starts[i], ends[i]),
      hash: hashes[i], windowEnd: ends[i], rows: grouped.members.subarray(grouped.start[g], grouped.start[g + 1]),
    };
  }
  return { groups, late };
}

/** The state key of (key bytes, window): see {@link WindowGroup}. A fresh buffer (it outlives the batch in timers). */
export function windowStateKey(key: Uint8Array, flag: number, start: number, end: number): Uint8Array {
  const out = new Uint8Array(1 + key.length + 16);
  out[0] = flag;
  out.set(key, 1);
  const view = new DataView(out.buffer);
  view.setFloat64(1 + key.length, start, true);
  view.setFloat64(9 + key.length, end, true);
  return out;
}

/** The flag byte of a state key made by {@link windowStateKey}: 1 when a join key column was NULL. */
export function stateKeyFlag(stateKey: Uint8Array): number {
  return stateKey[0];
}

/**
 * Windowed operators take insert-only input (the planner refuses updating inputs); a retraction reaching one would
 * otherwise be counted as a row, so it fails loudly instead.
 */
export function checkInsertOnly(batch: ChangeBatch, operator: string): void {
  const kinds = batch.kinds;
  if (!kinds) return;
  for (let i = 0; i < kinds.length; i++) {
    if (kinds[i] !== RowKind.INSERT) {
      throw new ExecutionError(`${operator} received a ${ROW_KIND_SHORT[kinds[i]]} row; it only takes insert-only (append) input`, {
        hint: 'This is a planning bug: window Top-N, window joins and interval joins must not be planned over updating inputs.',
      }, ErrorCodes.INTERNAL);
    }
  }
}

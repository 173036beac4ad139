import type { KeyedStateBackend, MapState } from '../../state/keyed-state.ts';
import type { StateSerializer } from '../../state/serializers.ts';
import { internalRowSerializer, type InternalRow } from './keyed/row-codec.ts';

/**
 * How often a row is in a join side (its multiplicity) and, on an outer side, how many rows of the other side it
 * currently joins with (Flink's OuterJoinRecordStateView "numOfAssociations"; always 0 on an inner side).
 */
export interface RowCounts {
  readonly count: number;
  readonly associations: number;
}

/**
 * [count u32, associations u32], little-endian: the per-row value of a join side. Written byte by byte: a DataView per
 * value cost more than the rest of the encoding when a checkpoint writes every new row of an append-heavy join.
 */
const countsSerializer: StateSerializer<RowCounts> = {
  id: 'weir-join-counts',
  version: 1,
  serialize: (v) => {
    const out = new Uint8Array(8);
    writeU32(out, 0, v.count);
    writeU32(out, 4, v.associations);
    return out;
  },
  deserialize: (b) => ({ count: readU32(b, 0), associations: readU32(b, 4) }),
};

function writeU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

function readU32(b: Uint8Array, at: number): number {
  return (b[at] | (b[at + 1] << 8) | (b[at + 2] << 16) | (b[at + 3] << 24)) >>> 0;
}

/** A row of the other side found for a join key, with its counts as they are while a batch is processed. */
export interface StoredRow {
  readonly row: InternalRow;
  count: number;
  associations: number;
}

/**
 * One side of a regular join in keyed state: per join key (the current key), a map row → counts. This is Flink's
 * `JoinRecordStateViews.InputSideHasNoUniqueKey` / `OuterJoinRecordStateViews.InputSideHasNoUniqueKey` (Weir has no
 * unique-key information yet, so rows are always stored with a multiplicity). Call with the current key set.
 */
export class JoinSideState {
  private readonly map: MapState<InternalRow, RowCounts>;

  constructor(backend: KeyedStateBackend, name: string) {
    this.map = backend.declareMapState(name, internalRowSerializer(), countsSerializer);
  }

  /** The current key's rows, with their counts (fresh objects: mutate them, then write back with {@link setAssociations}). */
  rows(): StoredRow[] {
    return this.map.entries().map(([row, c]) => ({ row, count: c.count, associations: c.associations }));
  }

  /** Adds one occurrence of `row`; `associations` is its current number of matches (outer sides). */
  add(row: InternalRow, associations: number): void {
    const old = this.map.get(row);
    this.map.put(row, { count: (old?.count ?? 0) + 1, associations });
  }

  /** Removes one occurrence of `row`; a row that is not there is ignored (state expired by TTL, as Flink does). */
  retract(row: InternalRow): void {
    const old = this.map.get(row);
    if (!old) return;
    if (old.count <= 1) this.map.remove(row);
    else this.map.put(row, { count: old.count - 1, associations: old.associations });
  }

  /** Writes a stored row's new number of matches. */
  setAssociations(stored: StoredRow): void {
    this.map.put(stored.row, { count: stored.count, associations: stored.associations });
  }
}

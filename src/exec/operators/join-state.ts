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

/** [count u32, associations u32], little-endian: the per-row value of a join side. */
const countsSerializer: StateSerializer<RowCounts> = {
  id: 'weir-join-counts',
  version: 1,
  serialize: (v) => {
    const out = new Uint8Array(8);
    const view = new DataView(out.buffer);
    view.setUint32(0, v.count, true);
    view.setUint32(4, v.associations, true);
    return out;
  },
  deserialize: (b) => {
    const view = new DataView(b.buffer, b.byteOffset, 8);
    return { count: view.getUint32(0, true), associations: view.getUint32(4, true) };
  },
};

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

import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../../batch/change-batch.ts';
import { argReader, columnFromInternal, type ArgReader } from '../../../aggregate/internal-values.ts';
import type { WindowAggregateNode } from '../../../plan/physical/physical-node.ts';
import type { DataType } from '../../../types/data-type.ts';
import { Schema } from '../../../types/schema.ts';
import { timestampColumn } from './window-assigner.ts';

/** The fired groups of one firing, column by column. */
export interface FiredWindows {
  /** Group key values (internal values) per fired group. */
  readonly keys: readonly (readonly unknown[])[];
  readonly starts: ArrayLike<number>;
  readonly ends: ArrayLike<number>;
  /** One column per aggregate call, a row per fired group. */
  readonly results: readonly arrow.Data[];
}

/**
 * The output side of window aggregation: reads group key values from input rows (kept in state until the window
 * fires) and builds the one append-only batch of a firing: group keys, window_start, window_end, window_time,
 * aggregates.
 */
export class WindowAggregateOutput {
  private readonly schema: arrow.Schema;
  private readonly keyTypes: readonly DataType[];
  private readonly ltzTime: boolean;

  constructor(private readonly node: WindowAggregateNode) {
    this.schema = Schema.fromJSON([...node.outputSchema]).toArrow();
    this.keyTypes = node.groupKeys.map((k) => node.inputSchema[k].type);
    this.ltzTime = node.outputSchema[node.groupKeys.length + 2].type.kind === 'TIMESTAMP_LTZ';
  }

  /** Readers of the group key columns of an input batch. */
  keyReaders(batch: ChangeBatch): ArgReader[] {
    return this.node.groupKeys.map((k, i) => argReader(batch.data.getChildAt(k)!.data[0], this.keyTypes[i]));
  }

  build(fired: FiredWindows): ChangeBatch {
    const n = fired.keys.length;
    const keys = this.keyTypes.map((t, i) => columnFromInternal(t, fired.keys.map((k) => k[i])));
    const times = new Float64Array(n);
    for (let i = 0; i < n; i++) times[i] = fired.ends[i] - 1;
    const columns = [
      ...keys,
      timestampColumn(fired.starts, false, n),
      timestampColumn(fired.ends, false, n),
      timestampColumn(times, this.ltzTime, n),
      ...fired.results,
    ];
    return ChangeBatch.fromColumns(this.schema, columns, n);
  }
}

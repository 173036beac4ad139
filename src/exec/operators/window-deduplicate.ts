import { ChangeBatch } from '../../batch/change-batch.ts';
import type { WindowRankNode } from '../../plan/physical/physical-node.ts';
import { columnsFromRows, internalRowSerializer, type InternalRow, type RowReader } from './keyed/row-codec.ts';
import { sortKeyComparator, type KeyComparator } from './keyed/row-comparator.ts';
import { EMIT_CHUNK_ROWS, WindowRowsOperator, type WindowFold } from './window-rows-operator.ts';

/**
 * Window deduplication, Flink's WindowDeduplicate: per (partition key, window) one row, the first by the time
 * attribute (`keep` 'first': a later row replaces it only when strictly earlier) or the last (`keep` 'last': a row
 * replaces it when not earlier, so ties go to the later arrival). Emitted once, +I, when the window fires; rows of a
 * fired window are reported late. Only the kept row is read from a batch and written to state.
 */
export class WindowDeduplicateOperator extends WindowRowsOperator<InternalRow> {
  private readonly compare: KeyComparator;
  private readonly orderIndex: number;
  private readonly keepLast: boolean;

  constructor(node: WindowRankNode) {
    super(node, 'window-dedup-row', internalRowSerializer());
    const [key] = node.orderKeys;
    // Ascending: NULLs never win over a time (a NULL rowtime cannot be a window's row anyway).
    this.compare = sortKeyComparator({ index: key.index, ascending: true, nullsFirst: false }, this.inputTypes[key.index]);
    this.orderIndex = key.index;
    this.keepLast = node.keep === 'last';
  }

  protected foldRows(reader: RowReader): WindowFold<InternalRow> {
    const order = reader.column(this.orderIndex);
    return (rows, stored) => {
      let best = -1;
      let bestValue = stored?.[this.orderIndex];
      for (const i of rows) {
        const wins = best < 0 && !stored ? true : this.keepLast ? this.compare(order(i), bestValue) >= 0 : this.compare(order(i), bestValue) < 0;
        if (wins) { best = i; bestValue = order(i); }
      }
      return best >= 0 ? reader.read(best) : null;
    };
  }

  async processWatermark(watermark: number): Promise<void> {
    const kept = this.takeFired(watermark);
    for (let p = 0; p < kept.length; p += EMIT_CHUNK_ROWS) {
      const rows = kept.slice(p, p + EMIT_CHUNK_ROWS);
      await this.ctx.output.emit(ChangeBatch.fromColumns(this.outputSchema, columnsFromRows(this.inputTypes, rows), rows.length));
    }
  }
}

import { ChangeBatch } from '../../batch/change-batch.ts';
import type { WindowRankNode } from '../../plan/physical/physical-node.ts';
import type { StreamOperator } from '../operator.ts';
import { columnsFromRows, internalRowsSerializer, type InternalRow, type RowReader } from './keyed/row-codec.ts';
import { rowComparator } from './keyed/row-comparator.ts';
import { upperBound, type RowOrder } from './keyed/sorted-rows.ts';
import { rankColumn } from './rank-changes.ts';
import { WindowDeduplicateOperator } from './window-deduplicate.ts';
import { EMIT_CHUNK_ROWS, WindowRowsOperator, type WindowFold } from './window-rows-operator.ts';

/** The operator of a window-rank node: deduplication when the planner chose it (`keep`), the window Top-N otherwise. */
export function createWindowRankOperator(node: WindowRankNode): StreamOperator {
  return node.keep ? new WindowDeduplicateOperator(node) : new WindowRankOperator(node);
}

/**
 * Window Top-N, Flink's WindowRankOperator: per (partition key, window) the best `rankEnd` rows so far, sorted by the
 * order keys (equal keys in arrival order); when the watermark passes the window's last millisecond its rows
 * `rankStart..rankEnd` are emitted once (+I, append-only) and its state and timer are gone. Rows of a window that
 * has already fired are reported late. Input is insert-only (a window TVF or window aggregation).
 */
export class WindowRankOperator extends WindowRowsOperator<InternalRow[]> {
  private readonly compare: RowOrder;

  constructor(node: WindowRankNode) {
    super(node, 'window-rank-rows', internalRowsSerializer());
    this.compare = rowComparator(node.orderKeys, this.inputTypes);
  }

  protected foldRows(reader: RowReader): WindowFold<InternalRow[]> {
    const orderColumns = this.node.orderKeys.map((k) => ({ index: k.index, read: reader.column(k.index) }));
    const limit = this.node.rankEnd;
    const probe: InternalRow = [];
    return (groupRows, stored) => {
      let rows: InternalRow[] | null = null;
      const before = stored ?? [];
      for (const i of groupRows) {
        const current = rows ?? before;
        // Only the order keys are read to see whether a row can enter a full buffer (ties go to earlier rows).
        for (const c of orderColumns) probe[c.index] = c.read(i);
        if (current.length >= limit && this.compare(current[current.length - 1], probe) <= 0) continue;
        // Copy once per group: the heap backend hands out its stored array, which snapshots may share.
        rows ??= [...before];
        const row = reader.read(i);
        rows.splice(upperBound(rows, row, this.compare), 0, row);
        if (rows.length > limit) rows.length = limit;
      }
      return rows;
    };
  }

  async processWatermark(watermark: number): Promise<void> {
    let rows: InternalRow[] = [];
    let ranks: number[] = [];
    for (const kept of this.takeFired(watermark)) {
      for (let r = this.node.rankStart - 1; r < kept.length; r++) { rows.push(kept[r]); ranks.push(r + 1); }
      if (rows.length >= EMIT_CHUNK_ROWS) { await this.emit(rows, ranks); rows = []; ranks = []; }
    }
    if (rows.length > 0) await this.emit(rows, ranks);
  }

  private async emit(rows: InternalRow[], ranks: number[]): Promise<void> {
    const columns = columnsFromRows(this.inputTypes, rows);
    if (this.node.outputRankNumber) columns.push(rankColumn(ranks));
    await this.ctx.output.emit(ChangeBatch.fromColumns(this.outputSchema, columns, rows.length));
  }
}

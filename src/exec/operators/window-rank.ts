import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import type { WindowRankNode } from '../../plan/physical/physical-node.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { InternalTimerService } from '../../time/timer-service.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { columnsFromRows, internalRowsSerializer, RowReader, type InternalRow } from './keyed/row-codec.ts';
import { rowComparator } from './keyed/row-comparator.ts';
import { upperBound, type RowOrder } from './keyed/sorted-rows.ts';
import { rankColumn } from './rank-changes.ts';
import { WindowDeduplicateOperator } from './window-deduplicate.ts';
import { checkInsertOnly, groupByWindow } from './windowed-groups.ts';

/** Rows per emitted batch when a watermark fires many windows at once. */
const EMIT_CHUNK_ROWS = 8192;

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
export class WindowRankOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<InternalRow[]>;
  private timers!: InternalTimerService;
  private readonly compare: RowOrder;
  private readonly inputTypes: DataType[];
  private readonly outputSchema: arrow.Schema;

  constructor(private readonly node: WindowRankNode) {
    this.inputTypes = node.inputSchema.map((c) => c.type);
    this.compare = rowComparator(node.orderKeys, this.inputTypes);
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.state = ctx.keyedState().declareValueState('window-rank-rows', internalRowsSerializer());
    this.timers = ctx.timerService();
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    if (batch.numRows === 0) return;
    checkInsertOnly(batch, this.ctx.operatorName);
    const { groups, late } = groupByWindow(batch, this.node.partitionKeys, this.node.window, this.inputTypes, this.timers.currentWatermark);
    const reader = new RowReader(batch.data, this.inputTypes);
    const orderColumns = this.node.orderKeys.map((k) => ({ index: k.index, read: reader.column(k.index) }));
    const limit = this.node.rankEnd;
    const keys = groups.map((g) => g.stateKey);
    const hashes = Uint32Array.from(groups, (g) => g.hash);
    const stored = this.state.getMany(keys, hashes);
    const changed: number[] = [];
    const updates: InternalRow[][] = [];
    const probe: InternalRow = [];
    groups.forEach((g, j) => {
      let rows: InternalRow[] | null = null;
      const before = stored[j] ?? [];
      for (const i of g.rows) {
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
      if (rows) { changed.push(j); updates.push(rows); }
      if (!stored[j]) this.timers.registerEventTimeTimer(g.stateKey, g.hash, 0, g.windowEnd - 1);
    });
    this.state.putMany(changed.map((j) => keys[j]), changed.map((j) => hashes[j]), updates);
    if (late.length > 0) await this.ctx.reportLateRows(batch, late);
  }

  async processWatermark(watermark: number): Promise<void> {
    const fired = this.timers.advanceWatermark(watermark);
    if (fired.length === 0) return;
    const keys = fired.map((t) => t.key);
    const hashes = Uint32Array.from(fired, (t) => t.hash);
    const windows = this.state.getMany(keys, hashes);
    this.state.putMany(keys, hashes, keys.map(() => undefined));
    let rows: InternalRow[] = [];
    let ranks: number[] = [];
    for (const kept of windows) {
      if (!kept) continue;
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

  async close(): Promise<void> {}
}

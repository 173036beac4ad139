import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import type { WindowRankNode } from '../../plan/physical/physical-node.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { InternalTimerService } from '../../time/timer-service.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { columnsFromRows, internalRowSerializer, RowReader, type InternalRow } from './keyed/row-codec.ts';
import { sortKeyComparator, type KeyComparator } from './keyed/row-comparator.ts';
import { checkInsertOnly, groupByWindow } from './windowed-groups.ts';

/** Rows per emitted batch when a watermark fires many windows at once. */
const EMIT_CHUNK_ROWS = 8192;

/**
 * Window deduplication, Flink's WindowDeduplicate: per (partition key, window) one row, the first by the time
 * attribute (`keep` 'first': a later row replaces it only when strictly earlier) or the last (`keep` 'last': a row
 * replaces it when not earlier, so ties go to the later arrival). Emitted once, +I, when the window fires; rows of a
 * fired window are reported late. Only the kept row is read from a batch and written to state.
 */
export class WindowDeduplicateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<InternalRow>;
  private timers!: InternalTimerService;
  private readonly compare: KeyComparator;
  private readonly orderIndex: number;
  private readonly keepLast: boolean;
  private readonly inputTypes: DataType[];
  private readonly outputSchema: arrow.Schema;

  constructor(private readonly node: WindowRankNode) {
    const [key] = node.orderKeys;
    this.inputTypes = node.inputSchema.map((c) => c.type);
    // Ascending: NULLs never win over a time (a NULL rowtime cannot be a window's row anyway).
    this.compare = sortKeyComparator({ index: key.index, ascending: true, nullsFirst: false }, this.inputTypes[key.index]);
    this.orderIndex = key.index;
    this.keepLast = node.keep === 'last';
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.state = ctx.keyedState().declareValueState('window-dedup-row', internalRowSerializer());
    this.timers = ctx.timerService();
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    if (batch.numRows === 0) return;
    checkInsertOnly(batch, this.ctx.operatorName);
    const { groups, late } = groupByWindow(batch, this.node.partitionKeys, this.node.window, this.inputTypes, this.timers.currentWatermark);
    const reader = new RowReader(batch.data, this.inputTypes);
    const order = reader.column(this.orderIndex);
    const keys = groups.map((g) => g.stateKey);
    const hashes = Uint32Array.from(groups, (g) => g.hash);
    const stored = this.state.getMany(keys, hashes);
    const changed: number[] = [];
    const bestRows: InternalRow[] = [];
    groups.forEach((g, j) => {
      let best = -1;
      let bestValue = stored[j]?.[this.orderIndex];
      for (const i of g.rows) {
        const wins = best < 0 && !stored[j] ? true : this.keepLast ? this.compare(order(i), bestValue) >= 0 : this.compare(order(i), bestValue) < 0;
        if (wins) { best = i; bestValue = order(i); }
      }
      if (best >= 0) { changed.push(j); bestRows.push(reader.read(best)); }
      if (!stored[j]) this.timers.registerEventTimeTimer(g.stateKey, g.hash, 0, g.windowEnd - 1);
    });
    this.state.putMany(changed.map((j) => keys[j]), changed.map((j) => hashes[j]), bestRows);
    if (late.length > 0) await this.ctx.reportLateRows(batch, late);
  }

  async processWatermark(watermark: number): Promise<void> {
    const fired = this.timers.advanceWatermark(watermark);
    if (fired.length === 0) return;
    const keys = fired.map((t) => t.key);
    const hashes = Uint32Array.from(fired, (t) => t.hash);
    const kept = this.state.getMany(keys, hashes).filter((r): r is InternalRow => r !== undefined);
    this.state.putMany(keys, hashes, keys.map(() => undefined));
    for (let p = 0; p < kept.length; p += EMIT_CHUNK_ROWS) {
      const rows = kept.slice(p, p + EMIT_CHUNK_ROWS);
      await this.ctx.output.emit(ChangeBatch.fromColumns(this.outputSchema, columnsFromRows(this.inputTypes, rows), rows.length));
    }
  }

  async close(): Promise<void> {}
}

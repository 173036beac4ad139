import type * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { WindowTableFunctionNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { takeRows } from '../partition/take-rows.ts';
import { assignWindows, latePairs, rowTimesMs, timestampColumn, type AlignedWindowSpec } from './window/window-assigner.ts';

/**
 * A window table function on its own (Flink's WindowTableFunction over TUMBLE, HOP and CUMULATE): appends
 * window_start, window_end and window_time to every row, a batch at a time; a HOP or CUMULATE row is repeated once
 * per window (gathered columnar). With event time a row's window that has already fired (`window_end - 1` at or
 * before the watermark) is skipped, as Flink's operator drops late windows, and a row with no window left is
 * reported through `reportLateRows`. Processing time uses the clock at arrival as every row's time.
 */
export class WindowTableFunctionOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private watermark = Number.NEGATIVE_INFINITY;
  private readonly schema: arrow.Schema;
  private readonly spec: AlignedWindowSpec;
  private readonly ltzTime: boolean;

  constructor(private readonly node: WindowTableFunctionNode) {
    if (node.window.kind === 'session') {
      throw new Error('internal: a SESSION window table function is planned into a window aggregation, never alone');
    }
    this.spec = node.window;
    this.schema = Schema.fromJSON([...node.outputSchema]).toArrow();
    this.ltzTime = node.outputSchema[node.outputSchema.length - 1].type.kind === 'TIMESTAMP_LTZ';
  }

  async open(ctx: OperatorContext): Promise<void> { this.ctx = ctx; }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    const eventTime = this.node.timeDomain === 'event';
    const times = eventTime
      ? rowTimesMs(batch.data.getChildAt(this.spec.timeIndex)!.data[0], () => this.ctx.operatorName)
      : new Float64Array(n).fill(this.ctx.processingTime.now());
    const pairs = assignWindows(this.spec, times);
    let { rows, starts, ends } = pairs;
    if (eventTime) {
      const kept = latePairs(pairs.rows, pairs.ends, n, this.watermark);
      if (kept !== null) {
        if (kept.late.length > 0) await this.ctx.reportLateRows(batch, kept.late);
        rows = rows.filter((_, i) => kept.keep[i] === 1);
        starts = starts.filter((_, i) => kept.keep[i] === 1);
        ends = ends.filter((_, i) => kept.keep[i] === 1);
      }
    }
    const m = rows.length;
    if (m === 0) return;
    const input = isIdentity(rows, n) ? batch : takeRows(batch, new Uint32Array(rows.buffer, rows.byteOffset, m));
    const times3 = new Float64Array(m);
    for (let i = 0; i < m; i++) times3[i] = ends[i] - 1;
    const columns = [
      ...input.data.data.children,
      timestampColumn(starts, false),
      timestampColumn(ends, false),
      timestampColumn(times3, this.ltzTime),
    ];
    await this.ctx.output.emit(input.withColumns(this.schema, columns));
  }

  async processWatermark(timestamp: number): Promise<void> {
    this.watermark = Math.max(this.watermark, timestamp);
  }

  async close(): Promise<void> {}
}

function isIdentity(rows: Int32Array, n: number): boolean {
  if (rows.length !== n) return false;
  for (let i = 0; i < n; i++) if (rows[i] !== i) return false;
  return true;
}

import type * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { TimeOptions } from '../../config/time-options.ts';
import type { WatermarkAssignerNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { Cancel } from '../../time/processing-time.ts';
import { DEFAULT_SPLIT, SplitWatermarks } from '../../time/split-watermarks.ts';
import { compileWatermarkMax } from '../../time/watermark-expression.ts';
import { MAX_WATERMARK } from '../stream-message.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';

/**
 * Generates watermarks from the rows of a source (Flink's WatermarkAssigner with a periodic generator): evaluates the
 * table's WATERMARK expression over each batch, keeps the largest value per source split, and every
 * `pipeline.auto-watermark-interval` emits the minimum over the active splits if it advanced (0: after every batch).
 * Splits without rows for `table.exec.source.idle-timeout` stop counting; when all are idle (or the reader says it
 * is) the task's output is marked idle until rows arrive again. At end of input it emits the final MAX watermark.
 * Rows pass through unchanged.
 */
export class WatermarkAssignerOperator implements StreamOperator {
  readonly generatesWatermarks = true;
  private ctx!: OperatorContext;
  /** The largest watermark-expression value of a batch, in milliseconds. */
  private readonly batchMax: (batch: arrow.RecordBatch) => number;
  private readonly splits = new SplitWatermarks();
  private interval = 0;
  private idleTimeout = 0;
  private emitted = -Infinity;
  private outputIdle = false;
  private cancelTick: Cancel | null = null;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(node: WatermarkAssignerNode) {
    this.batchMax = compileWatermarkMax(node.watermark, Schema.fromJSON([...node.inputSchema]));
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.interval = ctx.config.get(TimeOptions.AUTO_WATERMARK_INTERVAL);
    this.idleTimeout = ctx.config.get(TimeOptions.SOURCE_IDLE_TIMEOUT);
    const signals = ctx.sourceSignals;
    if (signals) {
      this.unsubscribe.push(signals.onSplitFinished((split) => this.splits.finish(split)));
      this.unsubscribe.push(signals.onIdle((idle) => this.onSourceIdle(idle)));
    }
    this.scheduleTick(ctx.processingTime.now());
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    if (batch.numRows === 0) return;
    const split = this.ctx.sourceSignals?.currentSplit ?? DEFAULT_SPLIT;
    this.splits.observe(split, this.batchMax(batch.data), this.ctx.processingTime.now());
    if (this.outputIdle) this.setIdle(false);
    await this.ctx.output.emit(batch);
    if (this.interval <= 0) await this.emitIfAdvanced();
  }

  /** Upstream watermarks stop here (the declared watermark replaces them), except the final one at end of input. */
  async processWatermark(timestamp: number): Promise<void> {
    if (timestamp < MAX_WATERMARK) return;
    this.stopTicking();
    await this.emit(MAX_WATERMARK);
  }

  async endInput(): Promise<void> { this.stopTicking(); }

  async close(): Promise<void> {
    this.stopTicking();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  private scheduleTick(now: number): void {
    const period = periodOf(this.interval, this.idleTimeout);
    if (period <= 0) return;
    this.cancelTick = this.ctx.processingTime.schedule(now + period, (t) => this.tick(t));
  }

  private stopTicking(): void {
    this.cancelTick?.();
    this.cancelTick = null;
  }

  /** The periodic work: idleness, then the watermark, then the next tick. */
  private async tick(now: number): Promise<void> {
    this.cancelTick = null;
    this.splits.updateIdleness(now, this.idleTimeout);
    await this.emitIfAdvanced();
    if (!this.outputIdle && this.splits.allIdle) this.setIdle(true);
    this.scheduleTick(now);
  }

  /** The reader says it has nothing to read: idle until its next rows (its `idle: false` alone changes nothing). */
  private async onSourceIdle(idle: boolean): Promise<void> {
    if (idle && !this.outputIdle) {
      // Rows read before the reader went idle still advance the watermark before the output goes quiet.
      await this.emitIfAdvanced();
      this.setIdle(true);
    }
  }

  private async emitIfAdvanced(): Promise<void> {
    const w = this.splits.current;
    if (w > this.emitted) await this.emit(w);
  }

  private async emit(watermark: number): Promise<void> {
    if (watermark <= this.emitted) return;
    this.emitted = watermark;
    // A watermark makes the downstream channel active again.
    this.outputIdle = false;
    this.ctx.metrics.gauge('currentWatermark').set(watermark);
    await this.ctx.emitWatermark(watermark);
  }

  private setIdle(idle: boolean): void {
    if (idle === this.outputIdle) return;
    this.outputIdle = idle;
    this.ctx.markIdle(idle);
  }
}

/** How often the assigner wakes up: the emission interval, or the idle timeout when that is shorter (or alone). */
function periodOf(interval: number, idleTimeout: number): number {
  const periods = [interval, idleTimeout].filter((p) => p > 0);
  return periods.length ? Math.min(...periods) : 0;
}

import type * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { WindowRankNode } from '../../plan/physical/physical-node.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import type { StateSerializer } from '../../state/serializers.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { InternalTimerService } from '../../time/timer-service.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { RowReader } from './keyed/row-codec.ts';
import { checkInsertOnly, groupByWindow } from './windowed-groups.ts';

/** Rows per emitted batch when a watermark fires many windows at once. */
export const EMIT_CHUNK_ROWS = 8192;

/**
 * Folds one (key, window) group of a batch into that window's state: `rows` are the group's batch rows in arrival
 * order, `stored` the window's state before the batch. Returns the new state, or null when it did not change.
 */
export type WindowFold<S> = (rows: Int32Array, stored: S | undefined) => S | null;

/**
 * What window Top-N and window deduplication share: state per (partition key, window) kept until the watermark passes
 * the window's last millisecond, then emitted once and dropped. Input is insert-only; rows of a fired window are
 * reported late. Per batch the rows are grouped by (key, window), every group's state is read and written in one
 * batched call, and a window's timer is registered when its state is first written. A subclass says how a group's
 * rows fold into the state ({@link foldRows}; the per-row loop stays there) and what a fired window emits.
 */
export abstract class WindowRowsOperator<S> implements StreamOperator {
  protected ctx!: OperatorContext;
  protected state!: ValueState<S>;
  protected timers!: InternalTimerService;
  protected readonly inputTypes: DataType[];
  protected readonly outputSchema: arrow.Schema;

  constructor(
    protected readonly node: WindowRankNode,
    private readonly stateName: string,
    private readonly serializer: StateSerializer<S>,
  ) {
    this.inputTypes = node.inputSchema.map((c) => c.type);
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
  }

  /** The fold of this batch's groups; `reader` reads the batch's rows. */
  protected abstract foldRows(reader: RowReader): WindowFold<S>;

  /** Emits the windows that fired at `watermark`. */
  abstract processWatermark(watermark: number): Promise<void>;

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.state = ctx.keyedState().declareValueState(this.stateName, this.serializer);
    this.timers = ctx.timerService();
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    if (batch.numRows === 0) return;
    checkInsertOnly(batch, this.ctx.operatorName);
    const { groups, late } = groupByWindow(batch, this.node.partitionKeys, this.node.window, this.inputTypes, this.timers.currentWatermark);
    const fold = this.foldRows(new RowReader(batch.data, this.inputTypes));
    const keys = groups.map((g) => g.stateKey);
    const hashes = Uint32Array.from(groups, (g) => g.hash);
    const stored = this.state.getMany(keys, hashes);
    const changed: number[] = [];
    const updates: S[] = [];
    groups.forEach((g, j) => {
      const next = fold(g.rows, stored[j]);
      if (next !== null) { changed.push(j); updates.push(next); }
      if (!stored[j]) this.timers.registerEventTimeTimer(g.stateKey, g.hash, 0, g.windowEnd - 1);
    });
    this.state.putMany(changed.map((j) => keys[j]), changed.map((j) => hashes[j]), updates);
    if (late.length > 0) await this.ctx.reportLateRows(batch, late);
  }

  /** Advances the timers to `watermark` and removes the state of every window that fired, returning it in firing order. */
  protected takeFired(watermark: number): S[] {
    const fired = this.timers.advanceWatermark(watermark);
    if (fired.length === 0) return [];
    const keys = fired.map((t) => t.key);
    const hashes = Uint32Array.from(fired, (t) => t.hash);
    const windows = this.state.getMany(keys, hashes);
    this.state.putMany(keys, hashes, keys.map(() => undefined));
    return windows.filter((w): w is S => w !== undefined);
  }

  async close(): Promise<void> {}
}

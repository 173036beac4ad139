import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import type { WindowBoundColumns, WindowJoinNode } from '../../plan/physical/physical-node.ts';
import type { ListState } from '../../state/keyed-state.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { InternalTimerService } from '../../time/timer-service.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { checkKeyTypes } from './join.ts';
import { PairCondition } from './keyed/pair-condition.ts';
import { columnsFromRows, internalRowSerializer, RowReader, type InternalRow } from './keyed/row-codec.ts';
import { checkInsertOnly, groupByWindow, stateKeyFlag } from './windowed-groups.ts';

/** Candidate pairs evaluated (and output rows built) per step when a watermark fires many windows at once. */
const PAIRS_PER_STEP = 16_384;

interface Side {
  readonly keys: readonly number[];
  readonly window: WindowBoundColumns;
  readonly types: readonly DataType[];
  /** Whether this side's unmatched rows are emitted NULL-padded. */
  readonly outer: boolean;
  state: ListState<InternalRow>;
}

/** One fired window of one key: both sides' rows; `nullKey` when the key had a NULL column (nothing matches). */
interface FiredWindow {
  readonly left: readonly InternalRow[];
  readonly right: readonly InternalRow[];
  readonly nullKey: boolean;
}

/**
 * Window join, Flink's WindowJoinOperator: each side's rows are buffered per (join key, window); when the watermark
 * passes the window's last millisecond both sides' rows of that window are joined once — inner pairs that satisfy the
 * rest of the ON condition, then NULL-padded unmatched rows of outer sides — emitted +I (append-only), and the
 * window's state is dropped. Rows of fired windows are reported late. A NULL join key matches nothing: such rows are
 * kept (under a flagged key) only on outer sides, to be emitted padded when their window fires.
 */
export class WindowJoinOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private timers!: InternalTimerService;
  private readonly left: Side;
  private readonly right: Side;
  private readonly condition: PairCondition | null;
  private readonly outputSchema: arrow.Schema;

  constructor(node: WindowJoinNode) {
    checkKeyTypes(node);
    const noState = undefined as unknown as ListState<InternalRow>;
    this.left = {
      keys: node.leftKeys, window: node.leftWindow, types: node.leftSchema.map((c) => c.type),
      outer: node.joinType === 'left' || node.joinType === 'full', state: noState,
    };
    this.right = {
      keys: node.rightKeys, window: node.rightWindow, types: node.rightSchema.map((c) => c.type),
      outer: node.joinType === 'right' || node.joinType === 'full', state: noState,
    };
    this.condition = node.condition ? new PairCondition(node.condition, node.leftSchema, node.rightSchema) : null;
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const backend = ctx.keyedState();
    this.left.state = backend.declareListState('window-join-left', internalRowSerializer());
    this.right.state = backend.declareListState('window-join-right', internalRowSerializer());
    this.timers = ctx.timerService();
  }

  async processBatch(batch: ChangeBatch, input: number): Promise<void> {
    if (batch.numRows === 0) return;
    checkInsertOnly(batch, this.ctx.operatorName);
    const side = input === 0 ? this.left : this.right;
    const { groups, late } = groupByWindow(batch, side.keys, side.window, side.types, this.timers.currentWatermark, 'flag');
    const reader = new RowReader(batch.data, side.types);
    const backend = this.ctx.keyedState();
    for (const g of groups) {
      // A NULL key never matches: on an inner side such a row can produce nothing, now or later.
      if (stateKeyFlag(g.stateKey) === 1 && !side.outer) continue;
      backend.setCurrentKey(g.stateKey, g.hash);
      side.state.addAll(Array.from(g.rows, (i) => reader.read(i)));
      this.timers.registerEventTimeTimer(g.stateKey, g.hash, 0, g.windowEnd - 1);
    }
    if (late.length > 0) await this.ctx.reportLateRows(batch, late);
  }

  async processWatermark(watermark: number): Promise<void> {
    const fired = this.timers.advanceWatermark(watermark);
    const backend = this.ctx.keyedState();
    let step: FiredWindow[] = [];
    let pairs = 0;
    for (const t of fired) {
      backend.setCurrentKey(t.key, t.hash);
      const w: FiredWindow = { left: [...this.left.state.get()], right: [...this.right.state.get()], nullKey: stateKeyFlag(t.key) === 1 };
      this.left.state.clear();
      this.right.state.clear();
      step.push(w);
      pairs += w.nullKey ? 0 : w.left.length * w.right.length;
      if (pairs >= PAIRS_PER_STEP) { await this.joinWindows(step); step = []; pairs = 0; }
    }
    if (step.length > 0) await this.joinWindows(step);
  }

  /** Joins fired windows: one columnar evaluation of the ON condition over all their pairs, one output batch. */
  private async joinWindows(windows: readonly FiredWindow[]): Promise<void> {
    const pairLeft: InternalRow[] = [];
    const pairRight: InternalRow[] = [];
    for (const w of windows) {
      if (w.nullKey) continue;
      for (const l of w.left) for (const r of w.right) { pairLeft.push(l); pairRight.push(r); }
    }
    const selected = this.condition
      ? this.condition.select({ types: this.left.types, rows: pairLeft }, { types: this.right.types, rows: pairRight }, pairLeft.length)
      : null;
    const matched = new Uint8Array(pairLeft.length);
    if (selected) for (const p of selected) matched[p] = 1; else matched.fill(1);

    const outLeft: (InternalRow | null)[] = [];
    const outRight: (InternalRow | null)[] = [];
    let p = 0;
    for (const w of windows) {
      const leftHit = new Uint8Array(w.left.length);
      const rightHit = new Uint8Array(w.right.length);
      if (!w.nullKey) {
        for (let i = 0; i < w.left.length; i++) {
          for (let j = 0; j < w.right.length; j++, p++) {
            if (!matched[p]) continue;
            outLeft.push(w.left[i]); outRight.push(w.right[j]);
            leftHit[i] = 1; rightHit[j] = 1;
          }
        }
      }
      if (this.left.outer) w.left.forEach((l, i) => { if (!leftHit[i]) { outLeft.push(l); outRight.push(null); } });
      if (this.right.outer) w.right.forEach((r, j) => { if (!rightHit[j]) { outLeft.push(null); outRight.push(r); } });
    }
    if (outLeft.length === 0) return;
    const columns = [...columnsFromRows(this.left.types, outLeft), ...columnsFromRows(this.right.types, outRight)];
    await this.ctx.output.emit(ChangeBatch.fromColumns(this.outputSchema, columns, outLeft.length));
  }

  async close(): Promise<void> {}
}

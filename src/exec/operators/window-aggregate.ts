import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { WindowAggregateNode } from '../../plan/physical/physical-node.ts';
import { hashRows } from '../../state/row-hash.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import { msgpackSerializer, type StateSerializer } from '../../state/serializers.ts';
import type { InternalTimerService, Timer } from '../../time/timer-service.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { encodeKeys } from './group-aggregate-keys.ts';
import { SessionWindowAggregateOperator } from './session-window-aggregate.ts';
import { canSlice, SlicingWindowAggregateOperator } from './slicing-window-aggregate.ts';
import { assignWindows, latePairs, rowTimesMs, startOfWindowEnding, type AlignedWindowSpec } from './window/window-assigner.ts';
import type { AccumulatorStates, WindowAggregator } from './window/window-aggregator.ts';
import { createWindowAggregator } from './window/udaf-window-aggregator.ts';
import { groupByKeyAndWindow, keyWindowKeys, rowCountDelta } from './window/window-groups.ts';
import { WINDOW_BUFFER_SIZE_LIMIT, WindowBuffer } from './window/window-buffer.ts';
import { WindowAggregateOutput } from './window/window-output.ts';
import { ProcessingTimeWakeUp } from './window/processing-wakeup.ts';

/**
 * One group's window in keyed state: `[rowCount, keyValues, accumulators]`. The row count (accumulated minus
 * retracted rows) tells whether anything is left to emit; the key values are kept because the window fires later,
 * when the rows that carried them are gone.
 */
export type WindowEntry = readonly [number, readonly unknown[], AccumulatorStates];

/** Saved as msgpack; bump the version when the layout of {@link WindowEntry} or an accumulator's saved form changes. */
export function windowEntrySerializer(id: string): StateSerializer<WindowEntry> {
  const inner = msgpackSerializer<WindowEntry>();
  return { id, version: 1, serialize: inner.serialize, deserialize: inner.deserialize };
}

/**
 * The operator of a window aggregation node: SESSION windows merge; aligned windows run sliced when their calls
 * allow it ({@link canSlice}), else with accumulators per window.
 */
export function createWindowAggregateOperator(node: WindowAggregateNode): StreamOperator {
  if (node.window.kind === 'session') return new SessionWindowAggregateOperator(node);
  return canSlice(node) ? new SlicingWindowAggregateOperator(node) : new WindowAggregateOperator(node);
}

/**
 * Window aggregation over TUMBLE, HOP and CUMULATE windows (Flink's WindowAggregate over aligned windows).
 *
 * Per input batch, columnar: each row's time (event time: its time column; processing time: the clock), its
 * windows (a HOP/CUMULATE row goes to every window containing it), and the (key, window) groups of those pairs
 * (typed-array hash grouping). Each touched group's state is read once (`getMany`, keyed by key bytes + window end
 * under the key's hash, so it lives in the key's key group), folded by the {@link WindowAggregator} and written back
 * once (`putMany`); a new group registers a timer for `window_end - 1` on its key.
 *
 * A window fires when the watermark reaches `window_end - 1` (event time) or the clock does (processing time): every
 * due group of every key is evaluated in one aggregator call and emitted as one append-only batch, then its state is
 * cleared. An event-time pair whose window has already fired is late: it is skipped, and a row none of whose windows
 * can take it is reported through `reportLateRows` (a HOP row still counts in its windows that have not fired).
 * Processing-time windows still pending at the end of input fire then, so no row is lost.
 */
export class WindowAggregateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<WindowEntry>;
  private timers!: InternalTimerService;
  private wakeUp: ProcessingTimeWakeUp | null = null;
  private aggregator!: WindowAggregator;
  private readonly output: WindowAggregateOutput;
  private readonly spec: AlignedWindowSpec;
  private readonly eventTime: boolean;
  private buffer!: WindowBuffer;

  constructor(private readonly node: WindowAggregateNode) {
    if (node.window.kind === 'session') throw new Error('internal: SESSION windows use SessionWindowAggregateOperator');
    this.spec = node.window;
    this.eventTime = node.timeDomain === 'event';
    this.output = new WindowAggregateOutput(node);
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    // User-defined aggregate calls get their runners here; their accumulator types version the state.
    const { aggregator, stateTag } = await createWindowAggregator(this.node.aggregates, this.node.inputSchema, this.node.inputUpdates, ctx);
    this.aggregator = aggregator;
    this.state = ctx.keyedState().declareValueState('window-aggregate', windowEntrySerializer(`window-aggregate-msgpack${stateTag}`));
    this.timers = ctx.timerService();
    this.buffer = new WindowBuffer(Math.max(1, ctx.config.get(WINDOW_BUFFER_SIZE_LIMIT)));
    if (!this.eventTime) {
      this.wakeUp = new ProcessingTimeWakeUp(ctx.processingTime, this.timers, (now) => this.fire(this.timers.advanceProcessingTime(now)));
    }
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    if (!this.eventTime) {
      // Processing time: the clock at arrival is the rows' time; folded at once, so its windows fire on time.
      await this.fold(batch, new Float64Array(n).fill(this.ctx.processingTime.now()));
      this.wakeUp!.arm();
      return;
    }
    const times = rowTimesMs(batch.data.getChildAt(this.spec.timeIndex)!.data[0], () => this.ctx.operatorName);
    if (this.buffer.add(batch, times)) await this.flush();
  }

  /** Folds the buffered rows into state. */
  private async flush(): Promise<void> {
    const buffered = this.buffer.take();
    if (buffered !== null) await this.fold(buffered.batch, buffered.times);
  }

  /**
   * Folds rows (row i at time `times[i]`) into the state of their (key, window) groups: each group's state read
   * once, accumulated, written once; a new group registers its window's timer. Late rows are reported.
   */
  private async fold(batch: ChangeBatch, times: Float64Array): Promise<void> {
    const n = batch.numRows;
    const pairs = assignWindows(this.spec, times);
    const lateness = this.eventTime ? latePairs(pairs.rows, pairs.ends, n, this.timers.currentWatermark) : null;
    if (lateness !== null && lateness.late.length > 0) await this.ctx.reportLateRows(batch, lateness.late);
    const keep = lateness?.keep ?? null;
    const { groupKeys } = this.node;
    const keys = encodeKeys(batch.data, groupKeys);
    const hashes = hashRows(batch.data, groupKeys);
    const groups = groupByKeyAndWindow(keys, hashes, pairs.rows, pairs.ends, keep);
    if (groups.count === 0) return;

    const stateKeys = keyWindowKeys(keys, pairs.rows, pairs.ends, groups.first);
    const stateHashes = new Uint32Array(groups.count);
    for (let g = 0; g < groups.count; g++) stateHashes[g] = hashes[pairs.rows[groups.first[g]]];
    const rows = new Int32Array(groups.members.length);
    for (let k = 0; k < rows.length; k++) rows[k] = pairs.rows[groups.members[k]];
    const before = this.state.getMany(stateKeys, stateHashes);
    const accs = await this.aggregator.accumulate(batch, { count: groups.count, rows, start: groups.start }, before.map((e) => e?.[2]));

    const keyReaders = this.output.keyReaders(batch);
    const after = new Array<WindowEntry | undefined>(groups.count);
    for (let g = 0; g < groups.count; g++) {
      const count = (before[g]?.[0] ?? 0) + rowCountDelta(batch.kinds, rows, groups.start[g], groups.start[g + 1]);
      // A window whose rows were all retracted (or that saw only retractions) has nothing to emit.
      if (count <= 0) { after[g] = undefined; continue; }
      const firstRow = pairs.rows[groups.first[g]];
      after[g] = [count, before[g]?.[1] ?? keyReaders.map((r) => r(firstRow)), accs[g]];
      if (before[g] === undefined) this.registerTimer(stateKeys[g], stateHashes[g], pairs.ends[groups.first[g]]);
    }
    this.state.putMany(stateKeys, stateHashes, after);
  }

  async processWatermark(timestamp: number): Promise<void> {
    if (!this.eventTime) return;
    await this.flush();
    await this.fire(this.timers.advanceWatermark(timestamp));
  }

  async prepareSnapshot(_checkpointId: number): Promise<void> { await this.flush(); }

  async endInput(): Promise<void> {
    await this.flush();
    if (!this.eventTime) await this.fire(this.timers.advanceProcessingTime(Number.POSITIVE_INFINITY));
  }

  async close(): Promise<void> {
    this.wakeUp?.dispose();
    await this.aggregator?.close();
  }

  private registerTimer(stateKey: Uint8Array, hash: number, end: number): void {
    const key = stateKey.slice(0, stateKey.length - 8);
    if (this.eventTime) this.timers.registerEventTimeTimer(key, hash, end, end - 1);
    else this.timers.registerProcessingTimeTimer(key, hash, end, end - 1);
  }

  /** Emits every group of the fired timers (timer namespace = window end) as one batch and clears their state. */
  private async fire(timers: Timer[]): Promise<void> {
    if (timers.length === 0) return;
    const stateKeys = timerStateKeys(timers);
    const hashes = Uint32Array.from(timers, (t) => t.hash);
    const entries = this.state.getMany(stateKeys, hashes);
    const live: number[] = [];
    for (let i = 0; i < entries.length; i++) if (entries[i] !== undefined) live.push(i);
    this.state.putMany(stateKeys, hashes, stateKeys.map(() => undefined));
    if (live.length === 0) return;
    const fired = live.map((i) => entries[i]!);
    const results = await this.aggregator.results(fired.map((e) => e[2]));
    const ends = Float64Array.from(live, (i) => timers[i].namespace);
    const starts = ends.map((e) => startOfWindowEnding(this.spec, e));
    await this.ctx.output.emit(this.output.build({ keys: fired.map((e) => e[1]), starts, ends, results }));
  }
}

/** The keyed-state keys of fired timers (key bytes + window end = the timer's namespace), in one buffer. */
function timerStateKeys(timers: readonly Timer[]): Uint8Array[] {
  let size = 0;
  for (const t of timers) size += t.key.length + 8;
  const buffer = new Uint8Array(size);
  const view = new DataView(buffer.buffer);
  let at = 0;
  return timers.map((t) => {
    buffer.set(t.key, at);
    view.setFloat64(at + t.key.length, t.namespace, true);
    const key = buffer.subarray(at, at + t.key.length + 8);
    at += t.key.length + 8;
    return key;
  });
}

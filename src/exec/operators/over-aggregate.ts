import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { RowKind } from '../../batch/row-kind.ts';
import { CoreOptions } from '../../config/options.ts';
import { ExecutionError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { isBoundedFrame, type OverFrame } from '../../plan/over-frame.ts';
import type { OverAggregateNode } from '../../plan/physical/physical-node.ts';
import { hashRows } from '../../state/row-hash.ts';
import type { KeyedStateBackend, ListState, ValueState } from '../../state/keyed-state.ts';
import { msgpackSerializer, type StateSerializer } from '../../state/serializers.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { InternalTimerService } from '../../time/timer-service.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { encodeKeys, groupRows } from './group-aggregate-keys.ts';
import { columnsFromRows, internalRowSerializer, RowReader, type InternalRow } from './keyed/row-codec.ts';
import { overEvaluatorFactories, type OverEvaluation, type OverEvaluator } from './over-aggregate-evaluator.ts';
import { OverWorkBuilder, readTimes, timeOrder, timeReader } from './over-aggregate-frames.ts';

/**
 * A partition's state between firings: `[lastTs, timer, historyTimes, history, evaluatorStates]`.
 * - `lastTs`: the time of the last row emitted (event time; null before the first firing). A later row at or before
 *   it is late: its frame's rows were already emitted without it.
 * - `timer`: the event-time timer registered for the earliest pending row (null when nothing is pending).
 * - `history`: the rows of the last emitted row's frame (bounded frames only), which later frames retract, with
 *   their times in ms.
 * - `evaluatorStates`: per evaluator, the state it returned (accumulators covering `history`).
 */
type KeyState = [lastTs: number | null, timer: number | null, historyTimes: number[], history: InternalRow[], evaluatorStates: unknown[]];

/** The state layout's id and version: a restore from another layout fails instead of misreading. */
function keyStateSerializer(): StateSerializer<KeyState> {
  const inner = msgpackSerializer<KeyState>();
  return { id: 'over-aggregate-msgpack', version: 1, serialize: inner.serialize, deserialize: inner.deserialize };
}

/** A partition of one firing, from reading its state to writing it back. */
interface FiringPartition {
  readonly key: Uint8Array;
  readonly hash: number;
  readonly state: KeyState | undefined;
  /** New rows of this firing, in the order emitted, and their times (ms). */
  readonly rows: InternalRow[];
  readonly times: ArrayLike<number>;
  readonly lastTs: number | null;
  /** Event time: rows still waiting for the watermark, and the earliest of their times. */
  readonly rest: InternalRow[];
  readonly restMin: number;
  /** How many rows (from the end of the partition's work rows) to keep as history. */
  keep: number;
}

/**
 * OVER aggregation (Flink's RowTime{Rows,Range}{Bounded,Unbounded}PrecedingFunction and ProcTime* counterparts):
 * one output row per input row, the input columns followed by the aggregates over the row's frame. Append-only.
 *
 * Event time: rows wait in keyed state (`over-pending`) until the watermark passes them, with one event-time timer
 * per partition at its earliest pending row. A watermark fires every due partition at once: each partition's due
 * rows are put in time order (ties in arrival order), every emitted row gets its frame (ROWS: the row and N before;
 * RANGE: every row within the interval, peers of equal time included), the evaluators compute all frames of all
 * partitions in one call, and the firing is emitted as one batch (split at `table.exec.batch-size`). As in Flink, a
 * row at or before the last time emitted for its partition is late: it goes to `ctx.reportLateRows` (counted and
 * dropped, or routed to the late-data side output); so is a row without a time.
 *
 * Processing time: each input batch is processed on arrival, its rows in arrival order; RANGE frames treat the rows
 * of one batch as peers (one arrival time) and keep earlier rows while they are within the interval. Without a
 * bound, RANGE is processed as ROWS, as Flink's ProcTimeUnboundedPrecedingFunction does.
 */
export class OverAggregateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private backend!: KeyedStateBackend;
  private keyState!: ValueState<KeyState>;
  private pending!: ListState<InternalRow>;
  private timers!: InternalTimerService;
  private evaluators: { readonly evaluator: OverEvaluator; readonly calls: readonly number[] }[] = [];
  private batchSize = 4096;
  private readonly eventTime: boolean;
  private readonly frame: OverFrame;
  private readonly inputTypes: readonly DataType[];
  private readonly outputSchema: arrow.Schema;
  private readonly timeOf: (value: unknown) => number;

  constructor(private readonly node: OverAggregateNode) {
    this.eventTime = node.timeDomain === 'event';
    this.frame = !this.eventTime && node.frame.unit === 'range' && node.frame.precedingMs === null ? { unit: 'rows', preceding: null } : node.frame;
    this.inputTypes = node.inputSchema.map((c) => c.type);
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
    this.timeOf = timeReader(this.inputTypes[node.orderKey]);
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.batchSize = Math.max(1, ctx.config.get(CoreOptions.BATCH_SIZE));
    this.backend = ctx.keyedState();
    this.keyState = this.backend.declareValueState('over-aggregate', keyStateSerializer());
    this.pending = this.backend.declareListState('over-pending', internalRowSerializer());
    if (this.eventTime) this.timers = ctx.timerService();
    await this.openEvaluators(ctx);
  }

  /** One evaluator per factory, each for the calls it accepts (the built-in accumulators take the rest). */
  private async openEvaluators(ctx: OperatorContext): Promise<void> {
    const factories = overEvaluatorFactories();
    const byFactory = new Map<number, number[]>();
    this.node.aggregates.forEach((call, i) => {
      const f = factories.findIndex((factory) => factory.accepts(call));
      byFactory.set(f, [...(byFactory.get(f) ?? []), i]);
    });
    for (const [f, calls] of byFactory) {
      const evaluator = await factories[f].create({
        calls: calls.map((i) => this.node.aggregates[i]), inputSchema: this.node.inputSchema, retracting: isBoundedFrame(this.frame),
      }, ctx);
      this.evaluators.push({ evaluator, calls });
    }
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    if (batch.numRows === 0) return;
    if (batch.kinds !== null && batch.kinds.some((k) => k !== RowKind.INSERT)) {
      throw new ExecutionError(`${this.ctx.operatorName} received an update or delete row, but OVER aggregation needs an insert-only input`, {
        hint: 'OVER windows cannot consume a changelog (e.g. the result of a GROUP BY); aggregate with a window instead.',
      }, ErrorCodes.INTERNAL);
    }
    if (this.eventTime) await this.buffer(batch);
    else await this.processArrivals(batch);
  }

  async processWatermark(timestamp: number): Promise<void> {
    if (this.eventTime) await this.fire(timestamp);
  }

  async close(): Promise<void> {
    const evaluators = this.evaluators;
    this.evaluators = [];
    for (const e of evaluators) await e.evaluator.close?.();
  }

  // ---- event time ----------------------------------------------------------------------------------------------

  /** Adds a batch's rows to their partitions' pending rows; reports late ones. */
  private async buffer(batch: ChangeBatch): Promise<void> {
    const times = readTimes(batch.data.getChildAt(this.node.orderKey)!.data[0], this.inputTypes[this.node.orderKey]);
    const reader = new RowReader(batch.data, this.inputTypes);
    const late: number[] = [];
    this.forEachPartition(batch, (key, hash, rows, from, to) => {
      const state = this.keyState.value();
      const lastTs = state?.[0] ?? -Infinity;
      const accepted: InternalRow[] = [];
      let min = Infinity;
      for (let r = from; r < to; r++) {
        const t = times[rows[r]];
        // NaN (a NULL time) fails the comparison too: a row without a time has no place in the order.
        if (!(t > lastTs)) { late.push(rows[r]); continue; }
        accepted.push(reader.read(rows[r]));
        if (t < min) min = t;
      }
      if (accepted.length === 0) return;
      this.pending.addAll(accepted);
      const timer = state?.[1] ?? null;
      if (timer !== null && timer <= min) return;
      if (timer !== null) this.timers.deleteEventTimeTimer(key, hash, 0, timer);
      this.timers.registerEventTimeTimer(key, hash, 0, min);
      this.keyState.update(state ? [state[0], min, state[2], state[3], state[4]] : [null, min, [], [], []]);
    });
    if (late.length > 0) await this.ctx.reportLateRows(batch, late.sort((a, b) => a - b));
  }

  /** Emits every pending row at or before `watermark`, all due partitions in one evaluation. */
  private async fire(watermark: number): Promise<void> {
    const due = this.timers.advanceWatermark(watermark);
    if (due.length === 0) return;
    const builder = new OverWorkBuilder(this.frame, this.inputTypes);
    const parts: FiringPartition[] = [];
    for (const timer of due) {
      this.backend.setCurrentKey(timer.key, timer.hash);
      const state = this.keyState.value();
      const { rows: sortedRows, times } = this.inTimeOrder(this.pending.get());
      let n = 0;
      while (n < times.length && times[n] <= watermark) n++;
      const rest = sortedRows.slice(n);
      const restMin = n < times.length ? times[n] : Infinity;
      if (n === 0) {
        // Nothing due (the pending rows expired under state TTL, or are later): wait for the earliest again.
        if (rest.length > 0) this.timers.registerEventTimeTimer(timer.key, timer.hash, 0, restMin);
        if (state) this.keyState.update([state[0], rest.length > 0 ? restMin : null, state[2], state[3], state[4]]);
        continue;
      }
      const rows = sortedRows.slice(0, n);
      const dueTimes = times.subarray(0, n);
      const part: FiringPartition = {
        key: timer.key, hash: timer.hash, state, rows, times: dueTimes, rest, restMin, lastTs: dueTimes[n - 1], keep: 0,
      };
      part.keep = builder.add({ history: state?.[3] ?? [], historyTimes: state?.[2] ?? [], rows, times: dueTimes });
      parts.push(part);
    }
    await this.evaluateAndEmit(builder, parts, (part, history, historyTimes, states) => {
      this.pending.update(part.rest);
      const timer = part.rest.length > 0 ? part.restMin : null;
      if (timer !== null) this.timers.registerEventTimeTimer(part.key, part.hash, 0, timer);
      return [part.lastTs, timer, historyTimes, history, states];
    });
  }

  /** Pending rows in time order (ties in arrival order) with their times; in-order input skips the sort. */
  private inTimeOrder(pending: readonly InternalRow[]): { rows: InternalRow[]; times: Float64Array } {
    const n = pending.length;
    const times = new Float64Array(n);
    let sorted = true;
    for (let i = 0; i < n; i++) {
      times[i] = this.timeOf(pending[i][this.node.orderKey]);
      if (i > 0 && times[i] < times[i - 1]) sorted = false;
    }
    if (sorted) return { rows: pending.slice(), times };
    const order = timeOrder(times);
    return { rows: Array.from(order, (i) => pending[i]), times: Float64Array.from(order, (i) => times[i]) };
  }

  // ---- processing time -----------------------------------------------------------------------------------------

  /** Emits a result for every row of the batch now, partition by partition. */
  private async processArrivals(batch: ChangeBatch): Promise<void> {
    const now = this.ctx.processingTime.now();
    const reader = new RowReader(batch.data, this.inputTypes);
    const builder = new OverWorkBuilder(this.frame, this.inputTypes);
    const parts: FiringPartition[] = [];
    this.forEachPartition(batch, (key, hash, ids, from, to) => {
      const state = this.keyState.value();
      const rows: InternalRow[] = [];
      for (let r = from; r < to; r++) rows.push(reader.read(ids[r]));
      const times = new Float64Array(rows.length).fill(now);
      const part: FiringPartition = { key, hash, state, rows, times, rest: [], restMin: Infinity, lastTs: null, keep: 0 };
      part.keep = builder.add({ history: state?.[3] ?? [], historyTimes: state?.[2] ?? [], rows, times });
      parts.push(part);
    });
    await this.evaluateAndEmit(builder, parts, (_part, history, historyTimes, states) => [null, null, historyTimes, history, states]);
  }

  // ---- shared ----------------------------------------------------------------------------------------------------

  /**
   * Calls `f(key, hash, rows, from, to)` for each partition of the batch, with the backend's current key set to it;
   * the partition's rows are `rows[from..to)`, in arrival order. Keys are copied (timers keep them).
   */
  private forEachPartition(batch: ChangeBatch, f: (key: Uint8Array, hash: number, rows: Int32Array, from: number, to: number) => void): void {
    const keys = encodeKeys(batch.data, this.node.partitionKeys);
    const hashes = hashRows(batch.data, this.node.partitionKeys);
    const groups = groupRows(keys, hashes);
    for (let g = 0; g < groups.count; g++) {
      const first = groups.rows[groups.start[g]];
      const key = keys.bytes.slice(keys.offsets[first], keys.offsets[first + 1]);
      this.backend.setCurrentKey(key, hashes[first]);
      f(key, hashes[first], groups.rows, groups.start[g], groups.start[g + 1]);
    }
  }

  /**
   * Runs the evaluators over a firing, writes each partition's new state (`next` builds it from the kept history and
   * the evaluator states) and emits the partitions' rows with their aggregates.
   */
  private async evaluateAndEmit(
    builder: OverWorkBuilder, parts: readonly FiringPartition[],
    next: (part: FiringPartition, history: InternalRow[], historyTimes: number[], states: unknown[]) => KeyState,
  ): Promise<void> {
    if (parts.length === 0) return;
    const work = builder.build();
    const evaluations: OverEvaluation[] = await Promise.all(this.evaluators.map((e, k) => {
      const states = parts.map((p) => p.state?.[4][k]);
      return e.evaluator.evaluate(work, states);
    }));
    const output: InternalRow[] = [];
    parts.forEach((part, p) => {
      const end = work.partitionStart[p + 1];
      const history = work.rows.slice(end - part.keep, end);
      const historyTimes = this.keptTimes(part.state?.[2] ?? [], part.times, part.keep);
      this.backend.setCurrentKey(part.key, part.hash);
      this.keyState.update(next(part, history, historyTimes, evaluations.map((e) => e.states[p])));
      for (const row of part.rows) output.push(row);
    });
    await this.emit(output, evaluations);
  }

  /** The times of the last `keep` rows of a partition's history followed by its new rows. */
  private keptTimes(history: readonly number[], times: ArrayLike<number>, keep: number): number[] {
    const out = new Array<number>(keep);
    const total = history.length + times.length;
    for (let i = 0; i < keep; i++) {
      const w = total - keep + i;
      out[i] = w < history.length ? history[w] : times[w - history.length];
    }
    return out;
  }

  /** The firing's rows and their aggregate columns, in batches of at most `table.exec.batch-size` rows. */
  private async emit(rows: readonly InternalRow[], evaluations: readonly OverEvaluation[]): Promise<void> {
    const results = new Array<arrow.Data>(this.node.aggregates.length);
    this.evaluators.forEach((e, k) => e.calls.forEach((call, m) => { results[call] = evaluations[k].results[m]; }));
    for (let begin = 0; begin < rows.length; begin += this.batchSize) {
      const end = Math.min(rows.length, begin + this.batchSize);
      const whole = begin === 0 && end === rows.length;
      const columns = columnsFromRows(this.inputTypes, whole ? rows : rows.slice(begin, end));
      for (const r of results) columns.push(whole ? r : r.slice(begin, end - begin));
      await this.ctx.output.emit(ChangeBatch.fromColumns(this.outputSchema, columns, end - begin));
    }
  }
}

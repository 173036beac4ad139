import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { RowKind } from '../../batch/row-kind.ts';
import type { IntervalJoinNode } from '../../plan/physical/physical-node.ts';
import type { MapState, ValueState } from '../../state/keyed-state.ts';
import { keyString } from '../../state/key-encoding.ts';
import { float64Serializer, msgpackSerializer } from '../../state/serializers.ts';
import type { InternalTimerService, Timer } from '../../time/timer-service.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import { MAX_WATERMARK } from '../stream-message.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { JoinOutput } from './join-output.ts';
import { checkKeyTypes } from './join.ts';
import { encodeKeys } from './keyed/key-encoding.ts';
import { PairCondition } from './keyed/pair-condition.ts';
import { columnsFromRows, RowReader, type InternalRow } from './keyed/row-codec.ts';
import { timestampMillis } from './keyed/time-column.ts';
import { ProcessingTimeWakeUp } from './window/processing-wakeup.ts';
import { checkInsertOnly } from './windowed-groups.ts';

/** Output rows collected before they are emitted as one batch. */
const EMIT_CHUNK_ROWS = 8192;

/** A row waiting in a side's state, and whether it has joined with a row of the other side (outer sides). */
type CachedRow = [row: InternalRow, matched: number];

interface Side {
  readonly isLeft: boolean;
  readonly namespace: number;
  readonly keys: readonly number[];
  readonly types: readonly DataType[];
  readonly outputTypes: readonly DataType[];
  readonly timeIndex: number;
  readonly outer: boolean;
  /** A row of this side at time t matches rows of the other side at times t + otherLo .. t + otherHi. */
  readonly otherLo: number;
  readonly otherHi: number;
  /** A row of this side at time t can match no future row once the clock reaches t + expiry. */
  readonly expiry: number;
  /** Per join key: rows by their time. */
  state: MapState<number, CachedRow[]>;
  /** Per join key: the earliest expiry a cleanup timer is registered for (one timer per key and side, as Flink). */
  timer: ValueState<number>;
}

/** One key's rows of a batch, and the other side's cached rows for that key. */
interface KeyGroup {
  readonly key: Uint8Array;
  readonly hash: number;
  readonly rows: number[];
  other: [number, CachedRow[]][];
}

/**
 * Interval join, Flink's RowTimeIntervalJoin / ProcTimeIntervalJoin: `right.t + lower <= left.t <= right.t + upper`
 * plus equi-keys and the rest of the ON condition. Each row joins the other side's cached rows of its key whose time
 * is in its interval, then waits in its side's state until no future row of the other side can match it: until the
 * clock (the watermark; in processing time, the wall clock) reaches `left.t - lower` (left rows) or `right.t + upper`
 * (right rows). A cleanup timer then drops it, emitting it NULL-padded if it is on an outer side and never matched.
 * Output is append-only. In event time, rows at or behind the watermark are reported late (their partners may be
 * gone), and the watermark passed downstream is held back by the largest interval offset: joined rows carry times
 * up to that much older than the watermark that produced them (Flink's watermark delay of interval joins).
 */
export class IntervalJoinOperator implements StreamOperator {
  readonly generatesWatermarks: boolean;
  private ctx!: OperatorContext;
  private timers!: InternalTimerService;
  private readonly left: Side;
  private readonly right: Side;
  private readonly eventTime: boolean;
  private readonly condition: PairCondition | null;
  private readonly outputSchema: arrow.Schema;
  private readonly watermarkDelay: number;
  private emittedWatermark = -Infinity;
  /** Processing time: a mailbox callback for the earliest cleanup timer. */
  private wakeUp: ProcessingTimeWakeUp | null = null;

  constructor(node: IntervalJoinNode) {
    checkKeyTypes(node);
    const output = Schema.fromJSON([...node.outputSchema]);
    const split = node.leftSchema.length;
    const { lowerBoundMs: lower, upperBoundMs: upper } = node;
    const noState = undefined as unknown as MapState<number, CachedRow[]>;
    const noTimer = undefined as unknown as ValueState<number>;
    this.left = {
      isLeft: true, namespace: 0, keys: node.leftKeys, types: node.leftSchema.map((c) => c.type), outputTypes: output.types.slice(0, split),
      timeIndex: node.leftTimeIndex, outer: node.joinType === 'left' || node.joinType === 'full',
      otherLo: -upper, otherHi: -lower, expiry: -lower, state: noState, timer: noTimer,
    };
    this.right = {
      isLeft: false, namespace: 1, keys: node.rightKeys, types: node.rightSchema.map((c) => c.type), outputTypes: output.types.slice(split),
      timeIndex: node.rightTimeIndex, outer: node.joinType === 'right' || node.joinType === 'full',
      otherLo: lower, otherHi: upper, expiry: upper, state: noState, timer: noTimer,
    };
    this.eventTime = node.timeDomain === 'event';
    this.generatesWatermarks = this.eventTime;
    this.watermarkDelay = Math.max(0, upper, -lower);
    this.condition = node.condition ? new PairCondition(node.condition, node.leftSchema, node.rightSchema) : null;
    this.outputSchema = output.toArrow();
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const backend = ctx.keyedState();
    const rows = msgpackSerializer<CachedRow[]>();
    this.left.state = backend.declareMapState('interval-join-left', float64Serializer, rows);
    this.right.state = backend.declareMapState('interval-join-right', float64Serializer, rows);
    this.left.timer = backend.declareValueState('interval-join-left-timer', float64Serializer);
    this.right.timer = backend.declareValueState('interval-join-right-timer', float64Serializer);
    this.timers = ctx.timerService();
    if (!this.eventTime) {
      // A timer at t + 1 is due when now - 1 (the clock) reaches t.
      this.wakeUp = new ProcessingTimeWakeUp(ctx.processingTime, this.timers, (now) => this.expire(this.timers.advanceProcessingTime(now), now - 1));
      this.wakeUp.arm();
    }
  }

  /**
   * The time below which no row can arrive any more: the watermark, or in processing time one millisecond before
   * now (a row arriving now gets time now).
   */
  private clock(): number {
    return this.eventTime ? this.timers.currentWatermark : this.ctx.processingTime.now() - 1;
  }

  async processBatch(batch: ChangeBatch, input: number): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    checkInsertOnly(batch, this.ctx.operatorName);
    const side = input === 0 ? this.left : this.right;
    const other = input === 0 ? this.right : this.left;
    const clock = this.clock();
    const times = this.eventTime
      ? timestampMillis(batch.data.data.children[side.timeIndex], side.types[side.timeIndex])
      : new Float64Array(n).fill(clock + 1);
    const keys = encodeKeys(batch.data, side.keys);
    const out = new JoinOutput(this.outputSchema, side.isLeft, other.outputTypes);
    const late: number[] = [];
    const groups = new Map<string, KeyGroup>();
    for (let i = 0; i < n; i++) {
      if (times[i] <= clock) { late.push(i); continue; }
      // A NULL key or time matches nothing: only an outer side emits the row, padded, at once.
      if (keys.hasNull?.[i] || Number.isNaN(times[i])) {
        if (side.outer) out.add(RowKind.INSERT, i, null);
        continue;
      }
      const k = keyString(keys.bytes[i]);
      let g = groups.get(k);
      if (!g) groups.set(k, (g = { key: keys.bytes[i].slice(), hash: keys.hashes[i], rows: [], other: [] }));
      g.rows.push(i);
    }
    const matched = this.joinCached(batch, side, other, [...groups.values()], times, out);
    this.cacheRows(batch, side, [...groups.values()], times, clock, matched, out);
    const result = out.take(batch.data);
    if (result) await this.ctx.output.emit(result);
    if (late.length > 0) await this.ctx.reportLateRows(batch, late);
    this.wakeUp?.arm();
  }

  /** Joins the batch's rows with the other side's cached rows in their intervals; returns which rows matched. */
  private joinCached(batch: ChangeBatch, side: Side, other: Side, groups: KeyGroup[], times: Float64Array, out: JoinOutput): Uint8Array {
    const backend = this.ctx.keyedState();
    const pairRows: number[] = [];
    const pairCached: CachedRow[] = [];
    for (const g of groups) {
      backend.setCurrentKey(g.key, g.hash);
      g.other = other.state.entries();
      if (g.other.length === 0) continue;
      for (const i of g.rows) {
        const lo = times[i] + side.otherLo;
        const hi = times[i] + side.otherHi;
        for (const [time, cached] of g.other) {
          if (time < lo || time > hi) continue;
          for (const c of cached) { pairRows.push(i); pairCached.push(c); }
        }
      }
    }
    const selected = this.selectPairs(batch, side, other, pairRows, pairCached);
    const matched = new Uint8Array(batch.numRows);
    // Cached rows that match for the first time (outer sides) are rewritten with the flag set, never mutated in
    // place: the heap backend's snapshots share the stored objects.
    const firstMatch = new Set<CachedRow>();
    for (const p of selected) {
      const c = pairCached[p];
      out.add(RowKind.INSERT, pairRows[p], c[0]);
      matched[pairRows[p]] = 1;
      if (other.outer && c[1] === 0) firstMatch.add(c);
    }
    if (firstMatch.size === 0) return matched;
    for (const g of groups) {
      let current = false;
      for (const [time, cached] of g.other) {
        if (!cached.some((c) => firstMatch.has(c))) continue;
        if (!current) { backend.setCurrentKey(g.key, g.hash); current = true; }
        other.state.put(time, cached.map((c): CachedRow => (firstMatch.has(c) ? [c[0], 1] : c)));
      }
    }
    return matched;
  }

  private selectPairs(batch: ChangeBatch, side: Side, other: Side, pairRows: number[], pairCached: CachedRow[]): Uint32Array {
    if (!this.condition) return Uint32Array.from(pairRows.keys());
    const input = { batch: batch.data, rows: Int32Array.from(pairRows) };
    const stored = { types: other.types, rows: pairCached.map((c) => c[0]) };
    return side.isLeft ? this.condition.select(input, stored, pairRows.length) : this.condition.select(stored, input, pairRows.length);
  }

  /** Keeps the rows that future rows of the other side can still match; emits the others padded (outer, unmatched). */
  private cacheRows(batch: ChangeBatch, side: Side, groups: KeyGroup[], times: Float64Array, clock: number, matched: Uint8Array, out: JoinOutput): void {
    const backend = this.ctx.keyedState();
    const reader = new RowReader(batch.data, side.types);
    for (const g of groups) {
      const byTime = new Map<number, CachedRow[]>();
      let earliest = Infinity;
      for (const i of g.rows) {
        const expiry = times[i] + side.expiry;
        if (expiry <= clock) {
          if (side.outer && !matched[i]) out.add(RowKind.INSERT, i, null);
          continue;
        }
        earliest = Math.min(earliest, expiry);
        let list = byTime.get(times[i]);
        if (!list) byTime.set(times[i], (list = []));
        list.push([reader.read(i), matched[i]]);
      }
      if (byTime.size === 0) continue;
      backend.setCurrentKey(g.key, g.hash);
      for (const [time, rows] of byTime) {
        const old = side.state.get(time);
        side.state.put(time, old ? [...old, ...rows] : rows);
      }
      this.armCleanup(g.key, g.hash, side, earliest);
    }
  }

  /**
   * Makes sure a cleanup timer of the current key and `side` fires by `expiry`: a new timer only when none is
   * pending or the pending one is later (rows come out of time order), so a key has about one timer per side.
   */
  private armCleanup(key: Uint8Array, hash: number, side: Side, expiry: number): void {
    const pending = side.timer.value();
    if (pending !== undefined && pending <= expiry) return;
    side.timer.update(expiry);
    // Processing time: a timer at t + 1 is due when the clock (now - 1) reaches t.
    if (this.eventTime) this.timers.registerEventTimeTimer(key, hash, side.namespace, expiry);
    else this.timers.registerProcessingTimeTimer(key, hash, side.namespace, expiry + 1);
  }

  async processWatermark(watermark: number): Promise<void> {
    if (!this.eventTime) return;
    // The chain does not record the input watermark of an operator that emits its own: do it here, for metrics.
    this.ctx.metrics.gauge('currentWatermark').set(watermark);
    await this.expire(this.timers.advanceWatermark(watermark), watermark);
    const held = watermark >= MAX_WATERMARK ? watermark : watermark - this.watermarkDelay;
    if (held > this.emittedWatermark) {
      this.emittedWatermark = held;
      await this.ctx.emitWatermark(held);
    }
  }

  /** Processing time: all input has arrived, so every waiting row expires now (as if the clock ran to the end). */
  async endInput(): Promise<void> {
    if (!this.eventTime) await this.expire(this.timers.advanceProcessingTime(Infinity), Infinity);
  }

  /**
   * Drops the rows whose cleanup timers fired, emitting unmatched rows of outer sides NULL-padded, and arms the
   * key's next cleanup for its earliest remaining row.
   */
  private async expire(fired: readonly Timer[], clock: number): Promise<void> {
    if (fired.length === 0) return;
    const backend = this.ctx.keyedState();
    let lefts: (InternalRow | null)[] = [];
    let rights: (InternalRow | null)[] = [];
    for (const t of fired) {
      const side = t.namespace === 0 ? this.left : this.right;
      backend.setCurrentKey(t.key, t.hash);
      let next = Infinity;
      for (const [time, cached] of side.state.entries()) {
        const expiry = time + side.expiry;
        if (expiry > clock) { next = Math.min(next, expiry); continue; }
        side.state.remove(time);
        if (!side.outer) continue;
        for (const [row, matched] of cached) {
          if (matched) continue;
          lefts.push(side.isLeft ? row : null);
          rights.push(side.isLeft ? null : row);
        }
      }
      // The pending timer is this one (or an earlier one, already fired): the next cleanup is for what is left.
      const pending = side.timer.value();
      if (pending !== undefined && pending <= clock) side.timer.clear();
      if (next < Infinity) this.armCleanup(t.key, t.hash, side, next);
      if (lefts.length >= EMIT_CHUNK_ROWS) { await this.emitPadded(lefts, rights); lefts = []; rights = []; }
    }
    if (lefts.length > 0) await this.emitPadded(lefts, rights);
  }

  private async emitPadded(lefts: (InternalRow | null)[], rights: (InternalRow | null)[]): Promise<void> {
    const columns = [...columnsFromRows(this.left.types, lefts), ...columnsFromRows(this.right.types, rights)];
    await this.ctx.output.emit(ChangeBatch.fromColumns(this.outputSchema, columns, lefts.length));
  }

  async close(): Promise<void> {
    this.wakeUp?.dispose();
  }
}

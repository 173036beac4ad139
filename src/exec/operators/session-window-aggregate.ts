import type { ChangeBatch } from '../../batch/change-batch.ts';
import { ExecutionError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { WindowAggregateNode } from '../../plan/physical/physical-node.ts';
import { hashRows } from '../../state/row-hash.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import { msgpackSerializer, type StateSerializer } from '../../state/serializers.ts';
import type { InternalTimerService, Timer } from '../../time/timer-service.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { encodeKeys, groupRows } from './group-aggregate-keys.ts';
import { ProcessingTimeWakeUp } from './window/processing-wakeup.ts';
import { rowTimesMs } from './window/window-assigner.ts';
import type { AccumulatorStates, WindowAggregator } from './window/window-aggregator.ts';
import { createWindowAggregator } from './window/udaf-window-aggregator.ts';
import { WindowAggregateOutput } from './window/window-output.ts';
import { mergeIntoSessions, sessionRuns, type MergedSession, type Run } from './window/session-merge.ts';

/** A pending session of a key: `[start, end, rowCount, accumulators]`. */
type Session = readonly [number, number, number, AccumulatorStates];

/** A key's state: its key values (for the output) and its pending sessions, by start. */
type KeySessions = readonly [readonly unknown[], readonly Session[]];

function keySessionsSerializer(stateTag = ''): StateSerializer<KeySessions> {
  const inner = msgpackSerializer<KeySessions>();
  return { id: `session-window-aggregate-msgpack${stateTag}`, version: 1, serialize: inner.serialize, deserialize: inner.deserialize };
}

/** What a batch does to one key: its new sessions, and which of them the batch's rows go to. */
interface KeyPlan {
  readonly key: Uint8Array;
  readonly hash: number;
  readonly keyValues: readonly unknown[];
  readonly before: readonly Session[];
  readonly merged: readonly MergedSession[];
  readonly runs: readonly Run[];
  /** The key's rows sorted by time (runs index into it). */
  readonly rows: Int32Array;
}

/**
 * Window aggregation over SESSION windows, per group key (Flink's session WindowAggregate with merging windows).
 *
 * Per batch: rows are grouped by key; each key's rows are sorted by time and merged into runs (rows less than a gap
 * apart), the runs into the key's pending sessions (a run that overlaps or touches several sessions bridges them
 * into one). The aggregator merges the accumulators of bridged sessions, then accumulates the new rows, all touched
 * sessions of the batch in one call each. Every session has an event-time (or processing-time) timer at
 * `end - 1`; merging moves it. A session that fires is emitted and removed; a run that would form a new session
 * whose end has already passed the watermark is late (its rows are reported), whereas a late row that bridges into
 * a pending session is taken, as Flink does. Updating input is not supported (the planner rejects it).
 */
export class SessionWindowAggregateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<KeySessions>;
  private timers!: InternalTimerService;
  private wakeUp: ProcessingTimeWakeUp | null = null;
  private aggregator!: WindowAggregator;
  private readonly output: WindowAggregateOutput;
  private readonly gap: number;
  private readonly timeIndex: number;
  private readonly eventTime: boolean;

  constructor(private readonly node: WindowAggregateNode) {
    if (node.window.kind !== 'session') throw new Error('internal: SessionWindowAggregateOperator needs a SESSION window');
    this.gap = node.window.gapMs;
    this.timeIndex = node.window.timeIndex;
    this.eventTime = node.timeDomain === 'event';
    this.output = new WindowAggregateOutput(node);
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    // User-defined aggregate calls get their runners here; their accumulator types version the state.
    const { aggregator, stateTag } = await createWindowAggregator(this.node.aggregates, this.node.inputSchema, false, ctx);
    this.aggregator = aggregator;
    this.state = ctx.keyedState().declareValueState('session-window-aggregate', keySessionsSerializer(stateTag));
    this.timers = ctx.timerService();
    if (!this.eventTime) {
      this.wakeUp = new ProcessingTimeWakeUp(ctx.processingTime, this.timers, (now) => this.fire(this.timers.advanceProcessingTime(now)));
    }
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    if (batch.kinds !== null && batch.kinds.some((k) => k !== 0)) {
      throw new ExecutionError('SESSION window aggregation received an update or delete row', {
        hint: 'Session windows need an insert-only input.',
      }, ErrorCodes.NOT_SUPPORTED);
    }
    const times = this.eventTime
      ? rowTimesMs(batch.data.getChildAt(this.timeIndex)!.data[0], () => this.ctx.operatorName)
      : new Float64Array(n).fill(this.ctx.processingTime.now());
    const plans = this.planKeys(batch, times);
    const late = this.takeLateRuns(plans);
    if (late.length > 0) await this.ctx.reportLateRows(batch, late);
    await this.apply(batch, plans);
    this.wakeUp?.arm();
  }

  async processWatermark(timestamp: number): Promise<void> {
    if (this.eventTime) await this.fire(this.timers.advanceWatermark(timestamp));
  }

  async endInput(): Promise<void> {
    if (!this.eventTime) await this.fire(this.timers.advanceProcessingTime(Number.POSITIVE_INFINITY));
  }

  async close(): Promise<void> {
    this.wakeUp?.dispose();
    await this.aggregator?.close();
  }

  /** Groups the batch by key and merges each key's rows into its pending sessions (nothing written yet). */
  private planKeys(batch: ChangeBatch, times: Float64Array): KeyPlan[] {
    const keys = encodeKeys(batch.data, this.node.groupKeys);
    const hashes = hashRows(batch.data, this.node.groupKeys);
    const groups = groupRows(keys, hashes);
    const keyBytes = new Array<Uint8Array>(groups.count);
    const keyHashes = new Uint32Array(groups.count);
    for (let g = 0; g < groups.count; g++) {
      const first = groups.rows[groups.start[g]];
      keyBytes[g] = keys.bytes.slice(keys.offsets[first], keys.offsets[first + 1]);
      keyHashes[g] = hashes[first];
    }
    const states = this.state.getMany(keyBytes, keyHashes);
    const keyReaders = this.output.keyReaders(batch);
    return keyBytes.map((key, g) => {
      const rows = groups.rows.slice(groups.start[g], groups.start[g + 1]);
      const runs = sessionRuns(rows, times, this.gap);
      const before = states[g]?.[1] ?? [];
      return {
        key, hash: keyHashes[g], rows, runs, before,
        keyValues: states[g]?.[0] ?? keyReaders.map((r) => r(rows[0])),
        merged: mergeIntoSessions(before.map(([start, end]) => ({ start, end })), runs),
      };
    });
  }

  /** Removes new sessions that end before the watermark from the plans; returns their rows (late). */
  private takeLateRuns(plans: KeyPlan[]): number[] {
    const watermark = this.eventTime ? this.timers.currentWatermark : Number.NEGATIVE_INFINITY;
    const late: number[] = [];
    for (let p = 0; p < plans.length; p++) {
      const plan = plans[p];
      const isLate = (m: MergedSession) => m.sessions.length === 0 && m.end - 1 <= watermark;
      if (!plan.merged.some(isLate)) continue;
      for (const m of plan.merged.filter(isLate)) {
        for (const r of m.runs) for (let i = plan.runs[r].from; i < plan.runs[r].to; i++) late.push(plan.rows[i]);
      }
      plans[p] = { ...plan, merged: plan.merged.filter((m) => !isLate(m)) };
    }
    return late.sort((a, b) => a - b);
  }

  /** Merges bridged sessions, accumulates the rows, moves timers and writes every touched key's sessions back. */
  private async apply(batch: ChangeBatch, plans: readonly KeyPlan[]): Promise<void> {
    // Sessions that take new rows, in plan order: their base state (first pending session) and the others to merge.
    const touched: { plan: KeyPlan; merged: MergedSession }[] = [];
    for (const plan of plans) for (const m of plan.merged) if (m.runs.length > 0) touched.push({ plan, merged: m });
    if (touched.length === 0) return;
    const bases: (AccumulatorStates | undefined)[] = touched.map(({ plan, merged }) => (merged.sessions.length ? plan.before[merged.sessions[0]][3] : undefined));
    const sources: AccumulatorStates[] = [];
    const into: number[] = [];
    const mergeTargets: number[] = [];
    touched.forEach(({ plan, merged }, t) => {
      if (merged.sessions.length < 2) return;
      mergeTargets.push(t);
      for (const s of merged.sessions.slice(1)) { sources.push(plan.before[s][3]); into.push(mergeTargets.length - 1); }
    });
    if (sources.length > 0) {
      const mergedStates = await this.aggregator.merge(mergeTargets.map((t) => bases[t]!), sources, Int32Array.from(into));
      mergeTargets.forEach((t, i) => { bases[t] = mergedStates[i]; });
    }
    const rows: number[] = [];
    const start = new Int32Array(touched.length + 1);
    touched.forEach(({ plan, merged }, t) => {
      for (const r of merged.runs) for (let i = plan.runs[r].from; i < plan.runs[r].to; i++) rows.push(plan.rows[i]);
      start[t + 1] = rows.length;
    });
    const accs = await this.aggregator.accumulate(batch, { count: touched.length, rows: Int32Array.from(rows), start }, bases);
    const newSession = new Map<MergedSession, Session>();
    touched.forEach(({ plan, merged }, t) => {
      const count = merged.sessions.reduce((c, s) => c + plan.before[s][2], 0) + (start[t + 1] - start[t]);
      newSession.set(merged, [merged.start, merged.end, count, accs[t]]);
      this.moveTimers(plan, merged);
    });
    const keys = plans.map((p) => p.key);
    const hashes = Uint32Array.from(plans, (p) => p.hash);
    this.state.putMany(keys, hashes, plans.map((plan): KeySessions | undefined => (plan.merged.length === 0 ? undefined : [
      plan.keyValues,
      plan.merged.map((m) => newSession.get(m) ?? plan.before[m.sessions[0]]),
    ])));
  }

  /** Deletes the timers of the sessions `merged` replaces and registers its own. */
  private moveTimers(plan: KeyPlan, merged: MergedSession): void {
    const { key, hash } = plan;
    for (const s of merged.sessions) {
      const end = plan.before[s][1];
      if (end === merged.end) continue;
      if (this.eventTime) this.timers.deleteEventTimeTimer(key, hash, 0, end - 1);
      else this.timers.deleteProcessingTimeTimer(key, hash, 0, end - 1);
    }
    if (this.eventTime) this.timers.registerEventTimeTimer(key, hash, 0, merged.end - 1);
    else this.timers.registerProcessingTimeTimer(key, hash, 0, merged.end - 1);
  }

  /** Emits every session of the fired timers' keys that has ended by the timers' time, as one batch. */
  private async fire(timers: Timer[]): Promise<void> {
    if (timers.length === 0) return;
    const byKey = new Map<string, { key: Uint8Array; hash: number; upTo: number }>();
    for (const t of timers) {
      const id = Buffer.from(t.key.buffer, t.key.byteOffset, t.key.byteLength).toString('latin1');
      const e = byKey.get(id);
      if (e === undefined) byKey.set(id, { key: t.key, hash: t.hash, upTo: t.time });
      else e.upTo = Math.max(e.upTo, t.time);
    }
    const entries = [...byKey.values()];
    const keys = entries.map((e) => e.key);
    const hashes = Uint32Array.from(entries, (e) => e.hash);
    const states = this.state.getMany(keys, hashes);
    const fired: { keyValues: readonly unknown[]; session: Session }[] = [];
    const after = states.map((st, i): KeySessions | undefined => {
      if (st === undefined) return undefined;
      const remaining = st[1].filter((s) => s[1] - 1 > entries[i].upTo);
      for (const s of st[1]) if (s[1] - 1 <= entries[i].upTo) fired.push({ keyValues: st[0], session: s });
      return remaining.length > 0 ? [st[0], remaining] : undefined;
    });
    this.state.putMany(keys, hashes, after);
    if (fired.length === 0) return;
    const results = await this.aggregator.results(fired.map((f) => f.session[3]));
    await this.ctx.output.emit(this.output.build({
      keys: fired.map((f) => f.keyValues),
      starts: fired.map((f) => f.session[0]),
      ends: fired.map((f) => f.session[1]),
      results,
    }));
  }
}

import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { AggregateCall } from '../../plan/aggregate-call.ts';
import type { WindowAggregateNode } from '../../plan/physical/physical-node.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import { hashRows } from '../../state/row-hash.ts';
import type { InternalTimerService, Timer } from '../../time/timer-service.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { encodeKeys } from './group-aggregate-keys.ts';
import { ProcessingTimeWakeUp } from './window/processing-wakeup.ts';
import { sliceAssigner, sliceable, type SliceAssigner } from './window/slice-assigner.ts';
import { findSlice, keySlicesSerializer, withSlices, type KeySlices, type Slice } from './window/key-slices.ts';
import { firedGroups, listedKeys, SliceRefs, type FiredGroups, type ListedKeys } from './window/slice-firing.ts';
import { SliceIndex } from './window/slice-index.ts';
import { rowTimesMs, type AlignedWindowSpec } from './window/window-assigner.ts';
import type { AccumulatorStates, WindowAggregator } from './window/window-aggregator.ts';
import { createWindowAggregator } from './window/udaf-window-aggregator.ts';
import { WINDOW_BUFFER_SIZE_LIMIT, WindowBuffer } from './window/window-buffer.ts';
import { rowCountDelta } from './window/window-groups.ts';
import { identityRows, planFold } from './window/fold-plan.ts';
import { WindowAggregateOutput } from './window/window-output.ts';

/** Built-in aggregates whose result depends on arrival order, which merging slices in time order would not keep. */
const ORDER_SENSITIVE = new Set(['FIRST_VALUE', 'LAST_VALUE', 'LISTAGG']);

/**
 * Whether a window aggregation can run sliced: TUMBLE always (a window is one slice, nothing merges); HOP and
 * CUMULATE when every call merges exactly: built-ins other than the order-sensitive ones, and general UDAFs with
 * merge() (pandas UDAFs keep their rows per window and stay on the per-window path).
 */
export function canSlice(node: WindowAggregateNode): boolean {
  const spec = node.window;
  if (spec.kind === 'session' || !sliceable(spec)) return false;
  return spec.kind === 'tumble' || node.aggregates.every(mergesExactly);
}

function mergesExactly(call: AggregateCall): boolean {
  if (call.udf === undefined) return !ORDER_SENSITIVE.has(call.fn);
  const info = call.udf.aggregate;
  return info !== undefined && info.accumulatorType !== null && info.hasMerge;
}

/**
 * Window aggregation over TUMBLE, HOP and CUMULATE windows by slices (Flink's SlicingWindowOperator): a row is
 * folded once, into its key's slice, and a window fires by merging its slices' accumulators.
 *
 * State: one entry per key holding its live slices ({@link KeySlices}), so a fold or a firing reads and writes each
 * key once; the slice index ({@link SliceIndex}) lists the keys of every (key group, slice), and timers are per
 * (key group, window end), registered when a key group's slice first gets a key.
 *
 * Fold, per buffered run of rows (columnar): each row's slice ({@link SliceAssigner}; a row whose every window has
 * fired is late and reported), rows grouped by key and by (key, slice) with typed-array hashing, every touched key
 * read once (`getMany`), its touched slices accumulated in one aggregator call, every key written once (`putMany`).
 *
 * Firing, for all due timers at once: the index entries of the fired windows' slices (each read once), the listed
 * keys' states (one `getMany`), per window and key the merge of its slices in time order, evaluated in one
 * aggregator call and emitted as one append-only batch. Slices whose last window has fired are dropped with their
 * index entries; CUMULATE keeps a fired window's merge as its last slice in place of its slices.
 */
export class SlicingWindowAggregateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<KeySlices>;
  private index!: SliceIndex;
  private timers!: InternalTimerService;
  private wakeUp: ProcessingTimeWakeUp | null = null;
  private aggregator!: WindowAggregator;
  private buffer!: WindowBuffer;
  private readonly output: WindowAggregateOutput;
  private readonly spec: AlignedWindowSpec;
  private readonly assigner: SliceAssigner;
  private readonly eventTime: boolean;
  /** Windows ending at or before `firedUpTo + 1` have fired (the watermark, or the clock on processing time). */
  private firedUpTo = Number.NEGATIVE_INFINITY;

  constructor(private readonly node: WindowAggregateNode) {
    if (node.window.kind === 'session' || !canSlice(node)) throw new Error('internal: this window aggregation cannot be sliced');
    this.spec = node.window;
    this.assigner = sliceAssigner(node.window);
    this.eventTime = node.timeDomain === 'event';
    this.output = new WindowAggregateOutput(node);
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    // User-defined aggregate calls get their runners here; their accumulator types version the state.
    const { aggregator, stateTag } = await createWindowAggregator(this.node.aggregates, this.node.inputSchema, this.node.inputUpdates, ctx);
    this.aggregator = aggregator;
    const backend = ctx.keyedState();
    this.state = backend.declareValueState('window-key-slices', keySlicesSerializer(stateTag));
    this.timers = ctx.timerService();
    this.index = new SliceIndex(backend, 'window-slice-keys', this.timers, this.eventTime);
    this.buffer = new WindowBuffer(Math.max(1, ctx.config.get(WINDOW_BUFFER_SIZE_LIMIT)));
    if (!this.eventTime) {
      this.wakeUp = new ProcessingTimeWakeUp(ctx.processingTime, this.timers, (now) => this.fire(this.timers.advanceProcessingTime(now), now));
    }
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    if (!this.eventTime) {
      // Processing time: the clock at arrival, folded at once; never before what has fired, so no row is late.
      await this.fold(batch, new Float64Array(n).fill(Math.max(this.ctx.processingTime.now(), this.firedUpTo + 1)));
      this.wakeUp!.arm();
      return;
    }
    const times = rowTimesMs(batch.data.getChildAt(this.spec.timeIndex)!.data[0], () => this.ctx.operatorName);
    if (this.buffer.add(batch, times)) await this.flush();
  }

  async processWatermark(timestamp: number): Promise<void> {
    if (!this.eventTime) return;
    await this.flush();
    await this.fire(this.timers.advanceWatermark(timestamp), timestamp);
  }

  async prepareSnapshot(_checkpointId: number): Promise<void> { await this.flush(); }

  async endInput(): Promise<void> {
    await this.flush();
    if (!this.eventTime) await this.fire(this.timers.advanceProcessingTime(Number.POSITIVE_INFINITY), Number.POSITIVE_INFINITY);
  }

  async close(): Promise<void> {
    this.wakeUp?.dispose();
    await this.aggregator?.close();
  }

  private async flush(): Promise<void> {
    const buffered = this.buffer.take();
    if (buffered !== null) await this.fold(buffered.batch, buffered.times);
  }

  /** Folds rows (row i at time `times[i]`) into their keys' slices; reports late rows. */
  private async fold(batch: ChangeBatch, times: Float64Array): Promise<void> {
    const n = batch.numRows;
    const ends = new Float64Array(n);
    let keep: Uint8Array | null = null;
    const late: number[] = [];
    for (let i = 0; i < n; i++) {
      const end = this.assigner.target(this.assigner.sliceEnd(times[i]), this.firedUpTo);
      if (end === end) { ends[i] = end; continue; }
      (keep ??= new Uint8Array(n).fill(1))[i] = 0;
      late.push(i);
    }
    if (late.length > 0) await this.ctx.reportLateRows(batch, late);
    const { groupKeys } = this.node;
    const keys = encodeKeys(batch.data, groupKeys);
    const hashes = hashRows(batch.data, groupKeys);
    const plan = planFold(keys, hashes, ends, keep, this.assigner.sliceLength);
    if (plan.keyCount === 0) return;
    const values = this.state.getMany(plan.keyBytes, plan.keyHashes);
    const before = new Array<Slice | undefined>(plan.sliceCount);
    for (let s = 0; s < plan.sliceCount; s++) {
      const slices = values[plan.sliceKey[s]]?.[1];
      const i = slices === undefined ? -1 : findSlice(slices, plan.sliceEnd[s]);
      before[s] = i < 0 ? undefined : slices![i];
    }
    const { rows, start } = plan.bySlice;
    const accs = await this.aggregator.accumulate(batch, { count: plan.sliceCount, rows, start }, before.map((b) => b?.[2]));

    const keyReaders = this.output.keyReaders(batch);
    const after = new Array<KeySlices | undefined>(plan.keyCount);
    const added: { keys: Uint8Array[]; hashes: number[]; ends: number[] } = { keys: [], hashes: [], ends: [] };
    for (let k = 0; k < plan.keyCount; k++) {
      const updates: Slice[] = [];
      let copy: Uint8Array | undefined;
      for (let u = plan.keySliceStart[k]; u < plan.keySliceStart[k + 1]; u++) {
        const s = plan.keySlices[u];
        const count = (before[s]?.[1] ?? 0) + rowCountDelta(batch.kinds, rows, start[s], start[s + 1]);
        updates.push([plan.sliceEnd[s], count, accs[s]]);
        if (before[s] !== undefined || count <= 0) continue;
        added.keys.push((copy ??= plan.keyBytes[k].slice()));
        added.hashes.push(plan.keyHashes[k]);
        added.ends.push(plan.sliceEnd[s]);
      }
      const slices = withSlices(values[k]?.[1] ?? [], updates);
      after[k] = slices.length === 0 ? undefined : [values[k]?.[0] ?? keyReaders.map((r) => r(plan.firstRow[k])), slices];
    }
    this.state.putMany(plan.keyBytes, plan.keyHashes, after);
    if (added.keys.length > 0) this.indexNewSlices(added.keys, added.hashes, added.ends);
  }

  /** Lists keys new to slices in the index; a (key group, slice) new to the index gets the timers of its windows. */
  private indexNewSlices(keys: Uint8Array[], hashes: number[], ends: number[]): void {
    const created = this.index.add(keys, hashes, ends);
    for (let i = 0; i < created.groups.length; i++) {
      for (const w of this.assigner.windowEnds(created.ends[i])) if (w - 1 > this.firedUpTo) this.index.registerWindow(created.groups[i], w);
    }
  }

  /** Fires the windows of `timers` (namespace = window end, hash = key group), due up to `upTo`, as one batch. */
  private async fire(timers: Timer[], upTo: number): Promise<void> {
    if (upTo > this.firedUpTo) this.firedUpTo = upTo;
    if (timers.length === 0) return;
    this.index.windowsFired(upTo + 1);
    const refs = new SliceRefs();
    const windowEnds = timers.map((t) => t.namespace);
    const windowStarts = windowEnds.map((end) => this.assigner.windowStart(end));
    const windowRefs = timers.map((t) => {
      const slices = this.assigner.slicesOf(t.namespace);
      const out = new Int32Array(slices.length);
      for (let i = 0; i < slices.length; i++) out[i] = refs.ref(t.hash, slices[i]);
      return out;
    });
    const listed = listedKeys(refs, this.index.read(refs.groups, refs.ends));
    const values = this.state.getMany(listed.keys, listed.groups);
    const fired = firedGroups(windowEnds, windowStarts, windowRefs, listed, values);
    const kept = this.assigner.mergesIntoLastSlice ? this.keptMerges(windowRefs, windowEnds, refs) : new KeptMerges();
    const keep = kept.isEmpty() ? null : Uint8Array.from(fired.window, (w) => (kept.isKept(w) ? 1 : 0));
    const merged = fired.count === 0 ? null : await this.aggregator.mergeAndEvaluate(fired.states,
      { count: fired.count, start: fired.start, members: identityRows(fired.states.length) }, keep);
    this.cleanUp(refs, windowRefs, windowEnds, listed, values, fired, kept, merged?.states ?? null);
    if (merged === null) return;
    const keys = new Array<readonly unknown[]>(fired.count);
    const starts = new Float64Array(fired.count);
    const ends = new Float64Array(fired.count);
    for (let g = 0; g < fired.count; g++) {
      keys[g] = values[fired.key[g]]![0];
      ends[g] = windowEnds[fired.window[g]];
      starts[g] = windowStarts[fired.window[g]];
    }
    await this.ctx.output.emit(this.output.build({ keys, starts, ends, results: merged.results }));
  }

  /**
   * After a firing: drops the slices whose last window has fired, from the keys' states and the index; CUMULATE
   * replaces the slices of each cycle's last fired window by that window's merge, kept as its last slice.
   */
  private cleanUp(refs: SliceRefs, windowRefs: readonly Int32Array[], windowEnds: readonly number[], listed: ListedKeys,
    values: readonly (KeySlices | undefined)[], fired: FiredGroups, kept: KeptMerges, mergedStates: (AccumulatorStates | undefined)[] | null): void {
    const expired = (end: number): boolean => this.assigner.lastWindowEnd(end) - 1 <= this.firedUpTo;
    // The merged slices that replace others, by key.
    const mergedOf = new Map<number, Slice[]>();
    for (let g = 0; g < fired.count; g++) {
      const w = fired.window[g];
      if (!kept.isKept(w)) continue;
      const slice: Slice = [windowEnds[w], fired.rowCounts[g], mergedStates![g]!];
      const list = mergedOf.get(fired.key[g]);
      if (list === undefined) mergedOf.set(fired.key[g], [slice]); else list.push(slice);
    }
    const changedKeys: Uint8Array[] = [];
    const changedGroups: number[] = [];
    const changed: (KeySlices | undefined)[] = [];
    for (let id = 0; id < listed.count; id++) {
      const state = values[id];
      if (state === undefined) continue;
      const group = listed.groups[id];
      const left = state[1].filter((s) => !expired(s[0]) && !kept.replaces(group, s[0], this.assigner));
      const merges = mergedOf.get(id);
      if (left.length === state[1].length && merges === undefined) continue;
      const slices = merges === undefined ? left : withSlices(left, merges.sort((a, b) => a[0] - b[0]));
      changedKeys.push(listed.keys[id]);
      changedGroups.push(group);
      changed.push(slices.length === 0 ? undefined : [state[0], slices]);
    }
    this.state.putMany(changedKeys, changedGroups, changed);
    for (let r = 0; r < refs.count; r++) {
      const end = refs.ends[r];
      if (expired(end) || kept.replaces(refs.groups[r], end, this.assigner)) this.index.set(refs.groups[r], end, []);
    }
    for (const w of kept.windows()) {
      const keys: Uint8Array[] = [];
      for (let g = 0; g < fired.count; g++) if (fired.window[g] === w) keys.push(listed.keys[fired.key[g]]);
      this.index.set(refs.groups[windowRefs[w][0]], windowEnds[w], keys);
    }
  }

  /** CUMULATE: the last fired window of each (key group, cycle) whose cycle goes on: its merge is kept as a slice. */
  private keptMerges(windowRefs: readonly Int32Array[], windowEnds: readonly number[], refs: SliceRefs): KeptMerges {
    const kept = new KeptMerges();
    windowEnds.forEach((end, w) => {
      if (this.assigner.lastWindowEnd(end) - 1 > this.firedUpTo) kept.set(refs.groups[windowRefs[w][0]], this.assigner.windowStart(end), end, w);
    });
    return kept;
  }
}

/** CUMULATE's kept merges of a firing: per (key group, cycle start), the last fired window (its end and index). */
class KeptMerges {
  private readonly byGroup = new Map<number, Map<number, { end: number; window: number }>>();
  private readonly kept = new Set<number>();

  set(group: number, cycleStart: number, end: number, window: number): void {
    let byCycle = this.byGroup.get(group);
    if (byCycle === undefined) this.byGroup.set(group, (byCycle = new Map()));
    const previous = byCycle.get(cycleStart);
    if (previous !== undefined) this.kept.delete(previous.window);
    byCycle.set(cycleStart, { end, window });
    this.kept.add(window);
  }

  isKept(window: number): boolean { return this.kept.has(window); }

  isEmpty(): boolean { return this.kept.size === 0; }

  windows(): Iterable<number> { return this.kept; }

  /** Whether slice `end` of a key in `group` is replaced by a kept merge (it is that window's or an earlier slice). */
  replaces(group: number, end: number, assigner: SliceAssigner): boolean {
    if (this.kept.size === 0) return false;
    const merge = this.byGroup.get(group)?.get(assigner.windowStart(end));
    return merge !== undefined && end <= merge.end;
  }
}

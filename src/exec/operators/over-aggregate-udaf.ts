/**
 * OVER aggregation with user-defined aggregate functions (Python or TypeScript): an {@link OverEvaluator} that
 * turns a firing — every partition's frames at once — into requests that serve all partitions together.
 *
 * - Bounded frames (`ROWS/RANGE BETWEEN n PRECEDING AND CURRENT ROW`), general or pandas UDAFs: ONE `complete`
 *   request per call and firing, a group per emitted row holding the rows of its frame (the operator keeps those
 *   rows as history). No accumulator state and no retract() are needed; the cost is the sum of the frame sizes.
 * - Unbounded frames (`UNBOUNDED PRECEDING`), general UDAFs: the partition's accumulator is kept in state (it
 *   covers rows the operator no longer keeps). Each emitted row j is a group that starts from the partition's
 *   accumulator and gets the rows up to its frame end; the last group's accumulator is the partition's new one.
 *   That is one request per firing while the prefixes stay small (their total at most 4 × the new rows, or 4096
 *   rows); beyond that, partitions advance in rounds of {@link ROUND_OUTPUTS} emitted rows (one request per round
 *   for all partitions), which bounds the rows shipped to ~8.5 × the new rows.
 *
 * The state per partition is `{ t, a }`: `t` names the calls' accumulator types (the state's version: a state
 * written under other types is refused) and `a` holds each call's accumulator in state form.
 */
import type * as arrow from 'apache-arrow';
import { argReader, columnFromInternal } from '../../aggregate/internal-values.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { ExecutionError } from '../../errors/errors.ts';
import type { AggregateCall } from '../../plan/aggregate-call.ts';
import type { OperatorContext } from '../operator.ts';
import {
  registerOverEvaluatorFactory, type OverEvaluation, type OverEvaluator, type OverEvaluatorSpec, type OverWork,
} from './over-aggregate-evaluator.ts';
import { UdafCalls, udafRows } from './udaf-calls.ts';

/** Emitted rows per partition and round when prefixes would be too large for one request. */
export const ROUND_OUTPUTS = 16;

interface PartitionState { readonly t: string; readonly a: unknown[] }

export class UdafOverEvaluator implements OverEvaluator {
  constructor(private readonly spec: OverEvaluatorSpec, private readonly udafs: UdafCalls) {}

  async evaluate(work: OverWork, states: readonly unknown[]): Promise<OverEvaluation> {
    const accs = states.map((s) => this.load(s));
    const results = await Promise.all(this.spec.calls.map((call, c) => (this.spec.retracting
      ? this.completeFrames(c, call, work)
      : this.unboundedFrames(c, call, work, accs))));
    const tag = this.udafs.stateTag;
    return {
      results,
      states: this.spec.retracting ? states.map(() => null) : accs.map((a): PartitionState => ({ t: tag, a })),
    };
  }

  close(): Promise<void> { return this.udafs.close(); }

  /** One group per emitted row with the rows of its frame: a single `complete` request. */
  private completeFrames(c: number, call: AggregateCall, work: OverWork): Promise<arrow.Data> {
    const outputs = work.outputStart[work.partitions];
    const selected: number[] = [];
    const groupIds: number[] = [];
    const keep = rowFilter(call, work);
    for (let j = 0; j < outputs; j++) {
      for (let r = work.frameStart[j]; r < work.frameEnd[j]; r++) {
        if (keep(r)) { selected.push(r); groupIds.push(j); }
      }
    }
    const rows = udafRows(call.args.map((i) => work.column(i)), Int32Array.from(selected), Int32Array.from(groupIds), null);
    return this.udafs.complete(c, outputs, rows);
  }

  /**
   * Unbounded frames: every emitted row's value from the partition's accumulator plus the rows up to its frame
   * end; `accs[p][c]` is updated to the accumulator after the partition's last frame.
   */
  private async unboundedFrames(c: number, call: AggregateCall, work: OverWork, accs: unknown[][]): Promise<arrow.Data> {
    if (!this.udafs.isIncremental(c)) {
      throw new ExecutionError(`pandas aggregate function ${call.fn} cannot compute an unbounded OVER frame: it would need every row of the partition`, {
        hint: 'Use a bounded frame (ROWS/RANGE BETWEEN … PRECEDING AND CURRENT ROW) or a general AggregateFunction.',
      }, ErrorCodes.NOT_SUPPORTED);
    }
    const P = work.partitions;
    const outputs = work.outputStart[P];
    const keep = rowFilter(call, work);
    const base = Int32Array.from({ length: P }, (_, p) => work.partitionStart[p] + work.historyLength[p]);
    let prefixRows = 0;
    for (let p = 0; p < P; p++) for (let j = work.outputStart[p]; j < work.outputStart[p + 1]; j++) prefixRows += work.frameEnd[j] - base[p];
    const newRows = work.partitionStart[P] - base.reduce((n, b, p) => n + b - work.partitionStart[p], 0);
    const perRound = prefixRows <= Math.max(4096, 4 * newRows) ? Number.MAX_SAFE_INTEGER : ROUND_OUTPUTS;
    const values = new Array<unknown>(outputs);
    const next = Int32Array.from({ length: P }, (_, p) => work.outputStart[p]);
    const columns = call.args.map((i) => work.column(i));
    for (;;) {
      const groupAcc: unknown[] = [];
      const groupOutput: number[] = [];
      const selected: number[] = [];
      const groupIds: number[] = [];
      const lastGroup = new Int32Array(P).fill(-1);
      for (let p = 0; p < P; p++) {
        const end = Math.min(work.outputStart[p + 1], next[p] + perRound);
        for (let j = next[p]; j < end; j++) {
          const g = groupAcc.length;
          groupAcc.push(accs[p][c]);
          groupOutput.push(j);
          for (let r = base[p]; r < work.frameEnd[j]; r++) if (keep(r)) { selected.push(r); groupIds.push(g); }
          lastGroup[p] = g;
        }
      }
      if (groupAcc.length === 0) break;
      const rows = udafRows(columns, Int32Array.from(selected), Int32Array.from(groupIds), null);
      const r = await this.udafs.accumulate(c, groupAcc.length, rows, groupAcc, { results: true });
      const read = argReader(r.results!, call.type);
      groupOutput.forEach((j, g) => { values[j] = read(g); });
      for (let p = 0; p < P; p++) {
        if (lastGroup[p] < 0) continue;
        const lastOutput = groupOutput[lastGroup[p]];
        accs[p][c] = r.accumulators[lastGroup[p]];
        base[p] = work.frameEnd[lastOutput];
        next[p] = lastOutput + 1;
      }
    }
    return columnFromInternal(call.type, values);
  }

  /** A partition's accumulators from its state (none yet: all null), refusing state of other accumulator types. */
  private load(state: unknown): unknown[] {
    if (state === undefined || state === null) return this.spec.calls.map(() => null);
    const s = state as PartitionState;
    if (s.t !== this.udafs.stateTag) {
      throw new ExecutionError(`OVER aggregation state was written for ${s.t}, but the functions now declare ${this.udafs.stateTag}`, {
        hint: 'An aggregate function\'s accumulator type changed; its old accumulators cannot be reused. Start the job without this state.',
      }, ErrorCodes.RESTORE_FAILED);
    }
    return [...s.a];
  }
}

/** Whether row r of the firing counts for `call` (its FILTER column, when it has one, is TRUE). */
function rowFilter(call: AggregateCall, work: OverWork): (r: number) => boolean {
  const f = call.filter;
  return f === null ? () => true : (r) => work.rows[r][f] === true;
}

/** Registered with the OVER operator: takes every user-defined aggregate call. */
registerOverEvaluatorFactory({
  name: 'udaf',
  accepts: (call) => call.udf !== undefined,
  async create(spec: OverEvaluatorSpec, ctx: OperatorContext): Promise<OverEvaluator> {
    const udafs = await UdafCalls.open(spec.calls, ctx);
    if (!udafs) throw new ExecutionError('internal: the UDAF OVER evaluator got no user-defined aggregate call', {}, ErrorCodes.INTERNAL);
    return new UdafOverEvaluator(spec, udafs);
  },
});

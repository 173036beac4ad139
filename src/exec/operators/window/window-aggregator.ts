/**
 * The aggregate functions of a window aggregation behind one small interface, so that user-defined aggregate
 * functions (Python / TypeScript UDAFs, which run elsewhere and answer asynchronously) can be plugged in beside the
 * built-in accumulators. The operator owns grouping, keyed state, timers and output; an aggregator only turns rows
 * into accumulator states and states into results, always for many groups in one call: all groups a batch touches,
 * all groups of a firing.
 */
import type * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../../batch/change-batch.ts';
import { RowKind } from '../../../batch/row-kind.ts';
import type { Accumulator } from '../../../aggregate/accumulator.ts';
import { accumulatorForCall } from '../../../aggregate/accumulators/index.ts';
import { argReader, columnFromInternal, type ArgReader } from '../../../aggregate/internal-values.ts';
import type { AggregateCall } from '../../../plan/aggregate-call.ts';
import type { Column } from '../../../types/schema.ts';

/** One group's accumulators: the saved form of each aggregate call's accumulator, plain data kept in keyed state. */
export type AccumulatorStates = readonly unknown[];

/** Rows of one batch by group: group g's rows are `rows[start[g]] .. rows[start[g + 1] - 1]`, in arrival order. */
export interface RowsByGroup {
  readonly count: number;
  /** Row indexes into the batch. */
  readonly rows: Int32Array;
  readonly start: Int32Array;
}

/** States to merge by group: group g merges `states[members[start[g]]]` with the following members, in order. */
export interface MergeGroups {
  readonly count: number;
  readonly start: Int32Array;
  readonly members: Int32Array;
}

/** What {@link WindowAggregator.mergeAndEvaluate} returns. */
export interface MergedResults {
  /** One column per aggregate call, one row per group. */
  readonly results: arrow.Data[];
  /** The merged states of the groups flagged to keep (others undefined); null when none was. */
  readonly states: (AccumulatorStates | undefined)[] | null;
}

/**
 * Accumulates and evaluates the aggregate calls of one window aggregation (one instance per operator subtask).
 * Methods may answer synchronously or with a promise; states passed in are never mutated (they may be shared with
 * state snapshots), new states are returned instead.
 */
export interface WindowAggregator {
  /**
   * Applies each group's rows of `batch` (+I/+U accumulate, -U/-D retract, FILTER flags honoured) to its states
   * (`undefined` = a new group) and returns every group's new states, in group order.
   */
  accumulate(batch: ChangeBatch, groups: RowsByGroup, states: readonly (AccumulatorStates | undefined)[]): AccumulatorStates[] | Promise<AccumulatorStates[]>;
  /**
   * Merges `sources[i]` into `targets[into[i]]` (session windows that a row bridges) and returns the new targets, in
   * target order. Sources merge into a target in the order given.
   */
  merge(targets: readonly AccumulatorStates[], sources: readonly AccumulatorStates[], into: Int32Array): AccumulatorStates[] | Promise<AccumulatorStates[]>;
  /** The results of a firing: one column per aggregate call, one row per state, in order. */
  results(states: readonly AccumulatorStates[]): arrow.Data[] | Promise<arrow.Data[]>;
  /**
   * The results of a sliced firing: each group's states (a window's slices) merged in order, then evaluated; and the
   * merged states of the groups flagged in `keep` (CUMULATE keeps a fired window's merge as its last slice).
   */
  mergeAndEvaluate(states: readonly AccumulatorStates[], groups: MergeGroups, keep: Uint8Array | null): MergedResults | Promise<MergedResults>;
  close(): Promise<void>;
}

/**
 * The built-in aggregate functions (src/aggregate/accumulators): one reused working accumulator per call, loaded
 * with a group's saved state, fed the group's rows and saved again, as the group aggregation operator does.
 */
export class BuiltinWindowAggregator implements WindowAggregator {
  private readonly accs: Accumulator[];

  constructor(private readonly aggregates: readonly AggregateCall[], private readonly inputSchema: readonly Column[], retractable: boolean) {
    this.accs = aggregates.map((a) => accumulatorForCall(a, inputSchema, retractable));
  }

  accumulate(batch: ChangeBatch, groups: RowsByGroup, states: readonly (AccumulatorStates | undefined)[]): AccumulatorStates[] {
    const { accs } = this;
    const n = accs.length;
    const { args, filters } = this.readers(batch);
    const kinds = batch.kinds;
    const out = new Array<AccumulatorStates>(groups.count);
    for (let g = 0; g < groups.count; g++) {
      const before = states[g];
      for (let a = 0; a < n; a++) {
        if (before === undefined) accs[a].reset(); else accs[a].load(before[a]);
      }
      for (let k = groups.start[g]; k < groups.start[g + 1]; k++) {
        const row = groups.rows[k];
        const kind = kinds === null ? RowKind.INSERT : kinds[row];
        const add = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
        for (let a = 0; a < n; a++) {
          const filter = filters[a];
          if (filter !== null && filter(row) !== true) continue;
          if (add) accs[a].accumulate(args[a](row)); else accs[a].retract(args[a](row));
        }
      }
      out[g] = this.save();
    }
    return out;
  }

  merge(targets: readonly AccumulatorStates[], sources: readonly AccumulatorStates[], into: Int32Array): AccumulatorStates[] {
    const bySource = Array.from(targets, () => [] as number[]);
    for (let i = 0; i < sources.length; i++) bySource[into[i]].push(i);
    return targets.map((target, t) => {
      if (bySource[t].length === 0) return target;
      this.accs.forEach((acc, a) => {
        acc.load(target[a]);
        for (const i of bySource[t]) acc.merge(sources[i][a]);
      });
      return this.save();
    });
  }

  results(states: readonly AccumulatorStates[]): arrow.Data[] {
    return this.aggregates.map((call, a) => {
      const acc = this.accs[a];
      const values = states.map((s) => { acc.load(s[a]); return acc.getValue(); });
      return columnFromInternal(call.type, values);
    });
  }

  mergeAndEvaluate(states: readonly AccumulatorStates[], groups: MergeGroups, keep: Uint8Array | null): MergedResults {
    const { start, members } = groups;
    const kept = keep === null ? null : Array.from(keep, (k) => (k === 1 ? new Array<unknown>(this.accs.length) : undefined));
    // Call by call: one accumulator class at a time through the loop.
    const results = this.aggregates.map((call, a) => {
      const acc = this.accs[a];
      const values = new Array<unknown>(groups.count);
      for (let g = 0; g < groups.count; g++) {
        acc.load(states[members[start[g]]][a]);
        for (let m = start[g] + 1; m < start[g + 1]; m++) acc.merge(states[members[m]][a]);
        values[g] = acc.getValue();
        if (kept !== null && keep![g] === 1) kept[g]![a] = acc.save();
      }
      return columnFromInternal(call.type, values);
    });
    return { results, states: kept };
  }

  async close(): Promise<void> {}

  private save(): unknown[] {
    const out = new Array<unknown>(this.accs.length);
    for (let a = 0; a < this.accs.length; a++) out[a] = this.accs[a].save();
    return out;
  }

  private readers(batch: ChangeBatch): { args: ArgReader[]; filters: (ArgReader | null)[] } {
    const col = (i: number): ArgReader => argReader(batch.data.getChildAt(i)!.data[0], this.inputSchema[i].type);
    const args = this.aggregates.map((a): ArgReader => {
      if (a.args.length === 0) return () => true;
      if (a.args.length === 1) return col(a.args[0]);
      const readers = a.args.map(col);
      return (row) => readers.map((r) => r(row));
    });
    return { args, filters: this.aggregates.map((a) => (a.filter === null ? null : col(a.filter))) };
  }
}

/**
 * The {@link WindowAggregator} of window aggregations that call user-defined aggregate functions (Python or
 * TypeScript), beside built-in ones. Every method serves all groups it is given with ONE request per UDAF call:
 * a batch's touched windows, a firing's due windows, a session merge's targets.
 *
 * Per call position, a window's state holds:
 * - a built-in call: its accumulator's saved form (through {@link BuiltinWindowAggregator});
 * - a general UDAF: its accumulator in state form (src/udf/accumulator-state.ts). Rows are applied as they arrive
 *   (`accumulate`, results not asked), a firing reads the results (`accumulate` with no rows), sessions merge with
 *   the function's merge();
 * - a pandas UDAF: the window's argument rows (state form of `ROW<a0 T0, a1 T1, ...>`), since a pandas function
 *   needs the complete group: a firing sends all due windows' rows in one `complete` request, a group per window.
 */
import * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../../batch/change-batch.ts';
import { RowKind } from '../../../batch/row-kind.ts';
import { ExecutionError } from '../../../errors/errors.ts';
import { ErrorCodes } from '../../../errors/weir-error.ts';
import { argReader } from '../../../aggregate/internal-values.ts';
import { columnFromInternal } from '../../../aggregate/internal-values.ts';
import type { AggregateCall } from '../../../plan/aggregate-call.ts';
import type { DataType } from '../../../types/data-type.ts';
import type { Column } from '../../../types/schema.ts';
import { AccumulatorStateCodec } from '../../../udf/accumulator-state.ts';
import type { OperatorContext } from '../../operator.ts';
import { UdafCalls, udafPositions, udafRows } from '../udaf-calls.ts';
import { BuiltinWindowAggregator, type AccumulatorStates, type MergedResults, type MergeGroups, type RowsByGroup, type WindowAggregator } from './window-aggregator.ts';

/**
 * The aggregator for `aggregates`: the built-in one when no call is a UDAF, else a {@link UdafWindowAggregator}
 * (its runners are opened here, so this is where a missing module or a dead interpreter fails the job).
 * `stateTag` is to be appended to the operator's state serializer id (empty without UDAFs).
 */
export async function createWindowAggregator(aggregates: readonly AggregateCall[], inputSchema: readonly Column[], retractable: boolean,
  ctx: OperatorContext): Promise<{ aggregator: WindowAggregator; stateTag: string }> {
  const udafs = await UdafCalls.open(aggregates, ctx);
  if (!udafs) return { aggregator: new BuiltinWindowAggregator(aggregates, inputSchema, retractable), stateTag: '' };
  return { aggregator: new UdafWindowAggregator(aggregates, inputSchema, retractable, udafs), stateTag: `+${udafs.stateTag}` };
}

export class UdafWindowAggregator implements WindowAggregator {
  private readonly builtinPositions: number[];
  private readonly builtins: BuiltinWindowAggregator | null;
  private readonly positions: number[];
  /** Pandas call position → codec of its kept rows (`ROW<a0 T0, ...>`). */
  private readonly rowCodecs = new Map<number, { codec: AccumulatorStateCodec; rowType: DataType }>();

  constructor(private readonly aggregates: readonly AggregateCall[], private readonly inputSchema: readonly Column[], retractable: boolean,
    private readonly udafs: UdafCalls) {
    this.positions = udafPositions(aggregates);
    this.builtinPositions = aggregates.flatMap((a, i) => (a.udf ? [] : [i]));
    this.builtins = this.builtinPositions.length
      ? new BuiltinWindowAggregator(this.builtinPositions.map((p) => aggregates[p]), inputSchema, retractable) : null;
    for (const p of this.positions) {
      if (udafs.isIncremental(p)) continue;
      const rowType: DataType = {
        kind: 'ROW', nullable: true,
        fields: aggregates[p].args.map((col, i) => ({ name: `a${i}`, type: inputSchema[col].type })),
      };
      this.rowCodecs.set(p, { codec: new AccumulatorStateCodec(rowType), rowType });
    }
  }

  async accumulate(batch: ChangeBatch, groups: RowsByGroup, states: readonly (AccumulatorStates | undefined)[]): Promise<AccumulatorStates[]> {
    const builtinStates = this.builtins?.accumulate(batch, groups, states.map((s) => (s === undefined ? undefined : this.builtinPositions.map((p) => s[p]))));
    const udafStates = await Promise.all(this.positions.map((p) => (this.rowCodecs.has(p)
      ? this.keepRows(p, batch, groups, states)
      : this.accumulateCall(p, batch, groups, states))));
    return this.assemble(groups.count, builtinStates ?? null, udafStates);
  }

  async merge(targets: readonly AccumulatorStates[], sources: readonly AccumulatorStates[], into: Int32Array): Promise<AccumulatorStates[]> {
    const builtinStates = this.builtins?.merge(
      targets.map((t) => this.builtinPositions.map((p) => t[p])), sources.map((s) => this.builtinPositions.map((p) => s[p])), into);
    const udafStates = await Promise.all(this.positions.map(async (p) => {
      if (this.rowCodecs.has(p)) {
        const merged = targets.map((t) => [...(t[p] as unknown[])]);
        sources.forEach((s, i) => merged[into[i]].push(...(s[p] as unknown[])));
        return merged;
      }
      const r = await this.udafs.merge(p, targets.length, { groupIds: into, accumulators: sources.map((s) => s[p]) }, targets.map((t) => t[p]), { results: false });
      return r.accumulators;
    }));
    return this.assemble(targets.length, builtinStates ?? null, udafStates);
  }

  async results(states: readonly AccumulatorStates[]): Promise<arrow.Data[]> {
    const builtinResults = this.builtins?.results(states.map((s) => this.builtinPositions.map((p) => s[p])));
    const udafResults = await Promise.all(this.positions.map((p) => (this.rowCodecs.has(p) ? this.completeCall(p, states) : this.readOut(p, states))));
    return this.aggregates.map((_, a) => (this.aggregates[a].udf ? udafResults[this.positions.indexOf(a)] : builtinResults![this.builtinPositions.indexOf(a)]));
  }

  /** The first state of each group is the merge target, the others its sources: one merge request per UDAF call. */
  async mergeAndEvaluate(states: readonly AccumulatorStates[], groups: MergeGroups, keep: Uint8Array | null): Promise<MergedResults> {
    const { start, members } = groups;
    const targets = new Array<AccumulatorStates>(groups.count);
    const sources: AccumulatorStates[] = [];
    const into: number[] = [];
    for (let g = 0; g < groups.count; g++) {
      targets[g] = states[members[start[g]]];
      for (let m = start[g] + 1; m < start[g + 1]; m++) { sources.push(states[members[m]]); into.push(g); }
    }
    const merged = sources.length === 0 ? targets : await this.merge(targets, sources, Int32Array.from(into));
    return { results: await this.results(merged), states: keep === null ? null : merged.map((m, g) => (keep[g] === 1 ? m : undefined)) };
  }

  close(): Promise<void> { return this.udafs.close(); }

  /** General UDAF: the batch's rows of every touched window in one request; the windows' new accumulators. */
  private async accumulateCall(p: number, batch: ChangeBatch, groups: RowsByGroup, states: readonly (AccumulatorStates | undefined)[]): Promise<unknown[]> {
    const { selected, groupIds, kinds } = this.callRows(p, batch, groups);
    const columns = this.aggregates[p].args.map((i) => batch.data.getChildAt(i)!.data[0]);
    const r = await this.udafs.accumulate(p, groups.count, udafRows(columns, selected, groupIds, kinds), states.map((s) => s?.[p] ?? null), { results: false });
    return r.accumulators;
  }

  /** A firing of general UDAF windows: their accumulators read out, one request. */
  private async readOut(p: number, states: readonly AccumulatorStates[]): Promise<arrow.Data> {
    const none = udafRows(this.aggregates[p].args.map((i) => emptyColumn(this.inputSchema[i].type)), new Int32Array(0), new Int32Array(0), null);
    const r = await this.udafs.accumulate(p, states.length, none, states.map((s) => s[p]), { results: true });
    return r.results!;
  }

  /** Pandas UDAF: appends each window's new rows (in state form) to the rows it keeps. */
  private keepRows(p: number, batch: ChangeBatch, groups: RowsByGroup, states: readonly (AccumulatorStates | undefined)[]): unknown[] {
    const { selected, groupIds, kinds } = this.callRows(p, batch, groups);
    if (kinds !== null && kinds.some((k) => k === RowKind.UPDATE_BEFORE || k === RowKind.DELETE)) {
      throw new ExecutionError(`pandas aggregate function ${this.aggregates[p].fn} received a retraction in a window aggregation`, {
        hint: 'pandas aggregate functions need an insert-only input.',
      }, ErrorCodes.NOT_SUPPORTED);
    }
    const { codec, rowType } = this.rowCodecs.get(p)!;
    const args = this.aggregates[p].args.map((i) => batch.data.getChildAt(i)!.data[0]);
    const rows = udafRows(args, selected, groupIds, null);
    const struct = arrow.makeData({ type: new arrow.Struct(toArrowFields(rows.args, rowType)), length: rows.rows, nullCount: 0, children: [...rows.args] });
    const values = codec.read(struct);
    const kept = states.map((s) => (s === undefined ? [] : [...(s[p] as unknown[])]));
    for (let k = 0; k < values.length; k++) kept[groupIds[k]].push(values[k]);
    return kept;
  }

  /** A firing of pandas UDAF windows: every due window's rows, a group per window, in one `complete` request. */
  private async completeCall(p: number, states: readonly AccumulatorStates[]): Promise<arrow.Data> {
    const { codec } = this.rowCodecs.get(p)!;
    const all: unknown[] = [];
    const groupIds: number[] = [];
    states.forEach((s, g) => { for (const row of s[p] as unknown[]) { all.push(row); groupIds.push(g); } });
    const struct = codec.column(all);
    return this.udafs.complete(p, states.length, { rows: all.length, groupIds: Int32Array.from(groupIds), kinds: null, args: struct.children });
  }

  /** The rows of call `p` in request order (group by group, arrival order within), FILTER applied. */
  private callRows(p: number, batch: ChangeBatch, groups: RowsByGroup): { selected: Int32Array; groupIds: Int32Array; kinds: Uint8Array | null } {
    const call = this.aggregates[p];
    const filter = call.filter === null ? null : argReader(batch.data.getChildAt(call.filter)!.data[0], this.inputSchema[call.filter].type);
    const selected: number[] = [];
    const groupIds: number[] = [];
    for (let g = 0; g < groups.count; g++) {
      for (let k = groups.start[g]; k < groups.start[g + 1]; k++) {
        const row = groups.rows[k];
        if (filter !== null && filter(row) !== true) continue;
        selected.push(row);
        groupIds.push(g);
      }
    }
    const kinds = batch.kinds === null ? null : Uint8Array.from(selected, (r) => batch.kinds![r]);
    return { selected: Int32Array.from(selected), groupIds: Int32Array.from(groupIds), kinds };
  }

  private assemble(count: number, builtinStates: AccumulatorStates[] | null, udafStates: unknown[][]): AccumulatorStates[] {
    const out = new Array<AccumulatorStates>(count);
    for (let g = 0; g < count; g++) {
      const state = new Array<unknown>(this.aggregates.length);
      this.builtinPositions.forEach((p, i) => { state[p] = builtinStates![g][i]; });
      this.positions.forEach((p, i) => { state[p] = udafStates[i][g]; });
      out[g] = state;
    }
    return out;
  }
}

const emptyColumn = (type: DataType): arrow.Data => columnFromInternal(type, []);

function toArrowFields(columns: readonly arrow.Data[], rowType: DataType): arrow.Field[] {
  const names = rowType.kind === 'ROW' ? rowType.fields.map((f) => f.name) : [];
  return columns.map((c, i) => new arrow.Field(names[i], c.type, true));
}

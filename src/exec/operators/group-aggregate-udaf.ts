/**
 * Group aggregation with user-defined aggregate functions (Python or TypeScript), beyond PyFlink, which refuses
 * UDAFs in a non-windowed GROUP BY: built-in and user-defined calls mixed in one GROUP BY, over updating input.
 *
 * Per batch (or mini-batch) the rows of every touched key are folded as in {@link GroupFolder} — built-in calls
 * in this thread, a row count per key (accumulated minus retracted rows, as Flink's RecordCounter) telling when a
 * key becomes empty — and each UDAF call gets ONE request for all touched keys (group-id column), with the keys'
 * stored accumulators as frame 2 and `previous` results for the -U rows, so no previous result is kept in state.
 * The changelog is the mini-batch one: at most one change per key per batch (`-U old, +U new`, `+I`, `-D`).
 *
 * Lives of a key: when a key's count drops to 0 in the middle of a batch and rows come again, the key starts
 * afresh (new accumulators, as GroupFolder resets its accumulators): its UDAF rows then go to a new group with no
 * accumulator, and the stored accumulator is only read out (a group without rows) for the previous result. Only
 * the rows of a key's last life are sent; retractions that reach an empty key are dropped, as Flink does.
 *
 * State per key: `[rowCount, acc0, acc1, ...]`, a built-in call's saved accumulator or a UDAF call's accumulator
 * in state form (src/udf/accumulator-state.ts); the operator's serializer id names the accumulator types.
 */
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { RowKind } from '../../batch/row-kind.ts';
import type { Accumulator } from '../../aggregate/accumulator.ts';
import { accumulatorForCall } from '../../aggregate/accumulators/index.ts';
import { argReader, type ArgReader } from '../../aggregate/internal-values.ts';
import type { GroupAggregateNode } from '../../plan/physical/physical-node.ts';
import { rowsEqual, type BatchReaders, type KeyState, type OutputRows, type Run } from './group-aggregate-fold.ts';
import type { RowGroups } from './group-aggregate-keys.ts';
import { UdafCalls, udafRows } from './udaf-calls.ts';
import { concatData } from './udf-call-concat.ts';

/** What phase 1 learned about one touched key. */
interface KeyPlan {
  /** Group index in the run. */
  readonly g: number;
  readonly key: unknown[];
  readonly hadState: boolean;
  /** The last life started in this batch (new accumulators), rather than continuing the stored one. */
  readonly fresh: boolean;
  readonly count: number;
  /** The key's last-life rows are `ids[lifeFrom..lifeTo)` of the run's grouped row ids. */
  readonly lifeFrom: number;
  readonly lifeTo: number;
  readonly prevBuiltins: unknown[] | null;
  readonly nextBuiltins: unknown[] | null;
  readonly savedBuiltins: unknown[] | null;
}

/** Previous/next value and new accumulator of one UDAF call, per key plan. */
interface UdafOutcome {
  readonly prev: unknown[];
  readonly next: unknown[];
  readonly accs: unknown[];
}

export class UdafGroupFolder {
  /** Built-in accumulators by call position; null at UDAF positions. */
  private readonly builtins: (Accumulator | null)[];
  /** Positions of the UDAF calls, and each call position's index among them (-1 for built-ins). */
  private readonly positions: number[];
  private readonly slot: number[];

  constructor(private readonly node: GroupAggregateNode, private readonly udafs: UdafCalls, private readonly emitUnchanged: boolean) {
    this.builtins = node.aggregates.map((a) => (a.udf ? null : accumulatorForCall(a, node.inputSchema, node.inputUpdates)));
    this.positions = udafs.positions;
    this.slot = node.aggregates.map((_, a) => this.positions.indexOf(a));
  }

  /** Readers of one input batch (built-in arguments, FILTER flags and keys). */
  readers(batch: ChangeBatch): BatchReaders {
    const { node } = this;
    const col = (i: number): ArgReader => argReader(batch.data.getChildAt(i)!.data[0], node.inputSchema[i].type);
    const args = node.aggregates.map((a): ArgReader => {
      if (a.udf || a.args.length === 0) return () => true;
      if (a.args.length === 1) return col(a.args[0]);
      const readers = a.args.map(col);
      return (row) => readers.map((r) => r(row));
    });
    return { kinds: batch.kinds, args, filters: node.aggregates.map((a) => (a.filter === null ? null : col(a.filter))), keys: node.groupKeys.map(col) };
  }

  /**
   * Folds every key of the run into its state and appends the changelog to `out`, keys in order of first
   * appearance. Returns each group's new state (undefined: cleared) — the same object as `before[g]` when the key
   * saw no effective row.
   */
  async foldGroups(batches: readonly ChangeBatch[], run: Run, groups: RowGroups, before: readonly (KeyState | undefined)[], out: OutputRows): Promise<(KeyState | undefined)[]> {
    const plans: KeyPlan[] = [];
    for (let g = 0; g < groups.count; g++) {
      const plan = this.planKey(g, before[g], run, groups.rows, groups.start[g], groups.start[g + 1]);
      if (plan) plans.push(plan);
    }
    const after: (KeyState | undefined)[] = [...before];
    if (plans.length === 0) return after;
    const outcomes = await Promise.all(this.positions.map((p) => this.runCall(p, batches, run, groups.rows, before, plans)));
    const n = this.node.aggregates.length;
    plans.forEach((plan, k) => {
      const value = (builtins: unknown[] | null, pick: (o: UdafOutcome) => unknown): unknown[] => {
        const row = new Array<unknown>(n);
        for (let a = 0; a < n; a++) row[a] = this.builtins[a] ? builtins![a] : pick(outcomes[this.slot[a]]);
        return row;
      };
      const prev = plan.hadState ? value(plan.prevBuiltins, (o) => o.prev[k]) : null;
      if (plan.count === 0) {
        if (prev !== null) out.add(RowKind.DELETE, plan.key, prev);
        after[plan.g] = undefined;
        return;
      }
      const next = value(plan.nextBuiltins, (o) => o.next[k]);
      if (prev === null) out.add(RowKind.INSERT, plan.key, next);
      else if (this.emitUnchanged || !rowsEqual(prev, next)) {
        out.add(RowKind.UPDATE_BEFORE, plan.key, prev);
        out.add(RowKind.UPDATE_AFTER, plan.key, next);
      }
      const state = new Array<unknown>(n + 1);
      state[0] = plan.count;
      for (let a = 0; a < n; a++) state[a + 1] = this.builtins[a] ? plan.savedBuiltins![a] : outcomes[this.slot[a]].accs[k];
      after[plan.g] = state;
    });
    return after;
  }

  /** Phase 1 for one key: built-in calls folded, the row count and the key's last life; null when nothing applies. */
  private planKey(g: number, state: KeyState | undefined, run: Run, ids: Int32Array, from: number, to: number): KeyPlan | null {
    const { builtins } = this;
    const hadState = state !== undefined;
    let count = hadState ? state[0] as number : 0;
    if (hadState) builtins.forEach((acc, a) => acc?.load(state[a + 1]));
    const prevBuiltins = hadState ? this.builtinValues() : null;
    let key: unknown[] | null = null;
    let fresh = !hadState;
    let lifeFrom = from;
    for (let r = from; r < to; r++) {
      const id = ids[r];
      const b = run.batchOf === null ? 0 : run.batchOf[id];
      const readers = run.readers[b];
      const row = id - run.bases[b];
      const kind = readers.kinds === null ? RowKind.INSERT : readers.kinds[row];
      const accumulate = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
      if (!accumulate && count === 0) continue;
      if (count === 0) {
        for (const acc of builtins) acc?.reset();
        fresh = true;
        lifeFrom = r;
      }
      key ??= readers.keys.map((k) => k(row));
      builtins.forEach((acc, a) => {
        if (!acc) return;
        const filter = readers.filters[a];
        if (filter !== null && filter(row) !== true) return;
        if (accumulate) acc.accumulate(readers.args[a](row));
        else acc.retract(readers.args[a](row));
      });
      count += accumulate ? 1 : -1;
    }
    if (key === null) return null;
    return {
      g, key, hadState, fresh, count, lifeFrom, lifeTo: count > 0 ? to : lifeFrom,
      prevBuiltins,
      nextBuiltins: count > 0 ? this.builtinValues() : null,
      savedBuiltins: count > 0 ? builtins.map((acc) => acc?.save() ?? null) : null,
    };
  }

  /**
   * Phase 2 for one UDAF call: one request for all planned keys. Each key gets a group for its current life
   * (stored accumulator, or none when fresh) with the life's rows, and, when the stored accumulator is not
   * continued (fresh, or the key emptied), a row-less group that reads the stored accumulator out.
   */
  private async runCall(position: number, batches: readonly ChangeBatch[], run: Run, ids: Int32Array, before: readonly (KeyState | undefined)[],
    plans: readonly KeyPlan[]): Promise<UdafOutcome> {
    const call = this.node.aggregates[position];
    const curGroup = new Int32Array(plans.length).fill(-1);
    const oldGroup = new Int32Array(plans.length).fill(-1);
    const accs: unknown[] = [];
    const selected: number[] = [];
    const groupOfRow: number[] = [];
    const kinds: number[] = [];
    let anyUpdate = false;
    plans.forEach((plan, k) => {
      const stored = plan.hadState ? before[plan.g]![position + 1] : null;
      if (plan.hadState && (plan.fresh || plan.count === 0)) { oldGroup[k] = accs.length; accs.push(stored); }
      if (plan.count === 0) return;
      const g = curGroup[k] = accs.length;
      accs.push(plan.fresh ? null : stored);
      for (let r = plan.lifeFrom; r < plan.lifeTo; r++) {
        const id = ids[r];
        const b = run.batchOf === null ? 0 : run.batchOf[id];
        const readers = run.readers[b];
        const row = id - run.bases[b];
        const filter = call.filter === null ? null : readers.filters[position];
        if (filter !== null && filter(row) !== true) continue;
        const kind = readers.kinds === null ? RowKind.INSERT : readers.kinds[row];
        if (kind !== RowKind.INSERT) anyUpdate = true;
        selected.push(id);
        groupOfRow.push(g);
        kinds.push(kind);
      }
    });
    const columns = call.args.map((i) => concatData(batches.map((batch) => batch.data.getChildAt(i)!.data[0])));
    const rows = udafRows(columns, Int32Array.from(selected), Int32Array.from(groupOfRow), anyUpdate ? Uint8Array.from(kinds) : null);
    const r = await this.udafs.accumulate(position, accs.length, rows, accs, { results: true, previous: true });
    const result = argReader(r.results!, call.type);
    const previous = argReader(r.previous!, call.type);
    return {
      prev: plans.map((plan, k) => (!plan.hadState ? null : oldGroup[k] >= 0 ? result(oldGroup[k]) : previous(curGroup[k]))),
      next: plans.map((_, k) => (curGroup[k] >= 0 ? result(curGroup[k]) : null)),
      accs: plans.map((_, k) => (curGroup[k] >= 0 ? r.accumulators[curGroup[k]] : null)),
    };
  }

  private builtinValues(): unknown[] {
    return this.builtins.map((acc) => (acc ? acc.getValue() : null));
  }
}

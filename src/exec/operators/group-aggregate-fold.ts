/**
 * The per-key logic of group aggregation, after Flink's GroupAggFunction (one result per input row) and
 * MiniBatchGroupAggFunction (one result per key per mini-batch): load the key's accumulators, apply its rows in
 * order, and turn the change of the result row into changelog rows.
 */
import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { RowKind } from '../../batch/row-kind.ts';
import type { Accumulator } from '../../aggregate/accumulator.ts';
import { accumulatorForCall } from '../../aggregate/accumulators/index.ts';
import { argReader, columnFromInternal, tupleKey, type ArgReader } from '../../aggregate/internal-values.ts';
import type { GroupAggregateNode } from '../../plan/physical/physical-node.ts';
import type { DataType } from '../../types/data-type.ts';

/**
 * A key's saved state: `[rowCount, acc0, acc1, ...]`. The row count (accumulated minus retracted rows, FILTER or
 * not) tells when every row of a key has been retracted, as Flink's RecordCounter does.
 */
export type KeyState = unknown[];

/** Readers of one input batch: each aggregate's argument value and FILTER flag per row. */
export interface BatchReaders {
  readonly kinds: Uint8Array | null;
  readonly args: readonly ArgReader[];
  readonly filters: readonly (ArgReader | null)[];
  readonly keys: readonly ArgReader[];
}

/** Output rows collected column by column, turned into batches at the end of a batch or mini-batch. */
export class OutputRows {
  readonly kinds: number[] = [];
  readonly columns: unknown[][];

  constructor(private readonly types: readonly DataType[], private readonly schema: arrow.Schema) {
    this.columns = types.map(() => []);
  }

  get length(): number { return this.kinds.length; }

  add(kind: number, key: readonly unknown[], values: readonly unknown[]): void {
    this.kinds.push(kind);
    let c = 0;
    for (let i = 0; i < key.length; i++) this.columns[c++].push(key[i]);
    for (let i = 0; i < values.length; i++) this.columns[c++].push(values[i]);
  }

  /** The rows as batches of at most `maxRows`; an all-insert batch has `kinds === null`. */
  toBatches(maxRows: number): ChangeBatch[] {
    const out: ChangeBatch[] = [];
    for (let begin = 0; begin < this.kinds.length; begin += maxRows) {
      const end = Math.min(this.kinds.length, begin + maxRows);
      const kinds = Uint8Array.from(this.kinds.slice(begin, end));
      const data = this.types.map((t, j) => columnFromInternal(t, this.columns[j].slice(begin, end)));
      out.push(ChangeBatch.fromColumns(this.schema, data, end - begin, kinds.every((k) => k === RowKind.INSERT) ? null : kinds));
    }
    return out;
  }
}

/**
 * A run of input rows (one batch, or the batches of a mini-batch) numbered 0..n-1 across its batches: row id
 * `id` is row `id - bases[b]` of batch `b = batchOf[id]` (batchOf is null for a single batch).
 */
export interface Run {
  readonly readers: readonly BatchReaders[];
  readonly bases: Int32Array;
  readonly batchOf: Int32Array | null;
}

/** Applies rows to a key's accumulators and derives the changelog. One per operator subtask. */
export class GroupFolder {
  private readonly accs: Accumulator[];
  private readonly n: number;

  constructor(
    private readonly node: GroupAggregateNode,
    /**
     * Whether an unchanged result is still emitted as -U/+U. Flink does this when state TTL is on, so that
     * downstream state is refreshed too (GroupAggFunction: `stateRetentionTime <= 0 && equals(prev, new)`).
     */
    private readonly emitUnchanged: boolean,
  ) {
    this.accs = node.aggregates.map((a) => accumulatorForCall(a, node.inputSchema, node.inputUpdates));
    this.n = this.accs.length;
  }

  /** The readers of one input batch. */
  readers(batch: ChangeBatch): BatchReaders {
    const { node } = this;
    const col = (i: number): ArgReader => argReader(batch.data.getChildAt(i)!.data[0], node.inputSchema[i].type);
    const args = node.aggregates.map((a): ArgReader => {
      if (a.args.length === 0) return () => true;
      if (a.args.length === 1) return col(a.args[0]);
      const readers = a.args.map(col);
      return (row) => readers.map((r) => r(row));
    });
    return {
      kinds: batch.kinds,
      args,
      filters: node.aggregates.map((a) => (a.filter === null ? null : col(a.filter))),
      keys: node.groupKeys.map(col),
    };
  }

  /**
   * Folds `ids[from..to)` (one key's rows of `run`, in arrival order) into `state` and appends the resulting
   * changelog rows to `out`.
   * `perRow`: emit after every row (GroupAggFunction) rather than once at the end (MiniBatchGroupAggFunction).
   * Returns the key's new state, or undefined when every row was retracted (the state is then cleared).
   */
  fold(state: KeyState | undefined, run: Run, ids: Int32Array, from: number, to: number, perRow: boolean, out: OutputRows): KeyState | undefined {
    const { accs, n } = this;
    let count = 0;
    let prev: unknown[] | null = null;
    if (state !== undefined) {
      count = state[0] as number;
      for (let a = 0; a < n; a++) accs[a].load(state[a + 1]);
      prev = this.values();
    }
    let key: unknown[] | null = null;
    let touched = false;
    for (let r = from; r < to; r++) {
      const id = ids[r];
      const b = run.batchOf === null ? 0 : run.batchOf[id];
      const readers = run.readers[b];
      const row = id - run.bases[b];
      const kind = readers.kinds === null ? RowKind.INSERT : readers.kinds[row];
      const accumulate = kind === RowKind.INSERT || kind === RowKind.UPDATE_AFTER;
      // A retraction for a key without state (never seen, fully retracted or expired) has nothing to undo: Flink
      // drops it rather than create an accumulator from a retraction.
      if (!accumulate && count === 0) continue;
      if (count === 0) for (let a = 0; a < n; a++) accs[a].reset();
      key ??= readers.keys.map((k) => k(row));
      for (let a = 0; a < n; a++) {
        const filter = readers.filters[a];
        if (filter !== null && filter(row) !== true) continue;
        if (accumulate) accs[a].accumulate(readers.args[a](row));
        else accs[a].retract(readers.args[a](row));
      }
      count += accumulate ? 1 : -1;
      touched = true;
      if (perRow) prev = this.emit(prev, count, key, out);
    }
    if (!touched) return state;
    if (!perRow) this.emit(prev, count, key!, out);
    return count === 0 ? undefined : this.save(count);
  }

  /** Emits the change from `prev` (null: no row downstream) to the current result; returns the new current row. */
  private emit(prev: unknown[] | null, count: number, key: readonly unknown[], out: OutputRows): unknown[] | null {
    if (count === 0) {
      if (prev !== null) out.add(RowKind.DELETE, key, prev);
      return null;
    }
    const next = this.values();
    if (prev === null) {
      out.add(RowKind.INSERT, key, next);
    } else if (this.emitUnchanged || !rowsEqual(prev, next)) {
      out.add(RowKind.UPDATE_BEFORE, key, prev);
      out.add(RowKind.UPDATE_AFTER, key, next);
    }
    return next;
  }

  private values(): unknown[] {
    const out = new Array<unknown>(this.n);
    for (let a = 0; a < this.n; a++) out[a] = this.accs[a].getValue();
    return out;
  }

  private save(count: number): KeyState {
    const out = new Array<unknown>(this.n + 1);
    out[0] = count;
    for (let a = 0; a < this.n; a++) out[a + 1] = this.accs[a].save();
    return out;
  }
}

/** Whether two result rows are equal (internal values; nested values by content). */
export function rowsEqual(a: readonly unknown[], b: readonly unknown[]): boolean {
  for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false;
  return true;
}

function valuesEqual(x: unknown, y: unknown): boolean {
  if (x === y) return true;
  if (x === null || y === null || typeof x !== 'object' || typeof y !== 'object') return false;
  return tupleKey([x]) === tupleKey([y]);
}

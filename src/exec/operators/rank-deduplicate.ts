import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { RowKind } from '../../batch/row-kind.ts';
import type { RankNode } from '../../plan/physical/physical-node.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import { keyString } from '../../state/key-encoding.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { takeRows } from '../partition/take-rows.ts';
import { encodeKeys } from './keyed/key-encoding.ts';
import { columnsFromRows, internalRowSerializer, RowReader, type InternalRow } from './keyed/row-codec.ts';
import { sortKeyComparator, type KeyComparator } from './keyed/row-comparator.ts';
import { rankColumn } from './rank-changes.ts';

/**
 * Whether a rank node is a deduplication: `ROW_NUMBER() ... = 1` ordered by one column over insert-only input.
 * With updates in the input the general (retractable) Top-N is used: a kept row can be retracted, and only a Top-N
 * that keeps every row knows which row takes its place.
 */
export function isDeduplication(node: RankNode): boolean {
  return node.rankStart === 1 && node.rankEnd === 1 && node.orderKeys.length === 1 && !node.inputUpdates;
}

/** The kept row of a key while a batch is processed: from state, or a row of the batch. */
interface Kept {
  readonly key: Uint8Array;
  readonly hash: number;
  /** The row in state before this batch, if any. */
  readonly stored: InternalRow | undefined;
  /** The best row so far: a batch row index, or -1 while the stored row is still best. */
  best: number;
}

/**
 * Deduplication, Flink's DeduplicateKeepFirstRowFunction / DeduplicateKeepLastRowFunction semantics with the order
 * column as the comparator (as RowTimeDeduplicateFunction): ascending keeps the first row (a later row replaces it
 * only if it sorts strictly before it, so in-order input yields one +I per key and nothing after), descending keeps
 * the last (a later row replaces it when it sorts before or equal to it: ties go to the newer row, as Flink's
 * keep-last). State: the kept row per key. Each batch is a mini-batch, as in Flink's
 * MiniBatchDeduplicate functions: per key only the net change of the batch is emitted (+I, or -U old / +U new).
 */
export class DeduplicateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<InternalRow>;
  private readonly compare: KeyComparator;
  private readonly orderIndex: number;
  private readonly keepLast: boolean;
  private readonly inputTypes: DataType[];
  private readonly outputSchema: arrow.Schema;

  constructor(private readonly node: RankNode) {
    const [key] = node.orderKeys;
    this.inputTypes = node.inputSchema.map((c) => c.type);
    this.compare = sortKeyComparator(key, this.inputTypes[key.index]);
    this.orderIndex = key.index;
    this.keepLast = !key.ascending;
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.state = ctx.keyedState().declareValueState('dedup-row', internalRowSerializer());
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    const keys = encodeKeys(batch.data, this.node.partitionKeys);
    const reader = new RowReader(batch.data, this.inputTypes);
    const order = reader.column(this.orderIndex);

    // One state read per distinct key of the batch (getMany), in first-seen order.
    const kept = new Map<string, Kept>();
    const owner = new Array<Kept>(n);
    for (let i = 0; i < n; i++) {
      const k = keyString(keys.bytes[i]);
      let e = kept.get(k);
      if (!e) { e = { key: keys.bytes[i], hash: keys.hashes[i], stored: undefined, best: -1 }; kept.set(k, e); }
      owner[i] = e;
    }
    const entries = [...kept.values()];
    const stored = this.state.getMany(entries.map((e) => e.key), Uint32Array.from(entries, (e) => e.hash));
    entries.forEach((e, j) => { (e as { stored: InternalRow | undefined }).stored = stored[j]; });

    for (let i = 0; i < n; i++) {
      const e = owner[i];
      const bestValue = e.best >= 0 ? order(e.best) : e.stored?.[this.orderIndex];
      if (e.best < 0 && !e.stored) { e.best = i; continue; }
      const c = this.compare(order(i), bestValue);
      if (c < 0 || (c === 0 && this.keepLast)) e.best = i;
    }

    const changed = entries.filter((e) => e.best >= 0);
    if (changed.length === 0) return;
    const bestRows = changed.map((e) => reader.read(e.best));
    this.state.putMany(changed.map((e) => e.key), Uint32Array.from(changed, (e) => e.hash), bestRows);
    await this.ctx.output.emit(this.output(batch, changed, bestRows));
  }

  private output(batch: ChangeBatch, changed: Kept[], bestRows: InternalRow[]): ChangeBatch {
    const withRank = this.node.outputRankNumber;
    if (changed.every((e) => !e.stored)) {
      // The common keep-first case: only first rows, gathered straight from the input batch.
      const rows = takeRows(new ChangeBatch(batch.data), Uint32Array.from(changed, (e) => e.best));
      const columns = rows.data.data.children.slice();
      if (withRank) columns.push(rankColumn(changed.map(() => 1)));
      return ChangeBatch.fromColumns(this.outputSchema, columns, changed.length);
    }
    const rows: InternalRow[] = [];
    const kinds: number[] = [];
    changed.forEach((e, j) => {
      if (e.stored) { rows.push(e.stored, bestRows[j]); kinds.push(RowKind.UPDATE_BEFORE, RowKind.UPDATE_AFTER); }
      else { rows.push(bestRows[j]); kinds.push(RowKind.INSERT); }
    });
    const columns = columnsFromRows(this.inputTypes, rows);
    if (withRank) columns.push(rankColumn(rows.map(() => 1)));
    return ChangeBatch.fromColumns(this.outputSchema, columns, rows.length, Uint8Array.from(kinds));
  }

  async close(): Promise<void> {}
}

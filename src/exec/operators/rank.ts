import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { isAccumulate } from '../../batch/row-kind.ts';
import type { RankNode } from '../../plan/physical/physical-node.ts';
import type { ValueState } from '../../state/keyed-state.ts';
import { keyString } from '../../state/key-encoding.ts';
import type { DataType } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { encodeKeys } from './keyed/key-encoding.ts';
import { columnsFromRows, internalEquals, internalRowsSerializer, RowReader, type InternalRow } from './keyed/row-codec.ts';
import { rowComparator } from './keyed/row-comparator.ts';
import { lowerBound, upperBound } from './keyed/sorted-rows.ts';
import { emitInsert, emitRemove, rankColumn, type RankRange } from './rank-changes.ts';
import { DeduplicateOperator, isDeduplication } from './rank-deduplicate.ts';

/**
 * The operator for a rank node: the deduplication fast path when the node is a keep-first/keep-last dedup over
 * insert-only input, the general Top-N otherwise.
 */
export function createRankOperator(node: RankNode): StreamOperator {
  return isDeduplication(node) ? new DeduplicateOperator(node) : new TopNOperator(node);
}

/** A partition's rows while one batch is processed: copied from state once, written back once. */
interface Partition {
  readonly key: Uint8Array;
  readonly hash: number;
  readonly rows: InternalRow[];
}

/**
 * Top-N per partition (`ROW_NUMBER() OVER (PARTITION BY .. ORDER BY ..)` filtered to `rankStart..rankEnd`), emitting
 * the changelog of the visible range. Semantics of Flink's AppendOnlyTopNFunction (insert-only input: only the top
 * `rankEnd` rows are kept, a row that cannot enter is dropped) and RetractableTopNFunction (updating input: every row
 * is kept, so a retraction can pull the next row into the range). Rows with equal sort keys rank in arrival order.
 * State: one value per partition key, its rows sorted by the order keys (Flink keeps a sorted map plus a data map;
 * one sorted list is the same information).
 */
export class TopNOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private state!: ValueState<InternalRow[]>;
  private readonly compare: (a: InternalRow, b: InternalRow) => number;
  private readonly range: RankRange;
  private readonly keepAll: boolean;
  private readonly inputTypes: DataType[];
  private readonly outputSchema: arrow.Schema;

  constructor(private readonly node: RankNode) {
    this.inputTypes = node.inputSchema.map((c) => c.type);
    this.compare = rowComparator(node.orderKeys, this.inputTypes);
    this.range = { start: node.rankStart, end: node.rankEnd, withRankNumber: node.outputRankNumber };
    this.keepAll = node.inputUpdates || !Number.isFinite(node.rankEnd);
    this.outputSchema = Schema.fromJSON([...node.outputSchema]).toArrow();
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    this.state = ctx.keyedState().declareValueState('rank-rows', internalRowsSerializer());
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    const backend = this.ctx.keyedState();
    const keys = encodeKeys(batch.data, this.node.partitionKeys);
    const reader = new RowReader(batch.data, this.inputTypes);
    const partitions = new Map<string, Partition>();
    const outRows: InternalRow[] = [];
    const outKinds: number[] = [];
    const outRanks: number[] = [];
    const sink = (kind: number, row: InternalRow, rank: number): void => { outKinds.push(kind); outRows.push(row); outRanks.push(rank); };

    for (let i = 0; i < n; i++) {
      const k = keyString(keys.bytes[i]);
      let part = partitions.get(k);
      if (!part) {
        backend.setCurrentKey(keys.bytes[i], keys.hashes[i]);
        // Copy: the heap backend hands out its stored array, which snapshots may share.
        part = { key: keys.bytes[i], hash: keys.hashes[i], rows: [...(this.state.value() ?? [])] };
        partitions.set(k, part);
      }
      const row = reader.read(i);
      if (isAccumulate(batch.kindAt(i))) this.insert(part.rows, row, sink);
      else this.remove(part.rows, row, sink);
    }

    for (const part of partitions.values()) {
      backend.setCurrentKey(part.key, part.hash);
      if (part.rows.length === 0) this.state.clear(); else this.state.update(part.rows);
    }
    if (outKinds.length > 0) await this.ctx.output.emit(this.buildOutput(outRows, outKinds, outRanks));
  }

  private insert(rows: InternalRow[], row: InternalRow, sink: (kind: number, row: InternalRow, rank: number) => void): void {
    const p = upperBound(rows, row, this.compare);
    // Append-only: a row that sorts after the kept rows can never enter the range (Flink's checkSortKeyInBufferRange).
    if (!this.keepAll && p >= this.range.end) return;
    rows.splice(p, 0, row);
    emitInsert(rows, p, this.range, sink);
    if (!this.keepAll && rows.length > this.range.end) rows.length = this.range.end;
  }

  private remove(rows: InternalRow[], row: InternalRow, sink: (kind: number, row: InternalRow, rank: number) => void): void {
    const end = upperBound(rows, row, this.compare);
    let p = -1;
    for (let q = lowerBound(rows, row, this.compare); q < end; q++) {
      if (internalEquals(rows[q], row)) { p = q; break; }
    }
    // Not found: state expired, or an insert-only plan got a retraction of a row it had already dropped. Flink logs
    // and ignores this case too (RetractableTopNFunction, "state cleared").
    if (p < 0) return;
    const [removed] = rows.splice(p, 1);
    emitRemove(rows, removed, p, this.range, sink);
  }

  private buildOutput(rows: InternalRow[], kinds: number[], ranks: number[]): ChangeBatch {
    const columns = columnsFromRows(this.inputTypes, rows);
    if (this.node.outputRankNumber) columns.push(rankColumn(ranks));
    return ChangeBatch.fromColumns(this.outputSchema, columns, rows.length, Uint8Array.from(kinds));
  }

  async close(): Promise<void> {}
}

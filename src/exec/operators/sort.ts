import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { isAccumulate } from '../../batch/row-kind.ts';
import { argReader } from '../../aggregate/internal-values.ts';
import { gather } from '../../expr/index.ts';
import type { SortNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { DataType } from '../../types/data-type.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { concatData } from './udf-call-concat.ts';
import { encodeKeys } from './keyed/key-encoding.ts';
import { sortKeyComparator } from './keyed/row-comparator.ts';
import { keyString } from '../../state/key-encoding.ts';

/** Rows per emitted batch. */
const OUTPUT_BATCH_ROWS = 8192;

/**
 * ORDER BY [OFFSET] [FETCH] over bounded input at parallelism 1 (Flink's batch SortOperator / SortLimitOperator):
 * buffers the input batches as they are (columnar), and when the input ends sorts row indexes with a type-aware
 * multi-key comparator (NULL placement per key, ties in arrival order), applies offset/fetch and emits the rows in
 * batches gathered from the concatenated input. The output is insert-only: an updating input is materialized first
 * (each +I/+U adds a row, each -U/-D removes the most recent equal row still present), since a sorted result is the
 * final table, not a changelog. Unbounded input is refused by the planner; the buffer lives in memory and is not
 * part of checkpoints (a bounded job restarts from its sources).
 */
export class SortOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private batches: ChangeBatch[] = [];
  private readonly outputSchema: arrow.Schema;
  private readonly types: DataType[];

  constructor(private readonly node: SortNode) {
    const schema = Schema.fromJSON([...node.outputSchema]);
    this.outputSchema = schema.toArrow();
    this.types = schema.types;
  }

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    ctx.metrics.gauge('sortBufferedRows', () => this.batches.reduce((n, b) => n + b.numRows, 0));
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    if (batch.numRows > 0) this.batches.push(batch);
  }

  async endInput(): Promise<void> {
    const batches = this.batches;
    this.batches = [];
    const total = batches.reduce((n, b) => n + b.numRows, 0);
    if (total === 0) return;
    const columns = this.types.map((_, c) => concatData(batches.map((b) => b.data.data.children[c])));
    const live = batches.some((b) => b.kinds) ? materialize(batches) : identity(total);
    const order = this.sortIndexes(columns, live);
    const from = Math.min(this.node.offset, order.length);
    const to = this.node.fetch === null ? order.length : Math.min(order.length, from + this.node.fetch);
    for (let start = from; start < to; start += OUTPUT_BATCH_ROWS) {
      const idx = order.subarray(start, Math.min(to, start + OUTPUT_BATCH_ROWS));
      await this.ctx.output.emit(ChangeBatch.fromColumns(this.outputSchema, columns.map((c) => gather(c, idx)), idx.length));
    }
  }

  /** `rows` ordered by the sort keys; the sort is stable, so ties keep arrival order. */
  private sortIndexes(columns: arrow.Data[], rows: Uint32Array): Uint32Array {
    const keys = this.node.keys.map((k) => {
      const read = argReader(columns[k.index], this.types[k.index]);
      const values = new Array<unknown>(columns[k.index].length);
      for (const r of rows) values[r] = read(r);
      return { values, cmp: sortKeyComparator(k, this.types[k.index]) };
    });
    const sorted = Array.from(rows);
    sorted.sort((a, b) => {
      for (const k of keys) {
        const c = k.cmp(k.values[a], k.values[b]);
        if (c !== 0) return c;
      }
      return a - b;
    });
    return Uint32Array.from(sorted);
  }

  async close(): Promise<void> { this.batches = []; }
}

function identity(n: number): Uint32Array {
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return out;
}

/**
 * Applies a changelog: the global indexes of the rows still present at the end. Rows are identified by the encoding
 * of all their columns; a retraction removes the latest remaining occurrence of an equal row, and a retraction of a
 * row never added is ignored.
 */
function materialize(batches: readonly ChangeBatch[]): Uint32Array {
  const live = new Map<string, number[]>();
  let base = 0;
  for (const b of batches) {
    const all = Array.from({ length: b.data.numCols }, (_, c) => c);
    const keys = encodeKeys(b.data, all);
    for (let i = 0; i < b.numRows; i++) {
      const k = keyString(keys.bytes[i]);
      const list = live.get(k);
      if (isAccumulate(b.kindAt(i))) {
        if (list) list.push(base + i); else live.set(k, [base + i]);
      } else if (list) {
        list.pop();
        if (list.length === 0) live.delete(k);
      }
    }
    base += b.numRows;
  }
  const out: number[] = [];
  for (const list of live.values()) for (const r of list) out.push(r);
  return Uint32Array.from(out.sort((a, b) => a - b));
}

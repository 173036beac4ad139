import * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { columnFromValues } from '../../batch/values/build.ts';
import type { ExpandNode } from '../../plan/physical/physical-node.ts';
import { withNullable } from '../../types/data-type.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';

/**
 * GROUPING SETS (Flink's Expand): every input batch goes out once per grouping set, zero-copy except for the
 * grouping keys outside the set, which become NULL columns, and the `$e` column (the set's bitmask of excluded
 * keys, see LogicalExpand). Row kinds pass through, so retractions reach every set's groups.
 */
export class ExpandOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private readonly schema: arrow.Schema;
  /** Per grouping set: which input columns it nulls, and its `$e` value. */
  private readonly sets: readonly { readonly nulled: ReadonlySet<number>; readonly id: bigint }[];

  constructor(private readonly node: ExpandNode) {
    this.schema = Schema.fromJSON([...node.outputSchema]).toArrow();
    const k = node.keys.length;
    this.sets = node.sets.map((set) => {
      let id = 0n;
      node.keys.forEach((key, i) => { if (!set.includes(key)) id |= 1n << BigInt(k - 1 - i); });
      return { nulled: new Set(node.keys.filter((key) => !set.includes(key))), id };
    });
  }

  async open(ctx: OperatorContext): Promise<void> { this.ctx = ctx; }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const n = batch.numRows;
    if (n === 0) return;
    const inputs = batch.data.data.children;
    for (const set of this.sets) {
      const columns = inputs.map((c, i) => (set.nulled.has(i) ? this.nulls(i, n) : c));
      columns.push(arrow.makeData({ type: new arrow.Int64(), length: n, nullCount: 0, data: new BigInt64Array(n).fill(set.id) }));
      await this.ctx.output.emit(batch.withColumns(this.schema, columns));
    }
  }

  async close(): Promise<void> {}

  private nulls(column: number, n: number): arrow.Data {
    return columnFromValues(withNullable(this.node.outputSchema[column].type, true), new Array<null>(n).fill(null));
  }
}

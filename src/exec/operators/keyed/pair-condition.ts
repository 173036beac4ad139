import * as arrow from 'apache-arrow';
import { compilePredicate, gather, type CompiledPredicate } from '../../../expr/index.ts';
import type { BoundExpression } from '../../../expr/expression.ts';
import type { DataType } from '../../../types/data-type.ts';
import { Schema, type Column } from '../../../types/schema.ts';
import { columnsFromRows, type InternalRow } from './row-codec.ts';

/**
 * One side of a list of candidate join pairs: rows of an incoming batch (gathered by index) or rows from state
 * (internal values). Entry p of both sides forms pair p.
 */
export type PairSide =
  | { readonly batch: arrow.RecordBatch; readonly rows: Int32Array }
  | { readonly types: readonly DataType[]; readonly rows: readonly InternalRow[] };

/**
 * A join's non-equi ON condition, evaluated over many candidate pairs in one columnar pass: the pairs' left and right
 * columns are assembled into one batch (left columns then right columns, as the condition is bound) and the compiled
 * predicate selects the pairs for which it is TRUE. Shared by the regular, window and interval joins.
 */
export class PairCondition {
  private readonly schema: arrow.Schema;
  private readonly predicate: CompiledPredicate;

  constructor(condition: BoundExpression, left: readonly Column[], right: readonly Column[]) {
    // Left and right may share column names; the condition binds by index, so names only need to be unique.
    const joined = new Schema(uniqueNames([...left, ...right]));
    this.schema = joined.toArrow();
    this.predicate = compilePredicate(condition, joined);
  }

  /** Indexes of the pairs (0 ≤ p < `length`) for which the condition is TRUE. */
  select(left: PairSide, right: PairSide, length: number): Uint32Array {
    if (length === 0) return new Uint32Array(0);
    const columns = [...sideColumns(left), ...sideColumns(right)];
    const struct = arrow.makeData({ type: new arrow.Struct(this.schema.fields), length, nullCount: 0, children: columns });
    return this.predicate.select(new arrow.RecordBatch(this.schema, struct));
  }
}

function sideColumns(side: PairSide): arrow.Data[] {
  if ('batch' in side) return side.batch.data.children.map((c) => gather(c, side.rows));
  return columnsFromRows(side.types, side.rows);
}

function uniqueNames(columns: readonly Column[]): Column[] {
  const seen = new Set<string>();
  return columns.map((c, i) => {
    const name = seen.has(c.name) ? `${c.name}$${i}` : c.name;
    seen.add(name);
    return { name, type: c.type };
  });
}

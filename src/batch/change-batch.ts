import * as arrow from 'apache-arrow';
import { RowKind } from './row-kind.ts';

/**
 * The unit of data on every channel: an Arrow record batch plus a row-kind column (+I, -U, +U, -D).
 * `kinds === null` means every row is +I, the common append-only case, so append-only pipelines pay nothing for
 * the changelog. Immutable: operators build new batches.
 */
export class ChangeBatch {
  constructor(
    readonly data: arrow.RecordBatch,
    readonly kinds: Uint8Array | null = null,
  ) {
    if (kinds && kinds.length !== data.numRows) {
      throw new RangeError(`row-kind column has ${kinds.length} entries for ${data.numRows} rows`);
    }
  }

  get numRows(): number { return this.data.numRows; }
  get schema(): arrow.Schema { return this.data.schema; }
  get isInsertOnly(): boolean { return this.kinds === null; }

  column(i: number): arrow.Vector { return this.data.getChildAt(i)!; }

  kindAt(row: number): number { return this.kinds ? this.kinds[row] : RowKind.INSERT; }

  /** A batch over the same rows with other columns (projection results). */
  withColumns(schema: arrow.Schema, columns: arrow.Data[]): ChangeBatch {
    const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length: this.numRows, nullCount: 0, children: columns });
    return new ChangeBatch(new arrow.RecordBatch(schema, struct), this.kinds);
  }

  /** Rows [begin, end). Zero-copy. */
  slice(begin: number, end: number): ChangeBatch {
    return new ChangeBatch(this.data.slice(begin, end), this.kinds ? this.kinds.subarray(begin, end) : null);
  }

  static fromColumns(schema: arrow.Schema, columns: arrow.Data[], length: number, kinds: Uint8Array | null = null): ChangeBatch {
    const struct = arrow.makeData({ type: new arrow.Struct(schema.fields), length, nullCount: 0, children: columns });
    return new ChangeBatch(new arrow.RecordBatch(schema, struct), kinds);
  }

  static empty(schema: arrow.Schema): ChangeBatch {
    return ChangeBatch.fromColumns(schema, schema.fields.map((f) => arrow.makeData({ type: f.type, length: 0 } as never)), 0);
  }
}

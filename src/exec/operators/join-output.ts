import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { gather } from '../../expr/index.ts';
import type { DataType } from '../../types/data-type.ts';
import { columnsFromRows, type InternalRow } from './keyed/row-codec.ts';

/**
 * Collects the joined rows produced while one input batch is processed and builds them as one columnar batch: the
 * input side's columns are gathered from the incoming batch (index -1 = NULL padding), the other side's columns are
 * built from the stored rows (null = NULL padding). Output order = left columns then right columns.
 */
export class JoinOutput {
  private inputRows: number[] = [];
  private others: (InternalRow | null)[] = [];
  private kinds: number[] = [];

  constructor(
    private readonly schema: arrow.Schema,
    private readonly inputIsLeft: boolean,
    private readonly otherTypes: readonly DataType[],
  ) {}

  get size(): number { return this.kinds.length; }

  /** One output row: `inputRow` of the incoming batch (or -1 for NULLs) joined with `other` (or null for NULLs). */
  add(kind: number, inputRow: number, other: InternalRow | null): void {
    this.kinds.push(kind);
    this.inputRows.push(inputRow);
    this.others.push(other);
  }

  /** The collected rows as a batch (null when none), and a reset for the next chunk. */
  take(input: arrow.RecordBatch): ChangeBatch | null {
    const n = this.kinds.length;
    if (n === 0) return null;
    const idx = Int32Array.from(this.inputRows);
    const inputCols = input.data.children.map((c) => gather(c, idx));
    const otherCols = columnsFromRows(this.otherTypes, this.others);
    const columns = this.inputIsLeft ? [...inputCols, ...otherCols] : [...otherCols, ...inputCols];
    const out = ChangeBatch.fromColumns(this.schema, columns, n, Uint8Array.from(this.kinds));
    this.inputRows = [];
    this.others = [];
    this.kinds = [];
    return out;
  }
}

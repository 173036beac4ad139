import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { gather } from '../../expr/eval/gather.ts';
import type { CorrelateNode } from '../../plan/physical/correlate-node.ts';
import { openTableBackend, type TableEvalResult, type TableFunctionBackend } from '../../udf/table-backend.ts';
import type { UdfBackendContext } from '../../udf/udf-backend.ts';
import type { StreamOperator } from '../operator.ts';
import { BundledUdfOperator } from './bundled-udf-operator.ts';
import type { Bundle } from './udf-bundles.ts';

/**
 * Builds the operator of a lateral join with a table function (Flink's Correlate / PythonCorrelate).
 *
 * Input rows are bundled and pipelined exactly as for scalar UDF calls (udf-bundles.ts: `python.fn-execution.*`
 * bundle options, backpressure, flush on watermark / checkpoint / end of input); only the argument columns leave
 * the process. A reply is the function's rows plus, per row, the input row it came from (`index`); the output is
 * built column by column: input columns gathered by that index, function columns as they came (inner join), or —
 * for a left join — with one NULL-padded row for every input row that produced none. Each output row takes the
 * row kind of its input row. Lifecycle and metrics: {@link BundledUdfOperator} (`rowsOut` counts output rows).
 */
export function createCorrelateOperator(node: CorrelateNode): StreamOperator {
  return new CorrelateOperator(node);
}

class CorrelateOperator extends BundledUdfOperator<TableEvalResult, CorrelateNode> {
  protected openBackend(backendCtx: UdfBackendContext): Promise<TableFunctionBackend> {
    return openTableBackend(this.node.program, backendCtx);
  }

  /** One output batch per retained input slice; the index is non-decreasing, so each slice's rows are one range. */
  protected async emit(bundle: Bundle<TableEvalResult>, result: TableEvalResult): Promise<void> {
    const { index, columns } = result;
    let at = 0;
    let base = 0;
    let emitted = 0;
    for (const piece of bundle.pieces) {
      const end = base + piece.numRows;
      const from = at;
      while (at < index.length && index[at] < end) at++;
      const out = this.node.joinType === 'left'
        ? this.leftRows(piece, index, columns, from, at, base)
        : this.innerRows(piece, index, columns, from, at, base);
      if (out) {
        await this.ctx.output.emit(out);
        emitted += out.numRows;
      }
      base = end;
    }
    this.metrics.recordEmitted(emitted, performance.now() - bundle.arrivedAt);
  }

  /** Output rows [from, to) of the reply joined with their input rows of `piece` (which starts at request row `base`). */
  private innerRows(piece: ChangeBatch, index: Int32Array, columns: readonly arrow.Data[], from: number, to: number, base: number): ChangeBatch | null {
    const n = to - from;
    if (n === 0) return null;
    const rows = new Int32Array(n);
    for (let k = 0; k < n; k++) rows[k] = index[from + k] - base;
    return this.joined(piece, rows, columns.map((c) => c.slice(from, n)));
  }

  /** As {@link innerRows}, plus one row with NULL function columns for each input row without function rows. */
  private leftRows(piece: ChangeBatch, index: Int32Array, columns: readonly arrow.Data[], from: number, to: number, base: number): ChangeBatch | null {
    const inputRows = piece.numRows;
    if (inputRows === 0) return null;
    let missing = 0;
    for (let r = 0, k = from; r < inputRows; r++) {
      if (k < to && index[k] - base === r) { while (k < to && index[k] - base === r) k++; } else missing++;
    }
    if (missing === 0) return this.innerRows(piece, index, columns, from, to, base);
    const n = to - from + missing;
    const rows = new Int32Array(n);
    const fnRows = new Int32Array(n); // -1: a padding row, gathered as NULL
    for (let r = 0, k = from, o = 0; r < inputRows; r++) {
      if (k < to && index[k] - base === r) {
        while (k < to && index[k] - base === r) { rows[o] = r; fnRows[o++] = k++; }
      } else {
        rows[o] = r; fnRows[o++] = -1;
      }
    }
    return this.joined(piece, rows, columns.map((c) => gather(c, fnRows)));
  }

  /** Input columns (and row kinds) gathered by `rows`, followed by the function columns. */
  private joined(piece: ChangeBatch, rows: Int32Array, fnColumns: arrow.Data[]): ChangeBatch {
    const identity = rows.length === piece.numRows && rows.every((r, i) => r === i);
    const input = identity ? piece.data.data.children : piece.data.data.children.map((c) => gather(c, rows));
    const kinds = piece.kinds ? (identity ? piece.kinds : Uint8Array.from(rows, (r) => piece.kinds![r])) : null;
    return ChangeBatch.fromColumns(this.outSchema, [...input, ...fnColumns], rows.length, kinds);
  }
}

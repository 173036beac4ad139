import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { UdfError } from '../../errors/errors.ts';
import { gather } from '../../expr/eval/gather.ts';
import type { CorrelateNode } from '../../plan/physical/correlate-node.ts';
import { Schema } from '../../types/schema.ts';
import { openTableBackend, type TableEvalResult, type TableFunctionBackend } from '../../udf/table-backend.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { bundleSettings, UdfBundles, type Bundle } from './udf-bundles.ts';
import { enrichUdfFailure } from './udf-call-errors.ts';
import { UdfCallMetrics } from './udf-call-metrics.ts';

/**
 * Builds the operator of a lateral join with a table function (Flink's Correlate / PythonCorrelate).
 *
 * Input rows are bundled and pipelined exactly as for scalar UDF calls (udf-bundles.ts: `python.fn-execution.*`
 * bundle options, backpressure, flush on watermark / checkpoint / end of input); only the argument columns leave
 * the process. A reply is the function's rows plus, per row, the input row it came from (`index`); the output is
 * built column by column: input columns gathered by that index, function columns as they came (inner join), or —
 * for a left join — with one NULL-padded row for every input row that produced none. Each output row takes the
 * row kind of its input row. Metrics: {@link UdfCallMetrics} (`rowsOut` counts output rows).
 */
export function createCorrelateOperator(node: CorrelateNode): StreamOperator {
  return new CorrelateOperator(node);
}

class CorrelateOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private backend: TableFunctionBackend | null = null;
  private bundles: UdfBundles<TableEvalResult> | null = null;
  private metrics!: UdfCallMetrics;
  private outSchema!: arrow.Schema;

  constructor(private readonly node: CorrelateNode) {}

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const { program } = this.node;
    this.metrics = new UdfCallMetrics(ctx.metrics, program);
    this.outSchema = new Schema(this.node.outputSchema).toArrow();
    const backend = await openTableBackend(program, {
      config: ctx.config, baseDir: ctx.baseDir, signal: ctx.signal, metrics: ctx.metrics,
      operatorName: ctx.operatorName, subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism,
    });
    this.backend = backend;
    this.bundles = new UdfBundles<TableEvalResult>(bundleSettings(ctx.config), program.argColumns, {
      capacity: backend.capacity,
      send: (bundle) => this.send(backend, bundle),
      emit: (bundle, result) => this.emit(bundle, result),
      failure: (bundle, error) => this.located(bundle, error),
    });
  }

  processBatch(batch: ChangeBatch): Promise<void> { return this.bundles!.add(batch); }

  processWatermark(): Promise<void> { return this.bundles!.flush(); }

  prepareSnapshot(): Promise<void> { return this.bundles!.flush(); }

  endInput(): Promise<void> { return this.bundles!.flush(); }

  async close(): Promise<void> {
    this.bundles?.dispose();
    const backend = this.backend;
    this.backend = null;
    if (backend) await backend.close();
  }

  private async send(backend: TableFunctionBackend, bundle: Bundle<TableEvalResult>): Promise<TableEvalResult> {
    this.metrics.recordFirstRequest();
    const started = process.hrtime.bigint();
    const result = await backend.eval(bundle.args, bundle.rows);
    const hostCodecNs = (result as { hostCodecNs?: number }).hostCodecNs ?? 0;
    this.metrics.recordRequest(bundle.rows, result, Number(process.hrtime.bigint() - started), hostCodecNs);
    return result;
  }

  /** One output batch per retained input slice; the index is non-decreasing, so each slice's rows are one range. */
  private async emit(bundle: Bundle<TableEvalResult>, result: TableEvalResult): Promise<void> {
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

  private located(bundle: Bundle<TableEvalResult>, error: unknown): unknown {
    this.metrics.recordError(error instanceof UdfError ? error.udf : undefined);
    return enrichUdfFailure(error, {
      operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex, firstRow: bundle.firstRow, args: [...bundle.args],
    });
  }
}

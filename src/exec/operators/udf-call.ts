import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { UdfError } from '../../errors/errors.ts';
import type { UdfCallNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { UdfBackend, UdfEvalResult } from '../../udf/udf-backend.ts';
import { udfBackend } from '../../udf/udf-backends.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { bundleSettings, UdfBundles, type Bundle } from './udf-bundles.ts';
import { enrichUdfFailure } from './udf-call-errors.ts';
import { UdfCallMetrics } from './udf-call-metrics.ts';

/**
 * Builds the operator that appends the results of a UDF program (Python or TypeScript backend) to its input rows.
 *
 * Rows are buffered into requests of `python.fn-execution.arrow.batch.size` rows (big batches are sliced, small ones
 * concatenated; only `program.argColumns` are shipped). A request goes out when full, `python.fn-execution.bundle.time`
 * ms after its first row arrived, or at once while fewer than `python.fn-execution.bundle.eager-in-flight` requests
 * are in flight (waiting for a full bundle only pays when the workers are busy anyway). Up to `backend.capacity`
 * requests (and at most `python.fn-execution.bundle.size` rows) are in flight; beyond that `processBatch` waits,
 * which is the backpressure upstream sees. Results are joined to the retained input slices and emitted strictly in
 * submission order, row kinds preserved. Watermarks, snapshots and end of input flush and wait for every request,
 * so a watermark never overtakes rows. The bundling is {@link UdfBundles}, shared with the correlate operator.
 * Metrics: see {@link UdfCallMetrics}.
 */
export function createUdfCallOperator(node: UdfCallNode): StreamOperator {
  return new UdfCallOperator(node);
}

class UdfCallOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private backend: UdfBackend | null = null;
  private bundles: UdfBundles<UdfEvalResult> | null = null;
  private metrics!: UdfCallMetrics;
  private outSchema!: arrow.Schema;

  constructor(private readonly node: UdfCallNode) {}

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const { program } = this.node;
    this.metrics = new UdfCallMetrics(ctx.metrics, program);
    this.outSchema = new Schema(this.node.outputSchema).toArrow();
    const backend = await udfBackend(program.language).open(program, {
      config: ctx.config, baseDir: ctx.baseDir, signal: ctx.signal, metrics: ctx.metrics,
      operatorName: ctx.operatorName, subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism,
    });
    this.backend = backend;
    this.bundles = new UdfBundles<UdfEvalResult>(bundleSettings(ctx.config), program.argColumns, {
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

  private async send(backend: UdfBackend, bundle: Bundle<UdfEvalResult>): Promise<UdfEvalResult> {
    this.metrics.recordFirstRequest();
    const started = process.hrtime.bigint();
    const result = await backend.eval(bundle.args, bundle.rows);
    if (!result) throw new Error('UDF backend resolved without a result');
    const hostCodecNs = (result as { hostCodecNs?: number }).hostCodecNs ?? 0;
    this.metrics.recordRequest(bundle.rows, result, Number(process.hrtime.bigint() - started), hostCodecNs);
    return result;
  }

  /** One output batch per retained input slice: its columns followed by its range of the result columns. */
  private async emit(bundle: Bundle<UdfEvalResult>, result: UdfEvalResult): Promise<void> {
    let offset = 0;
    for (const piece of bundle.pieces) {
      const n = piece.numRows;
      const columns = [...piece.data.data.children, ...result.columns.map((r) => r.slice(offset, n))];
      await this.ctx.output.emit(ChangeBatch.fromColumns(this.outSchema, columns, n, piece.kinds));
      offset += n;
    }
    this.metrics.recordEmitted(bundle.rows, performance.now() - bundle.arrivedAt);
  }

  private located(bundle: Bundle<UdfEvalResult>, error: unknown): unknown {
    this.metrics.recordError(error instanceof UdfError ? error.udf : undefined);
    return enrichUdfFailure(error, {
      operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex, firstRow: bundle.firstRow, args: [...bundle.args],
    });
  }
}

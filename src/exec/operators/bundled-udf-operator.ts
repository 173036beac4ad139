import type * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import { UdfError } from '../../errors/errors.ts';
import { Schema, type Column } from '../../types/schema.ts';
import type { UdfBackend, UdfBackendContext, UdfEvalResult } from '../../udf/udf-backend.ts';
import type { UdfProgram } from '../../udf/function-definition.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { bundleSettings, UdfBundles, type Bundle } from './udf-bundles.ts';
import { enrichUdfFailure } from './udf-call-errors.ts';
import { UdfCallMetrics } from './udf-call-metrics.ts';

/** The plan node fields every bundled UDF operator reads. */
export interface BundledUdfNode {
  readonly program: UdfProgram;
  readonly outputSchema: readonly Column[];
}

/**
 * The lifecycle shared by the operators that ship their input to a UDF backend in bundles (scalar UDF calls,
 * correlate): open the backend, run every entry point through one {@link UdfBundles}, record request / emit /
 * error metrics ({@link UdfCallMetrics}), locate failures at the operator's row, flush on watermark, snapshot and
 * end of input, close the backend. A subclass opens its kind of backend and turns a bundle's result into output.
 */
export abstract class BundledUdfOperator<R extends UdfEvalResult, N extends BundledUdfNode> implements StreamOperator {
  protected ctx!: OperatorContext;
  protected metrics!: UdfCallMetrics;
  protected outSchema!: arrow.Schema;
  private backend: UdfBackend<R> | null = null;
  private bundles: UdfBundles<R> | null = null;

  constructor(protected readonly node: N) {}

  /** Opens the backend that evaluates `node.program`. */
  protected abstract openBackend(backendCtx: UdfBackendContext): Promise<UdfBackend<R>>;

  /** Emits the output of a completed bundle (called in submission order, never concurrently). */
  protected abstract emit(bundle: Bundle<R>, result: R): Promise<void>;

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const { program } = this.node;
    this.metrics = new UdfCallMetrics(ctx.metrics, program);
    this.outSchema = new Schema(this.node.outputSchema).toArrow();
    const backend = await this.openBackend({
      config: ctx.config, baseDir: ctx.baseDir, signal: ctx.signal, metrics: ctx.metrics,
      operatorName: ctx.operatorName, subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism,
    });
    this.backend = backend;
    this.bundles = new UdfBundles<R>(bundleSettings(ctx.config), program.argColumns, {
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

  private async send(backend: UdfBackend<R>, bundle: Bundle<R>): Promise<R> {
    this.metrics.recordFirstRequest();
    const started = process.hrtime.bigint();
    const result = await backend.eval(bundle.args, bundle.rows);
    if (!result) throw new Error('UDF backend resolved without a result');
    // Backends that encode on this thread (the Python client) report that time so it is not counted as transport.
    const hostCodecNs = (result as { hostCodecNs?: number }).hostCodecNs ?? 0;
    this.metrics.recordRequest(bundle.rows, result, Number(process.hrtime.bigint() - started), hostCodecNs);
    return result;
  }

  private located(bundle: Bundle<R>, error: unknown): unknown {
    this.metrics.recordError(error instanceof UdfError ? error.udf : undefined);
    return enrichUdfFailure(error, {
      operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex, firstRow: bundle.firstRow, args: [...bundle.args],
    });
  }
}

import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { PythonOptions } from '../../config/options.ts';
import { UdfError } from '../../errors/errors.ts';
import type { UdfCallNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { UdfBackend, UdfEvalResult } from '../../udf/udf-backend.ts';
import { udfBackend } from '../../udf/udf-backends.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { concatData } from './udf-call-concat.ts';
import { enrichUdfFailure } from './udf-call-errors.ts';
import { UdfCallMetrics } from './udf-call-metrics.ts';

/** A request on its way: the input slices it covers (forwarded columns never leave this process) and its promise. */
interface Request {
  readonly pieces: ChangeBatch[];
  readonly rows: number;
  readonly firstRow: number;
  readonly args: arrow.Data[];
  /** performance.now() when the request's first row entered the buffer. */
  readonly arrivedAt: number;
  result: UdfEvalResult | null;
  error: unknown;
  done: boolean;
  readonly settled: Promise<void>;
}

/**
 * Builds the operator that appends the results of a UDF program (Python or TypeScript backend) to its input rows.
 *
 * Rows are buffered into requests of `python.fn-execution.arrow.batch.size` rows (big batches are sliced, small ones
 * concatenated; only `program.argColumns` are shipped). A request goes out when full, or `python.fn-execution.bundle.time`
 * ms after its first row arrived. Up to `backend.capacity` requests (and at most `python.fn-execution.bundle.size`
 * rows) are in flight; beyond that `processBatch` waits, which is the backpressure upstream sees. Results are joined
 * to the retained input slices and emitted strictly in submission order, row kinds preserved. Watermarks, snapshots
 * and end of input flush and wait for every request, so a watermark never overtakes rows.
 * Metrics: see {@link UdfCallMetrics}.
 */
export function createUdfCallOperator(node: UdfCallNode): StreamOperator {
  return new UdfCallOperator(node);
}

class UdfCallOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private backend: UdfBackend | null = null;
  private metrics!: UdfCallMetrics;
  private outSchema!: arrow.Schema;
  private requestRows = 10_000;
  private bundleTimeMs = 1000;
  private maxRowsInFlight = 100_000;
  private eagerInFlight = 2;
  /** Input slices waiting to form a request. */
  private buffer: ChangeBatch[] = [];
  private bufferedRows = 0;
  private bufferArrivedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /** Submitted requests in submission order; the head is emitted first. */
  private readonly queue: Request[] = [];
  private rowsInFlight = 0;
  /** Input rows seen so far: the operator-wide row index of the next buffered row. */
  private rowsSeen = 0;
  /** Serialises hooks, timer flushes and asynchronous emission so `emit` calls never interleave. */
  private lane: Promise<void> = Promise.resolve();
  private failure: unknown = null;

  constructor(private readonly node: UdfCallNode) {}

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    const { program } = this.node;
    this.metrics = new UdfCallMetrics(ctx.metrics, program);
    this.outSchema = new Schema(this.node.outputSchema).toArrow();
    this.requestRows = Math.max(1, ctx.config.get(PythonOptions.ARROW_BATCH_SIZE));
    this.bundleTimeMs = Math.max(0, ctx.config.get(PythonOptions.BUNDLE_TIME));
    this.maxRowsInFlight = Math.max(this.requestRows, ctx.config.get(PythonOptions.BUNDLE_SIZE));
    this.eagerInFlight = Math.max(0, ctx.config.get(PythonOptions.EAGER_IN_FLIGHT));
    this.backend = await udfBackend(program.language).open(program, {
      config: ctx.config, baseDir: ctx.baseDir, signal: ctx.signal, metrics: ctx.metrics,
      operatorName: ctx.operatorName, subtaskIndex: ctx.subtaskIndex, parallelism: ctx.parallelism,
    });
  }

  processBatch(batch: ChangeBatch): Promise<void> {
    return this.serial(async () => {
      if (batch.numRows === 0) return;
      let at = 0;
      while (at < batch.numRows) {
        const take = Math.min(batch.numRows - at, this.requestRows - this.bufferedRows);
        if (this.bufferedRows === 0) this.startBundle();
        this.buffer.push(at === 0 && take === batch.numRows ? batch : batch.slice(at, at + take));
        this.bufferedRows += take;
        at += take;
        if (this.bufferedRows >= this.requestRows) await this.submitBuffer();
      }
      await this.emitReady();
      await this.submitIfIdle();
    });
  }

  /**
   * Sends a partial bundle while few requests are in flight: waiting for a full bundle only pays when the workers
   * are busy anyway. At low input rates each batch goes out at once (latency = one round trip instead of
   * bundle.time); at high rates requests are in flight, so rows accumulate into full-size bundles.
   */
  private async submitIfIdle(): Promise<void> {
    if (this.bufferedRows > 0 && this.queue.length < this.eagerInFlight) await this.submitBuffer();
  }

  processWatermark(): Promise<void> { return this.serial(() => this.flushAll()); }

  prepareSnapshot(): Promise<void> { return this.serial(() => this.flushAll()); }

  endInput(): Promise<void> { return this.serial(() => this.flushAll()); }

  async close(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    const backend = this.backend;
    this.backend = null;
    if (backend) await backend.close();
  }

  /** Runs `task` after every earlier hook, timer flush and emission; rethrows a failure seen asynchronously. */
  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.lane.then(async () => {
      if (this.failure) throw this.failure;
      try {
        await task();
      } catch (error) {
        this.failure ??= error;
        throw this.failure;
      }
    });
    this.lane = run.catch(() => undefined);
    return run;
  }

  private startBundle(): void {
    this.bufferArrivedAt = performance.now();
    if (this.bundleTimeMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failure here has no caller; it is kept and thrown from the next hook.
      this.serial(async () => { await this.submitBuffer(); await this.emitReady(); }).catch(() => undefined);
    }, this.bundleTimeMs);
    this.timer.unref();
  }

  /** Sends the buffered rows as one request, first waiting (and emitting) while too much is in flight. */
  private async submitBuffer(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.bufferedRows === 0) return;
    const pieces = this.buffer;
    const rows = this.bufferedRows;
    const arrivedAt = this.bufferArrivedAt;
    this.buffer = [];
    this.bufferedRows = 0;
    const backend = this.backend!;
    while (this.queue.length > 0 && (this.queue.length >= backend.capacity || this.rowsInFlight + rows > this.maxRowsInFlight)) {
      await this.emitHead();
    }
    const args = this.node.program.argColumns.map((c) => concatData(pieces.map((p) => p.data.data.children[c])));
    this.metrics.recordFirstRequest();
    const started = process.hrtime.bigint();
    const request: Request = {
      pieces, rows, args, arrivedAt, firstRow: this.rowsSeen, result: null, error: null, done: false,
      settled: backend.eval(args, rows).then(
        (result) => {
          request.result = result;
          const hostCodecNs = (result as { hostCodecNs?: number }).hostCodecNs ?? 0;
          this.metrics.recordRequest(rows, result, Number(process.hrtime.bigint() - started), hostCodecNs);
        },
        (error) => { request.error = error; },
      ).finally(() => {
        request.done = true;
        // Emit completed heads even when no hook is running (a quiet input must still see its results).
        if (this.queue[0] === request) this.serial(async () => { await this.emitReady(); await this.submitIfIdle(); }).catch(() => undefined);
      }),
    };
    this.rowsSeen += rows;
    this.rowsInFlight += rows;
    this.queue.push(request);
  }

  /** Emits every completed request at the head of the queue, in order, without waiting for the others. */
  private async emitReady(): Promise<void> {
    while (this.queue.length > 0 && this.queue[0].done) await this.emitHead();
  }

  /** Waits for the head request and emits its rows: one output batch per retained input slice. */
  private async emitHead(): Promise<void> {
    const request = this.queue[0];
    await request.settled;
    this.queue.shift();
    this.rowsInFlight -= request.rows;
    if (request.error !== null || !request.result) throw this.fail(request);
    const results = request.result.columns;
    let offset = 0;
    for (const piece of request.pieces) {
      const n = piece.numRows;
      const columns = [...piece.data.data.children, ...results.map((r) => r.slice(offset, n))];
      await this.ctx.output.emit(ChangeBatch.fromColumns(this.outSchema, columns, n, piece.kinds));
      offset += n;
    }
    this.metrics.recordEmitted(request.rows, performance.now() - request.arrivedAt);
  }

  /** Sends what is buffered and waits until every request has been emitted. */
  private async flushAll(): Promise<void> {
    await this.submitBuffer();
    while (this.queue.length > 0) await this.emitHead();
  }

  private fail(request: Request): unknown {
    const error = request.error ?? new Error('UDF backend resolved without a result');
    this.metrics.recordError(error instanceof UdfError ? error.udf : undefined);
    return enrichUdfFailure(error, {
      operator: this.ctx.operatorName, subtask: this.ctx.subtaskIndex, firstRow: request.firstRow, args: request.args,
    });
  }
}

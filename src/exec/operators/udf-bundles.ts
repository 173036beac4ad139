import type * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { Configuration } from '../../config/configuration.ts';
import { PythonOptions } from '../../config/options.ts';
import { concatData } from './udf-call-concat.ts';

/** One request on its way: the input slices it covers (they never leave this process) and its outcome. */
export interface Bundle<R> {
  readonly pieces: readonly ChangeBatch[];
  readonly rows: number;
  /** Operator-wide index (input rows before it) of the bundle's first row; errors add it to request rows. */
  readonly firstRow: number;
  /** The shipped argument columns (`argColumns` of the pieces, concatenated). */
  readonly args: readonly arrow.Data[];
  /** performance.now() when the bundle's first row entered the buffer. */
  readonly arrivedAt: number;
}

/** How bundles close and how much may be in flight (PyFlink's bundle options, shared by every UDF operator). */
export interface BundleSettings {
  /** `python.fn-execution.arrow.batch.size`: rows per request. */
  readonly requestRows: number;
  /** `python.fn-execution.bundle.time`: ms a row may wait in a partial bundle (0 = no timer). */
  readonly bundleTimeMs: number;
  /** `python.fn-execution.bundle.size`: rows in flight at most. */
  readonly maxRowsInFlight: number;
  /** `python.fn-execution.bundle.eager-in-flight`: below this many requests in flight, partial bundles go at once. */
  readonly eagerInFlight: number;
}

export function bundleSettings(config: Configuration): BundleSettings {
  const requestRows = Math.max(1, config.get(PythonOptions.ARROW_BATCH_SIZE));
  return {
    requestRows,
    bundleTimeMs: Math.max(0, config.get(PythonOptions.BUNDLE_TIME)),
    maxRowsInFlight: Math.max(requestRows, config.get(PythonOptions.BUNDLE_SIZE)),
    eagerInFlight: Math.max(0, config.get(PythonOptions.EAGER_IN_FLIGHT)),
  };
}

/** What an operator plugs into {@link UdfBundles}. */
export interface BundleHandlers<R> {
  /** Requests the backend accepts in flight. */
  readonly capacity: number;
  /** Starts the request of a bundle. */
  send(bundle: Bundle<R>): Promise<R>;
  /** Emits the output of a completed bundle (called in submission order, never concurrently). */
  emit(bundle: Bundle<R>, result: R): Promise<void>;
  /** The error to raise for a failed bundle (e.g. the UDF error located at the operator's row). */
  failure(bundle: Bundle<R>, error: unknown): unknown;
}

interface Pending<R> {
  readonly bundle: Bundle<R>;
  result: R | null;
  error: unknown;
  failed: boolean;
  done: boolean;
  readonly settled: Promise<void>;
}

/**
 * Pipelined UDF requests over an operator's input, in input order. Rows are buffered into bundles of
 * `requestRows` (big batches sliced, small ones concatenated; only `argColumns` are shipped); a bundle goes out when
 * full, `bundleTimeMs` after its first row arrived, or at once while fewer than `eagerInFlight` requests are in
 * flight. Up to `capacity` requests (and `maxRowsInFlight` rows) are in flight; beyond that `add` waits, which is the
 * backpressure upstream sees. Results are emitted strictly in submission order. `flush` (watermarks, checkpoints,
 * end of input) sends what is buffered and waits until everything is emitted. Every entry point is serialised on one
 * lane, so emissions never interleave; a failure is raised from the next entry point.
 */
export class UdfBundles<R> {
  private buffer: ChangeBatch[] = [];
  private bufferedRows = 0;
  private bufferArrivedAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private readonly queue: Pending<R>[] = [];
  private rowsInFlight = 0;
  private rowsSeen = 0;
  private lane: Promise<void> = Promise.resolve();
  private error: unknown = null;
  private failed = false;

  constructor(
    private readonly settings: BundleSettings,
    private readonly argColumns: readonly number[],
    private readonly handlers: BundleHandlers<R>,
  ) {}

  /** Buffers a batch, sending and emitting what becomes ready. */
  add(batch: ChangeBatch): Promise<void> {
    return this.serial(async () => {
      if (batch.numRows === 0) return;
      const { requestRows } = this.settings;
      let at = 0;
      while (at < batch.numRows) {
        const take = Math.min(batch.numRows - at, requestRows - this.bufferedRows);
        if (this.bufferedRows === 0) this.startTimer();
        this.buffer.push(at === 0 && take === batch.numRows ? batch : batch.slice(at, at + take));
        this.bufferedRows += take;
        at += take;
        if (this.bufferedRows >= requestRows) await this.submit();
      }
      await this.emitReady();
      if (this.bufferedRows > 0 && this.queue.length < this.settings.eagerInFlight) await this.submit();
    });
  }

  /** Sends what is buffered and waits until every bundle has been emitted. */
  flush(): Promise<void> {
    return this.serial(async () => {
      await this.submit();
      while (this.queue.length > 0) await this.emitHead();
    });
  }

  /** Stops the bundle timer (the operator closes its backend itself). */
  dispose(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
  }

  private serial(task: () => Promise<void>): Promise<void> {
    const run = this.lane.then(async () => {
      if (this.failed) throw this.error;
      try {
        await task();
      } catch (error) {
        if (!this.failed) { this.failed = true; this.error = error; }
        throw this.error;
      }
    });
    this.lane = run.catch(() => undefined);
    return run;
  }

  private startTimer(): void {
    this.bufferArrivedAt = performance.now();
    if (this.settings.bundleTimeMs <= 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      // A failure here has no caller; it is kept and thrown from the next entry point.
      this.serial(async () => { await this.submit(); await this.emitReady(); }).catch(() => undefined);
    }, this.settings.bundleTimeMs);
    this.timer.unref();
  }

  /** Sends the buffered rows as one bundle, first waiting (and emitting) while too much is in flight. */
  private async submit(): Promise<void> {
    if (this.timer) { clearTimeout(this.timer); this.timer = null; }
    if (this.bufferedRows === 0) return;
    const pieces = this.buffer;
    const rows = this.bufferedRows;
    const arrivedAt = this.bufferArrivedAt;
    this.buffer = [];
    this.bufferedRows = 0;
    while (this.queue.length > 0 && (this.queue.length >= this.handlers.capacity || this.rowsInFlight + rows > this.settings.maxRowsInFlight)) {
      await this.emitHead();
    }
    const args = this.argColumns.map((c) => concatData(pieces.map((p) => p.data.data.children[c])));
    const bundle: Bundle<R> = { pieces, rows, args, arrivedAt, firstRow: this.rowsSeen };
    const pending: Pending<R> = {
      bundle, result: null, error: null, failed: false, done: false,
      settled: this.handlers.send(bundle).then(
        (result) => { pending.result = result; },
        (error) => { pending.error = error; pending.failed = true; },
      ).finally(() => {
        pending.done = true;
        // Emit completed heads even when no entry point is running (a quiet input must still see its results).
        if (this.queue[0] === pending) this.serial(() => this.emitReady()).catch(() => undefined);
      }),
    };
    this.rowsSeen += rows;
    this.rowsInFlight += rows;
    this.queue.push(pending);
  }

  private async emitReady(): Promise<void> {
    while (this.queue.length > 0 && this.queue[0].done) await this.emitHead();
  }

  /** Waits for the head bundle and emits it. */
  private async emitHead(): Promise<void> {
    const head = this.queue[0];
    await head.settled;
    this.queue.shift();
    this.rowsInFlight -= head.bundle.rows;
    if (head.failed) throw this.handlers.failure(head.bundle, head.error);
    await this.handlers.emit(head.bundle, head.result as R);
  }
}

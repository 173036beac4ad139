import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../../batch/change-batch.ts';
import { option, parseIntOption } from '../../../config/configuration.ts';
import { concatData } from '../udf-call-concat.ts';

/** Flink's `table.exec.window-agg.buffer-size-limit`: rows a window aggregation buffers before folding them. */
export const WINDOW_BUFFER_SIZE_LIMIT = option('table.exec.window-agg.buffer-size-limit', 100_000,
  'Rows a window aggregation buffers (with their times) before folding them into state; it also folds on every watermark and before checkpoints.',
  parseIntOption('table.exec.window-agg.buffer-size-limit'));

/**
 * Input batches of an event-time window aggregation waiting to be folded into state, with each row's time (Flink's
 * WindowBuffer and RecordsCombiner): folding many batches at once touches each (key, window) state once per fold
 * instead of once per batch. The operator folds on every watermark (before firing, so lateness is decided against
 * the watermark the rows arrived under), before a checkpoint barrier, at the end of input and when the buffer is
 * full. The buffered batches are the operator's input: nothing in it is lost by a restart from a checkpoint taken
 * after the fold that preceded it.
 */
export class WindowBuffer {
  private batches: ChangeBatch[] = [];
  private times: Float64Array[] = [];
  private count = 0;

  constructor(readonly limit: number) {}

  get rows(): number { return this.count; }

  /** Adds a batch; true when the buffer has reached its limit and should be folded. */
  add(batch: ChangeBatch, times: Float64Array): boolean {
    this.batches.push(batch);
    this.times.push(times);
    this.count += batch.numRows;
    return this.count >= this.limit;
  }

  /** Everything buffered as one batch and its times (null when empty), and the buffer emptied. */
  take(): { batch: ChangeBatch; times: Float64Array } | null {
    if (this.count === 0) return null;
    const batches = this.batches;
    const times = this.times;
    this.batches = [];
    this.times = [];
    this.count = 0;
    if (batches.length === 1) return { batch: batches[0], times: times[0] };
    return { batch: concatBatches(batches), times: concatTimes(times) };
  }
}

function concatBatches(batches: readonly ChangeBatch[]): ChangeBatch {
  const first = batches[0];
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const columns = first.data.data.children.map((_, c) => concatData(batches.map((b) => b.data.data.children[c])));
  let kinds: Uint8Array | null = null;
  if (batches.some((b) => b.kinds !== null)) {
    kinds = new Uint8Array(length);
    let at = 0;
    for (const b of batches) { if (b.kinds) kinds.set(b.kinds, at); at += b.numRows; }
  }
  return ChangeBatch.fromColumns(first.schema as arrow.Schema, columns, length, kinds);
}

function concatTimes(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

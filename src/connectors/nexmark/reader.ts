import { setTimeout as sleep } from 'node:timers/promises';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { CoreOptions } from '../../config/options.ts';
import type { Schema } from '../../types/schema.ts';
import type * as arrow from 'apache-arrow';
import type { ConnectorContext, SourceReader } from '../connector.ts';
import { NexmarkGenerator } from './generator.ts';
import type { NexmarkConfig } from './options.ts';
import { dealSplits, eventsLeft, restoredSplits, type NexmarkPosition, type NexmarkSplit } from './splits.ts';

export type { NexmarkPosition } from './splits.ts';

/**
 * One subtask's nexmark reader: batches of `table.exec.batch-size` events, as fast as possible, or, with
 * `rate.limited`, each event when it is due in wall-clock time at the configured event rate.
 *
 * It emits its splits' events (see NexmarkSplit; one split {i, p} when the job starts) merged in the order of the
 * global stream, so its event times advance like the whole stream's. Its position is its splits, advanced past what
 * it emitted; a reader created with `ctx.restoredPositions` (any old parallelism) deals the unfinished splits again
 * and continues: generation is a pure function of the event index, so the replay is exact.
 */
export class NexmarkReader implements SourceReader {
  private readonly generator: NexmarkGenerator;
  private readonly arrowSchema: arrow.Schema;
  private readonly batchSize: number;
  /** Global index after the last event (Infinity when unbounded). */
  private readonly end: number;
  /** Next event of each owned split (mutable copies of the splits). */
  private readonly splits: { next: number; stride: number }[];
  private indices = new Float64Array(0);
  private closed = false;
  /** Wall-clock time (ms) at which the stream started, when rate limited; set by the first batch. */
  private wallclockBase: number | undefined;

  constructor(config: NexmarkConfig, schema: Schema, private readonly ctx: ConnectorContext) {
    this.generator = new NexmarkGenerator(config, schema, ctx.subtaskIndex, ctx.parallelism);
    this.arrowSchema = schema.toArrow();
    this.end = config.numEvents ?? Infinity;
    const batchSize = Math.max(1, ctx.config.get(CoreOptions.BATCH_SIZE));
    // Rate limited: about ten batches a second, so a slow stream flows steadily instead of in bursts.
    const perSecond = config.eventsPerSecond / ctx.parallelism;
    this.batchSize = config.rateLimited ? Math.max(1, Math.min(batchSize, Math.floor(perSecond / 10))) : batchSize;
    const owned: NexmarkSplit[] = ctx.restoredPositions
      ? dealSplits(restoredSplits(ctx.restoredPositions), this.end, ctx.subtaskIndex, ctx.parallelism)
      : [{ next: ctx.subtaskIndex, stride: ctx.parallelism }];
    this.splits = owned.map((s) => ({ ...s }));
  }

  snapshotPosition(): NexmarkPosition {
    return { splits: this.splits.map((s) => ({ next: s.next, stride: s.stride })) };
  }

  async next(): Promise<ChangeBatch | null> {
    this.ctx.signal.throwIfAborted();
    if (this.closed) return null;
    const n = this.fillIndices();
    if (n === 0) return null;
    if (this.generator.config.rateLimited) await this.waitUntilDue(this.indices[0], this.indices[n - 1]);
    return ChangeBatch.fromColumns(this.arrowSchema, this.generator.generateEvents(this.indices, n), n);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /**
   * Takes the next events of the batch from the splits, in global order, into `indices`; returns how many. One
   * split (the usual case) is an arithmetic run; several are merged, the smallest next event first.
   */
  private fillIndices(): number {
    if (this.indices.length < this.batchSize) this.indices = new Float64Array(this.batchSize);
    const out = this.indices;
    const splits = this.splits;
    const end = this.end;
    if (splits.length === 1) {
      const s = splits[0];
      const n = Math.min(this.batchSize, eventsLeft(s, end));
      for (let row = 0; row < n; row++) out[row] = s.next + row * s.stride;
      s.next += n * s.stride;
      return n;
    }
    let n = 0;
    while (n < this.batchSize) {
      let min: { next: number; stride: number } | undefined;
      for (const s of splits) if (s.next < end && (!min || s.next < min.next)) min = s;
      if (!min) break;
      out[n++] = min.next;
      min.next += min.stride;
    }
    return n;
  }

  /** Sleeps until global event `last` is due; the first wait anchors the stream at event `first`. */
  private async waitUntilDue(first: number, last: number): Promise<void> {
    const now = Date.now();
    this.wallclockBase ??= now - this.generator.dueOffsetOfEvent(first);
    const wait = this.wallclockBase + this.generator.dueOffsetOfEvent(last) - now;
    if (wait > 0) await sleep(wait, undefined, { signal: this.ctx.signal });
  }
}

import { setTimeout as sleep } from 'node:timers/promises';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { CoreOptions } from '../../config/options.ts';
import type { Schema } from '../../types/schema.ts';
import type * as arrow from 'apache-arrow';
import type { ConnectorContext, SourceReader } from '../connector.ts';
import { restoredSubtaskPosition } from '../restored-position.ts';
import { NexmarkGenerator } from './generator.ts';
import type { NexmarkConfig } from './options.ts';

/** Where a nexmark subtask is, as recorded in checkpoints: the events it has emitted. */
export interface NexmarkPosition {
  readonly emitted: number;
}

/**
 * One subtask's nexmark reader: batches of `table.exec.batch-size` events, as fast as possible, or, with
 * `rate.limited`, each event when it is due in wall-clock time at the configured event rate.
 *
 * Its position is the number of events it has emitted; {@link snapshotPosition} records it for a checkpoint and a
 * reader created with `ctx.restoredPositions` (or {@link seek}) continues from it: generation is a pure function
 * of the position, so the replay is exact.
 */
export class NexmarkReader implements SourceReader {
  private readonly generator: NexmarkGenerator;
  private readonly arrowSchema: arrow.Schema;
  private readonly batchSize: number;
  private readonly end: number;
  private emitted = 0;
  private closed = false;
  /** Wall-clock time (ms) at which the stream started, when rate limited; set by the first batch. */
  private wallclockBase: number | undefined;

  constructor(config: NexmarkConfig, schema: Schema, private readonly ctx: ConnectorContext) {
    this.generator = new NexmarkGenerator(config, schema, ctx.subtaskIndex, ctx.parallelism);
    this.arrowSchema = schema.toArrow();
    this.end = this.generator.eventCount;
    const batchSize = Math.max(1, ctx.config.get(CoreOptions.BATCH_SIZE));
    // Rate limited: about ten batches a second, so a slow stream flows steadily instead of in bursts.
    const perSecond = config.eventsPerSecond / ctx.parallelism;
    this.batchSize = config.rateLimited ? Math.max(1, Math.min(batchSize, Math.floor(perSecond / 10))) : batchSize;
    const restored = restoredPosition(ctx);
    if (restored) this.seek(restored.emitted);
  }

  /** Events this subtask has emitted so far: the position a checkpoint records. */
  position(): number {
    return this.emitted;
  }

  snapshotPosition(): NexmarkPosition {
    return { emitted: this.emitted };
  }

  /** Continues from `position` (events already emitted), e.g. after restoring a checkpoint. */
  seek(position: number): void {
    if (!Number.isSafeInteger(position) || position < 0) throw new RangeError(`nexmark position must be a non-negative integer, got ${position}`);
    this.emitted = Math.min(position, this.end);
    this.wallclockBase = undefined;
  }

  async next(): Promise<ChangeBatch | null> {
    this.ctx.signal.throwIfAborted();
    if (this.closed || this.emitted >= this.end) return null;
    const n = Math.min(this.batchSize, this.end - this.emitted);
    if (this.generator.config.rateLimited) await this.waitUntilDue(this.emitted + n - 1);
    const columns = this.generator.generate(this.emitted, n);
    this.emitted += n;
    return ChangeBatch.fromColumns(this.arrowSchema, columns, n);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  /** Sleeps until this subtask's k-th event is due; the first wait anchors the stream at the current position. */
  private async waitUntilDue(k: number): Promise<void> {
    const now = Date.now();
    this.wallclockBase ??= now - this.generator.dueOffsetMs(this.emitted);
    const wait = this.wallclockBase + this.generator.dueOffsetMs(k) - now;
    if (wait > 0) await sleep(wait, undefined, { signal: this.ctx.signal });
  }
}

/**
 * This subtask's position in a restored job. Subtask i of p emits the events i, i + p, i + 2p, ..., so a position
 * means something only at the parallelism it was taken at.
 */
function restoredPosition(ctx: ConnectorContext): NexmarkPosition | null {
  const p = restoredSubtaskPosition(ctx, 'nexmark', 'Restore the job with the parallelism it had, or start the nexmark source afresh (without restoring).',
    (q): q is NexmarkPosition => {
      const emitted = (q as Partial<NexmarkPosition> | undefined)?.emitted;
      return typeof emitted === 'number' && Number.isSafeInteger(emitted) && emitted >= 0;
    });
  return p && { emitted: p.emitted };
}

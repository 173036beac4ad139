import { CoreOptions } from '../../config/options.ts';
import type { Schema } from '../../types/schema.ts';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { ConnectorContext, ConnectorOptions, SourceReader } from '../connector.ts';
import { OptionReader } from '../options.ts';
import { TokenBucket } from '../rate-limiter.ts';
import { fieldSpec, IDENTIFIER, type FieldSpec } from './fields.ts';
import { DatagenSplit, splitRng } from './split.ts';
import { sequenceLength } from './sequence.ts';
import { boundedLayout, ownedSplits, restoredSplits, unboundedLayout, type DatagenPosition, type DatagenSplitState, type SplitLayout } from './splits.ts';

export type { DatagenPosition } from './splits.ts';

/** Rows per second when `rows-per-second` is not set (Flink's default). */
export const DEFAULT_ROWS_PER_SECOND = 10_000;

/** Parsed datagen table options, shared by validation and readers. */
export interface DatagenPlan {
  readonly rowsPerSecond: number;
  readonly numberOfRows?: number;
  readonly seed?: number;
  readonly fields: readonly FieldSpec[];
}

export function datagenPlan(options: ConnectorOptions, schema: Schema): DatagenPlan {
  const r = new OptionReader(IDENTIFIER, options);
  return {
    rowsPerSecond: r.number('rows-per-second', DEFAULT_ROWS_PER_SECOND, Number.MIN_VALUE)!,
    numberOfRows: r.int('number-of-rows', undefined, 0),
    seed: r.int('seed', undefined),
    fields: schema.columns.map((c) => fieldSpec(options, c.name, c.type, true)),
  };
}

/**
 * Rows of the whole table (all subtasks), or undefined when unbounded: `number-of-rows`, and no more than any
 * sequence field's range holds.
 */
export function totalRows(plan: DatagenPlan): number | undefined {
  let rows = plan.numberOfRows === undefined ? undefined : BigInt(plan.numberOfRows);
  for (const f of plan.fields) {
    if (f.kind !== 'sequence') continue;
    const length = sequenceLength(f);
    rows = rows === undefined || length < rows ? length : rows;
  }
  return rows === undefined ? undefined : Number(rows < BigInt(Number.MAX_SAFE_INTEGER) ? rows : BigInt(Number.MAX_SAFE_INTEGER));
}

/**
 * One subtask's datagen reader: columnar batches of `table.exec.batch-size` rows, throttled by a token bucket.
 *
 * The table's rows are cut into splits that do not depend on the parallelism (see {@link SplitLayout}); subtask i
 * of p owns splits i, i + p, ...: it emits bounded splits one after the other and takes turns between lanes (a
 * block of rows each). Its position records every owned split's progress and random generator state, so a restored
 * job, at any parallelism, deals the splits again and emits exactly the rows the failed job would have emitted next.
 */
export class DatagenReader implements SourceReader {
  private readonly layout: SplitLayout;
  private readonly splits: DatagenSplit[];
  /** The split to take the next batch from, and the split of the last batch. */
  private current = 0;
  private last = -1;
  private readonly bucket: TokenBucket;
  private readonly maxBatch: number;

  constructor(plan: DatagenPlan, schema: Schema, private readonly ctx: ConnectorContext) {
    const { subtaskIndex: index, parallelism } = ctx;
    const rows = totalRows(plan);
    const batchSize = Math.max(1, ctx.config.get(CoreOptions.BATCH_SIZE));
    // Rows are generated a block at a time; at low rates a block is a tenth of a second of the whole table's rows (a
    // number independent of the parallelism), so wall-clock values (TIMESTAMP now minus a random past) stay fresh.
    const block = Math.min(batchSize, Math.max(1, Math.floor(plan.rowsPerSecond / 10)));
    let states: DatagenSplitState[];
    if (ctx.restoredPositions) {
      ({ layout: this.layout, owned: states } = restoredSplits(ctx.restoredPositions, rows, index, parallelism));
    } else {
      this.layout = rows === undefined ? unboundedLayout(parallelism, block) : boundedLayout(rows, block);
      // Unseeded, each subtask draws its own seed: its splits are random anyway, and recorded in positions.
      const seed = plan.seed ?? Math.floor(Math.random() * 2 ** 32);
      states = ownedSplits(this.layout.count, index, parallelism).map((id) => ({ id, emitted: 0, rng: splitRng(seed, id).state() }));
    }
    const arrowSchema = schema.toArrow();
    this.splits = states.map((s) => new DatagenSplit(this.layout, plan.fields, arrowSchema, s));
    const rate = plan.rowsPerSecond / parallelism;
    // About ten batches a second at low rates, so a slow source still emits steadily rather than in bursts.
    this.maxBatch = Math.max(1, Math.min(batchSize, Math.floor(rate / 10)));
    this.bucket = new TokenBucket(rate, this.maxBatch);
  }

  async next(): Promise<ChangeBatch | null> {
    this.ctx.signal.throwIfAborted();
    // Bounded splits are emitted one after the other.
    while (this.splits[this.current]?.remaining <= 0) this.current++;
    const split = this.splits[this.current];
    if (!split) return null;
    const n = Math.min(this.maxBatch, split.rowsInBlock());
    await this.bucket.acquire(n, this.ctx.signal);
    const batch = split.next(n);
    this.last = split.id;
    // Lanes (endless) take turns, a block each.
    if (split.size === Infinity && !split.inBlock) this.current = (this.current + 1) % this.splits.length;
    return batch;
  }

  /**
   * The split the last batch came from. Not reported as the watermark split (`currentSplit`): datagen's times are
   * wall-clock based (now minus a random past), not a function of the row number, so every split's rows are alike in
   * event time and one watermark per subtask is right. Per-lane watermarks would lag by a full round of the lanes.
   */
  lastSplit(): number {
    return this.last;
  }

  snapshotPosition(): DatagenPosition {
    return { splits: this.layout.count, rows: this.layout.rows ?? null, block: this.layout.block, owned: this.splits.map((s) => s.state()) };
  }

  async close(): Promise<void> {
    this.current = this.splits.length;
  }
}

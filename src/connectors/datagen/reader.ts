import type * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { CoreOptions } from '../../config/options.ts';
import type { Schema } from '../../types/schema.ts';
import type { ConnectorContext, ConnectorOptions, SourceReader } from '../connector.ts';
import { OptionReader } from '../options.ts';
import { restoredSubtaskPosition } from '../restored-position.ts';
import { TokenBucket } from '../rate-limiter.ts';
import { fieldSpec, IDENTIFIER, type FieldSpec } from './fields.ts';
import { randomGenerator, type ColumnGenerator } from './random.ts';
import { Rng } from './rng.ts';
import { sequenceGenerator, sequenceShare } from './sequence.ts';

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
 * Rows subtask `index` of `parallelism` emits, or undefined when unbounded: its share of `number-of-rows` (the
 * first N mod p subtasks take one extra) and no more than any sequence field's share of its range.
 */
export function rowsForSubtask(plan: DatagenPlan, index: number, parallelism: number): number | undefined {
  let rows: number | undefined;
  if (plan.numberOfRows !== undefined) {
    rows = Math.floor(plan.numberOfRows / parallelism) + (plan.numberOfRows % parallelism > index ? 1 : 0);
  }
  for (const f of plan.fields) {
    if (f.kind !== 'sequence') continue;
    const share = Number(sequenceShare(f.start!, f.end!, index, parallelism));
    rows = rows === undefined ? share : Math.min(rows, share);
  }
  return rows;
}

/**
 * Where a datagen subtask is: rows emitted so far and its random generator's state, so a restored reader emits
 * exactly the rows the failed one would have emitted next (random values too, seeded or not).
 */
export interface DatagenPosition {
  readonly emitted: number;
  readonly rng: readonly number[];
}

/** One subtask's datagen reader: columnar batches of `table.exec.batch-size` rows, throttled by a token bucket. */
export class DatagenReader implements SourceReader {
  private remaining: number;
  private emitted = 0;
  private readonly rng: Rng;
  private readonly generators: ColumnGenerator[];
  private readonly arrowSchema: arrow.Schema;
  private readonly bucket: TokenBucket;
  private readonly maxBatch: number;

  constructor(plan: DatagenPlan, schema: Schema, private readonly ctx: ConnectorContext) {
    const { subtaskIndex: index, parallelism } = ctx;
    this.remaining = rowsForSubtask(plan, index, parallelism) ?? Infinity;
    // Each subtask gets its own stream: the seed is mixed with the subtask index.
    const seed = plan.seed ?? Math.floor(Math.random() * 2 ** 32);
    const rng = this.rng = new Rng((seed ^ Math.imul(index + 1, 0x9e3779b1)) >>> 0);
    const restored = restoredPosition(ctx);
    if (restored) {
      this.emitted = restored.emitted;
      this.remaining -= restored.emitted;
      rng.setState(restored.rng);
    }
    this.generators = plan.fields.map((f) => (f.kind === 'sequence' ? sequenceGenerator(f, index, parallelism, this.emitted) : randomGenerator(f, rng)));
    this.arrowSchema = schema.toArrow();
    const rate = plan.rowsPerSecond / parallelism;
    const batchSize = Math.max(1, ctx.config.get(CoreOptions.BATCH_SIZE));
    // About ten batches a second at low rates, so a slow source still emits steadily rather than in bursts.
    this.maxBatch = Math.max(1, Math.min(batchSize, Math.floor(rate / 10)));
    this.bucket = new TokenBucket(rate, this.maxBatch);
  }

  async next(): Promise<ChangeBatch | null> {
    this.ctx.signal.throwIfAborted();
    if (this.remaining <= 0) return null;
    const n = Math.min(this.maxBatch, this.remaining);
    await this.bucket.acquire(n, this.ctx.signal);
    this.remaining -= n;
    this.emitted += n;
    return ChangeBatch.fromColumns(this.arrowSchema, this.generators.map((g) => g(n)), n);
  }

  snapshotPosition(): DatagenPosition {
    return { emitted: this.emitted, rng: this.rng.state() };
  }

  async close(): Promise<void> {
    this.remaining = 0;
  }
}

/** This subtask's position in a restored job; rows are dealt per subtask, so the parallelism must not change. */
function restoredPosition(ctx: ConnectorContext): DatagenPosition | null {
  return restoredSubtaskPosition(ctx, 'datagen', 'Restore the job with the parallelism it had, or start the datagen source afresh (without restoring).',
    (p): p is DatagenPosition => {
      const q = p as Partial<DatagenPosition> | undefined;
      return typeof q?.emitted === 'number' && Array.isArray(q.rng) && q.rng.length === 4;
    });
}

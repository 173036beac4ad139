import * as arrow from 'apache-arrow';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';
import { takeRows } from '../partition/take-rows.ts';

/**
 * DISTINCT over insert-only input (hash-partitioned by all columns upstream): emits a row the first time it is seen.
 * Memory grows with the number of distinct rows, so it is offered on bounded input; the SQL issue adds state TTL
 * and retraction-aware distinct.
 */
export class DistinctOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private readonly seen = new Set<string>();

  async open(ctx: OperatorContext): Promise<void> {
    this.ctx = ctx;
    ctx.metrics.gauge('distinctRows', () => this.seen.size);
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const keys = rowKeys(batch.data);
    const keep: number[] = [];
    for (let i = 0; i < keys.length; i++) {
      if (!this.seen.has(keys[i])) {
        this.seen.add(keys[i]);
        keep.push(i);
      }
    }
    if (keep.length === 0) return;
    await this.ctx.output.emit(keep.length === batch.numRows ? batch : takeRows(batch, Uint32Array.from(keep)));
  }

  /** The rows seen, for checkpoints (operator state; a rescaled restore gives every subtask all of them). */
  snapshotState(): string[] { return [...this.seen]; }

  restoreState(states: readonly unknown[]): void {
    for (const s of states) for (const key of s as string[]) this.seen.add(key);
  }

  async close(): Promise<void> { this.seen.clear(); }
}

/** A canonical text key per row (the type is fixed per column, so values of one column never collide by type). */
function rowKeys(batch: arrow.RecordBatch): string[] {
  const n = batch.numRows;
  const keys = new Array<string>(n).fill('');
  for (let c = 0; c < batch.numCols; c++) {
    const v = batch.getChildAt(c)!;
    for (let i = 0; i < n; i++) {
      const x = v.get(i);
      keys[i] += x === null || x === undefined ? '\u0001' : `\u0002${typeof x === 'object' ? JSON.stringify(x, bigintSafe) : String(x)}\u0003`;
    }
  }
  return keys;
}

function bigintSafe(_: string, x: unknown): unknown {
  return typeof x === 'bigint' ? x.toString() : x;
}


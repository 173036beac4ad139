import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { LimitNode } from '../../plan/physical/physical-node.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';

/**
 * OFFSET/FETCH over the single global stream (planned at parallelism 1). After `fetch` rows it drops the rest of
 * its input, so upstream keeps flowing and the job ends with its sources.
 */
export class LimitOperator implements StreamOperator {
  private ctx!: OperatorContext;
  private seen = 0;

  constructor(private readonly node: LimitNode) {}

  async open(ctx: OperatorContext): Promise<void> { this.ctx = ctx; }

  async processBatch(batch: ChangeBatch): Promise<void> {
    const { offset, fetch } = this.node;
    const begin = Math.max(0, offset - this.seen);
    const end = Math.min(batch.numRows, offset + fetch - this.seen);
    this.seen += batch.numRows;
    if (end <= begin) return;
    await this.ctx.output.emit(begin === 0 && end === batch.numRows ? batch : batch.slice(begin, end));
  }

  snapshotState(): { seen: number } { return { seen: this.seen }; }

  /** The limit runs at parallelism 1: one state, the rows counted so far. */
  restoreState(states: readonly unknown[]): void {
    this.seen = states.reduce<number>((n, s) => n + ((s as { seen?: number })?.seen ?? 0), 0);
  }

  async close(): Promise<void> {}
}

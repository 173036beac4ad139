import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';

/**
 * The last operator of a `table.execute()` job: its task's output channel leads to the client, which grants credits
 * as the user consumes rows, so an unconsumed result applies backpressure to the whole job. Not exactly-once, and
 * such a job is not restarted after a failure: rows already handed to the caller cannot be taken back.
 */
export class CollectOperator implements StreamOperator {
  private ctx!: OperatorContext;
  async open(ctx: OperatorContext): Promise<void> { this.ctx = ctx; }
  async processBatch(batch: ChangeBatch): Promise<void> { await this.ctx.output.emit(batch); }
  async close(): Promise<void> {}
}

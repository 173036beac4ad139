import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';

/** UNION ALL: every input's batches pass through unchanged; the task merges the inputs. */
export class UnionOperator implements StreamOperator {
  private ctx!: OperatorContext;
  async open(ctx: OperatorContext): Promise<void> { this.ctx = ctx; }
  async processBatch(batch: ChangeBatch): Promise<void> { await this.ctx.output.emit(batch); }
  async close(): Promise<void> {}
}

import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { SinkWriter } from '../../connectors/connector.ts';
import { defaultRegistry } from '../../connectors/builtin.ts';
import { CheckpointOptions } from '../../config/options.ts';
import type { SinkNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';

/**
 * Writes to a sink connector found by identifier in the connector registry. With checkpointing on and a writer that
 * supports two-phase commit, the end of input does not commit: the runtime pre-commits once more and the job
 * commits with its final checkpoint (src/checkpoint/).
 */
export class SinkOperator implements StreamOperator {
  private writer: SinkWriter | null = null;
  private twoPhase = false;

  constructor(private readonly node: SinkNode) {}

  async open(ctx: OperatorContext): Promise<void> {
    const factory = defaultRegistry.sink(this.node.connector);
    this.writer = factory.createWriter(this.node.options, Schema.fromJSON([...this.node.outputSchema]), {
      subtaskIndex: ctx.subtaskIndex,
      parallelism: ctx.parallelism,
      metrics: ctx.metrics,
      config: ctx.config,
      signal: ctx.signal,
      baseDir: ctx.baseDir,
      jobId: ctx.jobId,
    });
    this.twoPhase = ctx.config.get(CheckpointOptions.INTERVAL) > 0 && typeof this.writer.preCommit === 'function';
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    await this.writer!.write(batch);
  }

  async endInput(): Promise<void> {
    if (!this.twoPhase) await this.writer?.finish();
  }

  async preCommit(checkpointId: number): Promise<readonly unknown[]> {
    return this.twoPhase ? this.writer!.preCommit!(checkpointId) : [];
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    this.writer?.notifyCheckpointComplete?.(checkpointId);
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}

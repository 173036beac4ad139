import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { SinkWriter } from '../../connectors/connector.ts';
import { defaultRegistry } from '../../connectors/builtin.ts';
import type { SinkNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { OperatorContext, StreamOperator } from '../operator.ts';

/** Writes to a sink connector found by identifier in the connector registry. */
export class SinkOperator implements StreamOperator {
  private writer: SinkWriter | null = null;

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
    });
  }

  async processBatch(batch: ChangeBatch): Promise<void> {
    await this.writer!.write(batch);
  }

  async endInput(): Promise<void> {
    await this.writer?.finish();
  }

  async close(): Promise<void> {
    await this.writer?.close();
  }
}

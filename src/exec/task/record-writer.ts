import type { MessagePort } from 'node:worker_threads';
import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { Partitioning } from '../../plan/physical/job-graph.ts';
import { OutputChannel } from '../channel/output-channel.ts';
import type { Output } from '../operator.ts';
import { createPartitioner, type Partitioner } from '../partition/partitioner.ts';
import type { StreamMessage } from '../stream-message.ts';

export interface OutputEdgeWiring {
  readonly partitioning: Partitioning;
  /** One port per target subtask (one for forward and global edges). */
  readonly ports: readonly MessagePort[];
}

/** The tail of a task: partitions each batch for every outgoing edge and sends the parts with backpressure. */
export class RecordWriter implements Output {
  private readonly edges: { partitioner: Partitioner; channels: OutputChannel[] }[];

  constructor(wiring: readonly OutputEdgeWiring[], subtaskIndex: number, capacity: number, signal: AbortSignal) {
    this.edges = wiring.map((w) => ({
      partitioner: createPartitioner(w.partitioning, w.ports.length, subtaskIndex),
      channels: w.ports.map((p) => new OutputChannel(p, capacity, signal)),
    }));
  }

  async emit(batch: ChangeBatch): Promise<void> {
    if (batch.numRows === 0) return;
    for (const edge of this.edges) {
      for (const [channel, part] of edge.partitioner.partition(batch)) await edge.channels[channel].sendBatch(part);
    }
  }

  emitWatermark(timestamp: number): void { this.broadcast({ kind: 'watermark', timestamp }); }

  markIdle(idle: boolean): void { this.broadcast({ kind: 'idle', idle }); }

  broadcast(message: Exclude<StreamMessage, { kind: 'batch' }>): void {
    for (const edge of this.edges) for (const c of edge.channels) c.sendControl(message);
  }

  close(): void {
    for (const edge of this.edges) for (const c of edge.channels) c.close();
  }
}

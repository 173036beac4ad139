import { ChangeBatch } from '../../batch/change-batch.ts';
import { batchFromRows } from '../../batch/values/index.ts';
import type { Configuration } from '../../config/configuration.ts';
import { CoreOptions } from '../../config/options.ts';
import type { SourceReader } from '../../connectors/connector.ts';
import { defaultRegistry } from '../../connectors/builtin.ts';
import type { MetricGroup } from '../../metrics/metric-group.ts';
import type { SourceNode, ValuesNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { Output } from '../operator.ts';
import type { MailboxTimers } from '../../time/mailbox-timers.ts';

export interface SourceRunContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly config: Configuration;
  readonly signal: AbortSignal;
  readonly baseDir: string;
  readonly metrics: MetricGroup;
  /** The task's processing-time callbacks: run between batches. */
  readonly timers?: MailboxTimers;
}

const YIELD_EVERY_MS = 5;

/** Pulls batches from a source (or a VALUES list) into the chain until the source ends or the job is cancelled. */
export async function driveSource(node: SourceNode | ValuesNode, out: Output, ctx: SourceRunContext): Promise<void> {
  const reader = node.kind === 'values' ? valuesReader(node, ctx) : connectorReader(node, ctx);
  const rowsOut = ctx.metrics.counter('numRecordsOut');
  const batchesOut = ctx.metrics.counter('numBatchesOut');
  ctx.metrics.gauge('name').set(node.name);
  let lastYield = performance.now();
  try {
    while (!ctx.signal.aborted) {
      // A fast source resolves every await as a microtask and would never let the thread see cancel or metrics
      // requests; give the event loop a turn every few milliseconds (Flink's mailbox does the same between records).
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
      await ctx.timers?.runDue();
      const batch = await reader.next();
      if (batch === null) break;
      if (batch.numRows === 0) continue;
      rowsOut.inc(batch.numRows);
      batchesOut.inc();
      await out.emit(batch);
    }
  } finally {
    await reader.close();
  }
}

function connectorReader(node: SourceNode, ctx: SourceRunContext): SourceReader {
  const factory = defaultRegistry.source(node.connector);
  return factory.createReader(node.options, Schema.fromJSON([...node.outputSchema]), ctx);
}

/** VALUES rows come from subtask 0 only, cut into batches of the configured size. */
function valuesReader(node: ValuesNode, ctx: SourceRunContext): SourceReader {
  const schema = Schema.fromJSON([...node.outputSchema]);
  const size = ctx.config.get(CoreOptions.BATCH_SIZE);
  let next = ctx.subtaskIndex === 0 ? 0 : node.rows.length;
  return {
    async next(): Promise<ChangeBatch | null> {
      if (next >= node.rows.length) return null;
      const rows = node.rows.slice(next, next + size);
      next += rows.length;
      return batchFromRows(schema, rows);
    },
    async close(): Promise<void> {},
  };
}

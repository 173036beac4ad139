import { ChangeBatch } from '../../batch/change-batch.ts';
import { batchFromRows } from '../../batch/values/index.ts';
import type { Configuration } from '../../config/configuration.ts';
import { CoreOptions } from '../../config/options.ts';
import { isSourceEvent, type SourceElement, type SourceEvent, type SourceReader } from '../../connectors/connector.ts';
import { defaultRegistry } from '../../connectors/builtin.ts';
import type { MetricGroup } from '../../metrics/metric-group.ts';
import type { SourceNode, ValuesNode } from '../../plan/physical/physical-node.ts';
import { Schema } from '../../types/schema.ts';
import type { Output } from '../operator.ts';
import type { MailboxTimers } from '../../time/mailbox-timers.ts';
import type { SourceCheckpointHook } from '../../checkpoint/task-checkpointer.ts';
import type { SourceSignals } from '../../time/source-signals.ts';
import { DEFAULT_SPLIT } from '../../time/split-watermarks.ts';

export interface SourceRunContext {
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly config: Configuration;
  readonly signal: AbortSignal;
  readonly baseDir: string;
  readonly metrics: MetricGroup;
  /** The task's processing-time callbacks: run between batches, and while the reader waits for data. */
  readonly timers?: MailboxTimers;
  /** Where the driver reports splits and idleness to the operators chained after it (the watermark assigner). */
  readonly signals?: SourceSignals;
  /** Sends an explicit watermark from the reader into the chain (a watermark assigner there replaces it). */
  readonly emitWatermark?: (timestamp: number) => Promise<void>;
  /** Marks the task's output idle or active, when no operator of the chain subscribed to idleness reports. */
  readonly markIdle?: (idle: boolean) => void;
  /** Restored from a checkpoint: the source's positions by old subtask (see ConnectorContext). */
  readonly restoredPositions?: readonly unknown[];
  /** With checkpointing on: where barriers are injected between batches (src/checkpoint/task-checkpointer.ts). */
  readonly checkpoint?: SourceCheckpointHook;
}

const YIELD_EVERY_MS = 5;

/**
 * Pulls batches from a source (or a VALUES list) into the chain until the source ends or the job is cancelled.
 * Processing-time callbacks (periodic watermarks, idleness, bundle time-outs) run between batches and also while
 * the reader waits, so a slow unbounded source never starves them.
 */
export async function driveSource(node: SourceNode | ValuesNode, out: Output, ctx: SourceRunContext): Promise<void> {
  const reader = node.kind === 'values' ? valuesReader(node, ctx) : connectorReader(node, ctx);
  const rowsOut = ctx.metrics.counter('numRecordsOut');
  const batchesOut = ctx.metrics.counter('numBatchesOut');
  ctx.metrics.gauge('name').set(node.name);
  let lastYield = performance.now();
  let pending: Promise<SourceElement | null> | null = null;
  /** Whether the driver itself marked the output idle (a reader's idle report with no watermark assigner to take it). */
  let outputIdle = false;
  try {
    while (!ctx.signal.aborted) {
      // A fast source resolves every await as a microtask and would never let the thread see cancel or metrics
      // requests; give the event loop a turn every few milliseconds (Flink's mailbox does the same between records).
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await new Promise((r) => setImmediate(r));
        lastYield = performance.now();
      }
      await ctx.timers?.runDue();
      // A triggered checkpoint's barrier goes in between two batches, with no read in flight: the position is exact.
      if (pending === null && ctx.checkpoint?.pending()) await ctx.checkpoint.inject(reader);
      pending ??= reader.next();
      const element = ctx.timers ? await nextOrTimer(pending, ctx.timers) : await pending;
      if (element === TIMER_DUE) continue;
      pending = null;
      if (element === null) {
        ctx.checkpoint?.exhausted(reader);
        break;
      }
      if (isSourceEvent(element)) {
        outputIdle = await handleEvent(element, ctx, outputIdle);
        continue;
      }
      if (element.numRows === 0) continue;
      // Rows make an output that the driver marked idle active again (a watermark assigner does this itself).
      if (outputIdle) {
        ctx.markIdle?.(false);
        outputIdle = false;
      }
      if (ctx.signals) ctx.signals.currentSplit = reader.currentSplit?.() ?? DEFAULT_SPLIT;
      rowsOut.inc(element.numRows);
      batchesOut.inc();
      await out.emit(element);
    }
  } finally {
    // A read still in flight (cancellation) settles on its own; its result or error is of no interest any more.
    pending?.catch(() => {});
    await reader.close();
  }
}

/** Handles a reader's event; returns whether the driver has marked the task's output idle (a watermark ends that). */
async function handleEvent(e: SourceEvent, ctx: SourceRunContext, outputIdle: boolean): Promise<boolean> {
  switch (e.kind) {
    case 'watermark':
      await ctx.emitWatermark?.(e.timestamp);
      return false;
    case 'idle':
      if (await ctx.signals?.reportIdle(e.idle)) return outputIdle;
      if (e.idle !== outputIdle) ctx.markIdle?.(e.idle);
      return e.idle;
    case 'split-finished':
      ctx.signals?.splitFinished(e.split);
      return outputIdle;
  }
}

const TIMER_DUE = Symbol('timer-due');

/** The reader's next element, or TIMER_DUE when a processing-time callback falls due first. */
function nextOrTimer<T>(pending: Promise<T>, timers: MailboxTimers): Promise<T | typeof TIMER_DUE> {
  const due = timers.nextDue();
  if (due === null) return pending;
  let timeout: ReturnType<typeof setTimeout> | undefined;
  const timer = new Promise<typeof TIMER_DUE>((resolve) => { timeout = setTimeout(() => resolve(TIMER_DUE), Math.max(0, due - timers.now())); });
  return Promise.race([pending, timer]).finally(() => clearTimeout(timeout));
}

function connectorReader(node: SourceNode, ctx: SourceRunContext): SourceReader {
  const factory = defaultRegistry.source(node.connector);
  return factory.createReader(node.options, Schema.fromJSON([...node.outputSchema]), ctx);
}

/** VALUES rows come from subtask 0 only, cut into batches of the configured size. */
function valuesReader(node: ValuesNode, ctx: SourceRunContext): SourceReader {
  const schema = Schema.fromJSON([...node.outputSchema]);
  const size = ctx.config.get(CoreOptions.BATCH_SIZE);
  // Restored: subtask 0's position is the next row index (the other subtasks emit nothing at any parallelism).
  const restored = (ctx.restoredPositions?.[0] as { next?: number } | undefined)?.next;
  let next = ctx.subtaskIndex === 0 ? restored ?? 0 : node.rows.length;
  return {
    async next(): Promise<ChangeBatch | null> {
      if (next >= node.rows.length) return null;
      const rows = node.rows.slice(next, next + size);
      next += rows.length;
      return batchFromRows(schema, rows);
    },
    async close(): Promise<void> {},
    snapshotPosition: () => ({ next }),
  };
}

/** Harness for OVER aggregation operator tests: a node builder, a running operator with its clock, output and late rows. */
import { batchFromRows } from '../../../src/batch/values/index.ts';
import type { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import type { OperatorContext } from '../../../src/exec/operator.ts';
import { OverAggregateOperator } from '../../../src/exec/operators/over-aggregate.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import type { AggregateCall } from '../../../src/plan/aggregate-call.ts';
import type { OverFrame } from '../../../src/plan/over-frame.ts';
import type { OverAggregateNode } from '../../../src/plan/physical/physical-node.ts';
import type { TimeDomain } from '../../../src/plan/window-spec.ts';
import { resolveAggregate } from '../../../src/aggregate/aggregate-functions.ts';
import { createKeyedStateBackend } from '../../../src/state/factory.ts';
import type { KeyedStateBackend } from '../../../src/state/keyed-state.ts';
import { decodeSnapshot, encodeSnapshot } from '../../../src/state/snapshot.ts';
import type { KeyGroupTimers } from '../../../src/time/timer-service.ts';
import { Schema } from '../../../src/types/schema.ts';
import { timeContext, type TimeRecorder } from '../test-context.ts';

/** An aggregate call over columns of `input` (result type as the planner infers it). */
export function agg(input: Schema, fn: string, args: number[], name: string, filter: number | null = null, distinct = false): AggregateCall {
  const { type } = resolveAggregate(fn, args.map((i) => input.columns[i].type), distinct);
  return { fn, args, distinct, filter, type, name };
}

export function overNode(input: Schema, o: { partition: number[]; order: number; frame: OverFrame; calls: AggregateCall[]; domain?: TimeDomain }): OverAggregateNode {
  return {
    kind: 'over-aggregate', id: 'o1', name: 'OverAggregate', inputSchema: input.columns,
    outputSchema: [...input.columns, ...o.calls.map((c) => ({ name: c.name, type: c.type }))],
    partitionKeys: o.partition, orderKey: o.order, timeDomain: o.domain ?? 'event', frame: o.frame, aggregates: o.calls,
  };
}

export interface OverHarness {
  readonly op: OverAggregateOperator;
  readonly time: TimeRecorder;
  feed(...rows: unknown[][]): Promise<void>;
  watermark(t: number): Promise<void>;
  /** Emitted rows as `v1|v2|…` (timestamps as epoch ms), in order; then cleared. */
  drain(): string[];
  /** Number of batches emitted so far (not cleared by drain). */
  batches(): number;
  /** Late rows reported so far, formatted like drain, then cleared. */
  late(): string[];
  state(): KeyedStateBackend | undefined;
  /** A checkpoint of the operator's keyed state and timers, encoded as they are written to storage. */
  snapshot(): { state: Uint8Array; timers: KeyGroupTimers[] };
  /** Restores a {@link snapshot} (call right after opening, before any input). */
  restore(snap: { state: Uint8Array; timers: KeyGroupTimers[] }): void;
  close(): Promise<void>;
}

function format(b: ChangeBatch): string[] {
  const cols = b.data.schema.fields.map((_, c) => b.data.getChildAt(c)!);
  return Array.from({ length: b.numRows }, (_, r) => cols.map((v) => {
    const x = v.get(r);
    return x === null ? 'null' : typeof x === 'bigint' ? String(x) : x instanceof Date ? String(x.getTime()) : String(x);
  }).join('|'));
}

export async function overHarness(node: OverAggregateNode, backend = 'hashmap', config: Record<string, string> = {}): Promise<OverHarness> {
  const input = new Schema(node.inputSchema);
  const configuration = new Configuration({ 'state.backend': backend, ...config });
  const { members, recorder } = timeContext();
  let state: KeyedStateBackend | undefined;
  const out: ChangeBatch[] = [];
  let emitted = 0;
  const ctx: OperatorContext = {
    operatorName: 'OverAggregate[1]', operatorId: 'o1', subtaskIndex: 0, parallelism: 1, metrics: new MetricGroup('op'),
    config: configuration, output: { emit: async (b) => { out.push(b); emitted++; } },
    signal: new AbortController().signal, baseDir: process.cwd(),
    keyedState: () => (state ??= createKeyedStateBackend({ config: configuration, operatorName: 'Test', subtaskIndex: 0, parallelism: 1 })),
    ...members,
  };
  const op = new OverAggregateOperator(node);
  await op.open(ctx);
  return {
    op, time: recorder,
    feed: (...rows) => op.processBatch(batchFromRows(input, rows)),
    watermark: (t) => op.processWatermark(t),
    drain() { const lines = out.flatMap(format); out.length = 0; return lines; },
    batches: () => emitted,
    late() {
      const lines = recorder.late.flatMap(({ batch, rows }) => rows.map((r) => format(batch.slice(r, r + 1))[0]));
      recorder.late.length = 0;
      return lines;
    },
    state: () => state,
    snapshot() {
      const snap = ctx.keyedState().snapshot(1);
      try { return { state: encodeSnapshot(snap), timers: ctx.timerService().snapshot() }; } finally { snap.release(); }
    },
    restore(snap) {
      ctx.keyedState().restore([decodeSnapshot(snap.state)]);
      ctx.timerService().restore(snap.timers, { start: 0, end: ctx.timerService().maxParallelism - 1 });
    },
    async close() { await op.close(); await state?.dispose(); },
  };
}

/** Shared by the window operator tests: plan nodes over a schema, and an operator harness with explicit time. */
import { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { batchFromRows, formatRowAt } from '../../../src/batch/values/index.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import type { OperatorContext, StreamOperator } from '../../../src/exec/operator.ts';
import { createOperator } from '../../../src/exec/operator-registry.ts';
import '../../../src/exec/operators/builtin.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import type { AggregateCall } from '../../../src/plan/aggregate-call.ts';
import type { ExpandNode, WindowAggregateNode, WindowTableFunctionNode } from '../../../src/plan/physical/physical-node.ts';
import { windowAggregateSchema, windowTvfSchema } from '../../../src/plan/window-schema.ts';
import type { TimeDomain, WindowSpec } from '../../../src/plan/window-spec.ts';
import { createKeyedStateBackend } from '../../../src/state/factory.ts';
import type { KeyedStateBackend } from '../../../src/state/keyed-state.ts';
import type { InternalTimerService } from '../../../src/time/timer-service.ts';
import type { Schema } from '../../../src/types/schema.ts';
import { timeContext, type TimeRecorder } from '../test-context.ts';

export const MIN = 60_000;
/** Epoch milliseconds of `HH:MM` on 1970-01-01 (timestamps in tests read as clock times). */
export const at = (hhmm: string): number => { const [h, m] = hhmm.split(':').map(Number); return (h * 60 + m) * MIN; };

export function windowAggNode(input: Schema, groupKeys: number[], window: WindowSpec, aggregates: AggregateCall[], opts: { timeDomain?: TimeDomain; inputUpdates?: boolean } = {}): WindowAggregateNode {
  const timeDomain = opts.timeDomain ?? 'event';
  return {
    kind: 'window-aggregate', id: 'wa-1', name: 'WindowAggregate(test)',
    outputSchema: windowAggregateSchema(input, groupKeys, window, timeDomain, aggregates).columns,
    inputSchema: input.columns, groupKeys, window, timeDomain, aggregates, inputUpdates: opts.inputUpdates ?? false,
  };
}

export function windowTvfNode(input: Schema, window: WindowSpec, timeDomain: TimeDomain = 'event'): WindowTableFunctionNode {
  return { kind: 'window-tvf', id: 'wt-1', name: 'WindowTableFunction(test)', outputSchema: windowTvfSchema(input, window, timeDomain).columns, inputSchema: input.columns, window, timeDomain };
}

export type AnyWindowNode = WindowAggregateNode | WindowTableFunctionNode | ExpandNode;

/** A running operator with a manual clock, explicit watermarks and recorders for output and late rows. */
export interface WindowHarness {
  readonly op: StreamOperator;
  readonly time: TimeRecorder;
  /** Feeds rows as an insert-only batch (or a prepared batch). */
  feed(rows: unknown[][] | ChangeBatch): Promise<void>;
  watermark(ts: number): Promise<void>;
  /** Moves the manual processing-time clock, running due callbacks. */
  clock(ts: number): Promise<void>;
  end(): Promise<void>;
  /** Rows emitted since the last drain, as `+I[...]`. */
  drain(): string[];
  /** Output batches since the last drain (drain clears them too). */
  readonly batches: ChangeBatch[];
  /** Late rows reported so far, formatted. */
  late(): string[];
  readonly state: () => KeyedStateBackend | undefined;
  /** The operator's timer service. */
  readonly timers: () => InternalTimerService;
  close(): Promise<void>;
}

/** `subtask` of `parallelism` owns its share of the key groups (restore tests); default subtask 0 of 1. */
export async function windowHarness(node: AnyWindowNode, input: Schema, opts: {
  backend?: string; clock?: number; config?: Record<string, string>; subtask?: number; parallelism?: number;
  /** Builds the operator instead of the registry (e.g. the per-window aggregation, to compare with the sliced one). */
  operator?: (node: AnyWindowNode) => StreamOperator;
} = {}): Promise<WindowHarness> {
  const config = new Configuration({ 'state.backend': opts.backend ?? 'hashmap', ...opts.config });
  const subtaskIndex = opts.subtask ?? 0;
  const parallelism = opts.parallelism ?? 1;
  const { members, recorder } = timeContext(128);
  if (opts.clock !== undefined) await recorder.clock.advanceTo(opts.clock);
  let state: KeyedStateBackend | undefined;
  const batches: ChangeBatch[] = [];
  const ctx: OperatorContext = {
    operatorName: node.name, operatorId: node.id, subtaskIndex, parallelism, metrics: new MetricGroup('op'),
    config, output: { emit: async (b) => { batches.push(b); } }, signal: new AbortController().signal, baseDir: process.cwd(),
    keyedState: () => (state ??= createKeyedStateBackend({ config, operatorName: node.name, subtaskIndex, parallelism })),
    ...members,
  };
  const op = opts.operator?.(node) ?? createOperator(node);
  await op.open(ctx);
  const outTypes = node.outputSchema.map((c) => c.type);
  const inTypes = input.columns.map((c) => c.type);
  return {
    op, time: recorder, batches,
    feed: (rows) => op.processBatch(rows instanceof ChangeBatch ? rows : batchFromRows(input, rows), 0),
    watermark: async (ts) => { await op.processWatermark?.(ts); },
    clock: (ts) => recorder.clock.advanceTo(ts),
    end: async () => { await op.endInput?.(); },
    drain() {
      const lines = batches.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => formatRowAt(b.kindAt(i), b.data.data.children, outTypes, i)));
      batches.length = 0;
      return lines;
    },
    late: () => recorder.late.flatMap(({ batch, rows }) => rows.map((i) => formatRowAt(batch.kindAt(i), batch.data.data.children, inTypes, i))),
    state: () => state,
    timers: () => members.timerService(),
    async close() { await op.close(); await state?.dispose(); },
  };
}

/** Entries left in all of an operator's state tables (a window aggregation's slices and slice index, say). */
export function stateEntries(h: WindowHarness): number {
  return h.state()!.stateSizes().reduce((n, t) => n + t.entries, 0);
}

/** Shared by the aggregate tests: plan nodes, calls and an operator harness with an injectable TTL clock. */
import { ChangeBatch } from '../../src/batch/change-batch.ts';
import { RowKind } from '../../src/batch/row-kind.ts';
import { batchFromRows, formatRowAt } from '../../src/batch/values/index.ts';
import { resolveAggregate } from '../../src/aggregate/aggregate-functions.ts';
import { Configuration } from '../../src/config/configuration.ts';
import type { OperatorContext } from '../../src/exec/operator.ts';
import { GroupAggregateOperator } from '../../src/exec/operators/group-aggregate.ts';
import { MetricGroup } from '../../src/metrics/metric-group.ts';
import type { AggregateCall } from '../../src/plan/aggregate-call.ts';
import type { GroupAggregateNode } from '../../src/plan/physical/physical-node.ts';
import { createKeyedStateBackend } from '../../src/state/factory.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state.ts';
import type { Schema } from '../../src/types/schema.ts';
import { timeContext } from '../exec/test-context.ts';

/** Flink's names for the two backends; `rocksdb` selects Weir's persistent (LMDB) backend. */
export const BACKENDS = ['hashmap', 'rocksdb'] as const;

const KINDS: Record<string, number> = { '+I': RowKind.INSERT, '-U': RowKind.UPDATE_BEFORE, '+U': RowKind.UPDATE_AFTER, '-D': RowKind.DELETE };

/** A batch from `[kind, ...values]` rows, e.g. `rows(schema, ['+I', 1, 'a'], ['-D', 1, 'a'])`. */
export function rows(schema: Schema, ...input: [string, ...unknown[]][]): ChangeBatch {
  const kinds = Uint8Array.from(input, (r) => KINDS[r[0]]);
  return batchFromRows(schema, input.map((r) => r.slice(1)), kinds.every((k) => k === RowKind.INSERT) ? null : kinds);
}

/** An AggregateCall typed by resolveAggregate, e.g. `call(schema, 'SUM', [1])`. */
export function call(schema: Schema, fn: string, args: number[], opts: { distinct?: boolean; filter?: number; name?: string } = {}): AggregateCall {
  const distinct = opts.distinct ?? false;
  const { fn: name, type } = resolveAggregate(fn, args.map((i) => schema.columns[i].type), distinct);
  return { fn: name, args, distinct, filter: opts.filter ?? null, type, name: opts.name ?? `${fn.toLowerCase()}${args.join('_')}${distinct ? '_d' : ''}` };
}

/** The physical node of a GROUP BY over `schema`. */
export function aggNode(schema: Schema, groupKeys: number[], aggregates: AggregateCall[], inputUpdates = true): GroupAggregateNode {
  const outputSchema = [...groupKeys.map((k) => schema.columns[k]), ...aggregates.map((a) => ({ name: a.name, type: a.type }))];
  return { kind: 'group-aggregate', id: 'agg-1', name: 'GroupAggregate(test)', outputSchema, inputSchema: schema.columns, groupKeys, aggregates, inputUpdates };
}

/** A running group-aggregate operator over a real state backend, its output printed as Flink prints rows. */
export interface AggHarness {
  readonly op: GroupAggregateOperator;
  feed(batch: ChangeBatch): Promise<void>;
  /** Every row emitted since the last drain, as `+I[k, 1]`, in order. */
  drain(): string[];
  /** The batches emitted since the last drain. */
  readonly out: ChangeBatch[];
  readonly state: () => KeyedStateBackend | undefined;
  close(): Promise<void>;
}

/** Opens the operator of `node` with `state.backend` = `backend`; `clock` drives state TTL. */
export async function aggHarness(node: GroupAggregateNode, backend: string, config: Record<string, string> = {}, clock?: () => number): Promise<AggHarness> {
  const configuration = new Configuration({ 'state.backend': backend, ...config });
  let state: KeyedStateBackend | undefined;
  const out: ChangeBatch[] = [];
  const ctx: OperatorContext = {
    operatorName: 'GroupAggregate', operatorId: 'agg-1', subtaskIndex: 0, parallelism: 1, metrics: new MetricGroup('op'),
    config: configuration, output: { emit: async (b) => { out.push(b); } },
    signal: new AbortController().signal, baseDir: process.cwd(),
    keyedState: () => (state ??= createKeyedStateBackend({ config: configuration, operatorName: 'GroupAggregate', subtaskIndex: 0, parallelism: 1, clock })),
    ...timeContext().members,
  };
  const op = new GroupAggregateOperator(node);
  await op.open(ctx);
  const types = node.outputSchema.map((c) => c.type);
  return {
    op,
    feed: (batch) => op.processBatch(batch),
    drain() {
      const lines = out.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => formatRowAt(b.kindAt(i), b.data.data.children, types, i)));
      out.length = 0;
      return lines;
    },
    out,
    state: () => state,
    async close() { await op.close(); await state?.dispose(); },
  };
}

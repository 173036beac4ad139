/** Test harness shared by the join, rank and sort operator tests: a mock OperatorContext over a real state backend. */
import { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { RowKind } from '../../../src/batch/row-kind.ts';
import { batchFromRows, formatRowAt } from '../../../src/batch/values/index.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import type { OperatorContext, StreamOperator } from '../../../src/exec/operator.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import { createKeyedStateBackend } from '../../../src/state/factory.ts';
import type { KeyedStateBackend } from '../../../src/state/keyed-state.ts';
import type { DataType } from '../../../src/types/data-type.ts';
import { Schema, type Column } from '../../../src/types/schema.ts';
import { timeContext, type TimeRecorder } from '../test-context.ts';

/** Flink's names for the two backends; `rocksdb` selects Weir's persistent (LMDB) backend. */
export const BACKENDS = ['hashmap', 'rocksdb'] as const;

const KINDS: Record<string, number> = { '+I': RowKind.INSERT, '-U': RowKind.UPDATE_BEFORE, '+U': RowKind.UPDATE_AFTER, '-D': RowKind.DELETE };

/** A batch from `[kind, ...values]` rows, e.g. `rows(schema, ['+I', 1, 'a'], ['-D', 1, 'a'])`. */
export function rows(schema: Schema, ...input: [string, ...unknown[]][]): ChangeBatch {
  const kinds = Uint8Array.from(input, (r) => KINDS[r[0]]);
  return batchFromRows(schema, input.map((r) => r.slice(1)), kinds.every((k) => k === RowKind.INSERT) ? null : kinds);
}

/** Insert-only batch from value rows. */
export function inserts(schema: Schema, ...input: unknown[][]): ChangeBatch {
  return batchFromRows(schema, input);
}

/** A running operator with its emitted batches. */
export interface Harness {
  readonly op: StreamOperator;
  readonly out: ChangeBatch[];
  /** Watermarks the operator emitted, late rows it reported, and the manual processing-time clock. */
  readonly time: TimeRecorder;
  /** The operator's keyed state, once it asked for it. */
  readonly state: () => KeyedStateBackend | undefined;
  /** Every emitted row as Flink prints it (`+I[1, a]`), in order, then cleared. */
  drain(): string[];
  close(): Promise<void>;
}

/** Opens `op` with a fresh keyed state backend of kind `backend` (parallelism 1: every key group). */
export async function harness(op: StreamOperator, backend: string, outputSchema: readonly Column[], config: Record<string, string> = {}): Promise<Harness> {
  const configuration = new Configuration({ 'state.backend': backend, ...config });
  let state: KeyedStateBackend | undefined;
  const out: ChangeBatch[] = [];
  const time = timeContext();
  const ctx: OperatorContext = {
    operatorName: 'Test', operatorId: 't1', subtaskIndex: 0, parallelism: 1, metrics: new MetricGroup('op'),
    config: configuration, output: { emit: async (b) => { out.push(b); } },
    signal: new AbortController().signal, baseDir: process.cwd(),
    keyedState: () => (state ??= createKeyedStateBackend({ config: configuration, operatorName: 'Test', subtaskIndex: 0, parallelism: 1 })),
    ...time.members,
  };
  await op.open(ctx);
  const types: DataType[] = outputSchema.map((c) => c.type);
  return {
    op, out, time: time.recorder, state: () => state,
    drain() {
      const lines = out.flatMap((b) => {
        checkSchema(b, outputSchema);
        return Array.from({ length: b.numRows }, (_, i) => formatRowAt(b.kindAt(i), b.data.data.children, types, i));
      });
      out.length = 0;
      return lines;
    },
    async close() { await op.close(); await state?.dispose(); },
  };
}

function checkSchema(b: ChangeBatch, schema: readonly Column[]): void {
  const names = b.schema.fields.map((f) => f.name).join(',');
  const want = schema.map((c) => c.name).join(',');
  if (names !== want) throw new Error(`emitted batch has columns ${names}, expected ${want}`);
  const expected = new Schema(schema).toArrow();
  b.schema.fields.forEach((f, i) => {
    if (String(f.type) !== String(expected.fields[i].type)) throw new Error(`column ${f.name} is ${f.type}, expected ${expected.fields[i].type}`);
  });
}

/** Sorted copy (for comparing multisets of printed rows). */
export const sorted = (lines: readonly string[]): string[] => [...lines].sort();

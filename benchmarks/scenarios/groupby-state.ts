import { resolveAggregate } from '../../src/aggregate/aggregate-functions.ts';
import { Table, TableDescriptor, TableEnvironment } from '../../src/index.ts';
import type { AggregateCall } from '../../src/plan/aggregate-call.ts';
import { Schema } from '../../src/types/schema.ts';
import type { BenchRecord, Scenario, ScenarioOptions } from '../bench-record.ts';

/**
 * Heap limit (MB) of the slot threads in the limited runs: found empirically so that the heap backend's ~1M keys of
 * accumulators do not fit (the job fails with an out-of-memory TASK_FAILED) while the persistent backend, which
 * keeps state on disk, completes. Override with WEIR_BENCH_HEAP_MB.
 */
const HEAP_LIMIT_MB = Number(process.env.WEIR_BENCH_HEAP_MB ?? 320);

/**
 * `SELECT k, COUNT(*), SUM(v), MAX(v) FROM src GROUP BY k` into blackhole, N rows over N/10 keys, with the heap
 * state backend (without and with a slot heap limit) and the persistent one (with the limit): the evidence that a
 * key space larger than the heap needs `state.backend = rocksdb`.
 */
export const groupbyState: Scenario = {
  name: 'groupby-state',
  description: 'GROUP BY k COUNT(*), SUM(v), MAX(v) over N rows / N/10 keys, hashmap vs rocksdb state under a heap limit',
  defaultRows: 10_000_000,
  async run({ rows }: ScenarioOptions): Promise<BenchRecord[]> {
    return [
      await runWeir(rows, 'hashmap', 0),
      await runWeir(rows, 'hashmap', HEAP_LIMIT_MB),
      await runWeir(rows, 'rocksdb', HEAP_LIMIT_MB),
    ];
  },
};

async function runWeir(rows: number, backend: 'hashmap' | 'rocksdb', heapMb: number): Promise<BenchRecord> {
  const keys = Math.max(1, Math.floor(rows / 10));
  const env = TableEnvironment.create({
    name: `bench-groupby-state-${backend}`,
    config: { 'table.exec.batch-size': 8192, 'state.backend': backend, 'taskmanager.memory.task.heap.size': heapMb },
  });
  env.createTemporaryTable('src', TableDescriptor.forConnector('datagen')
    .schema({ k: 'BIGINT', v: 'DOUBLE' })
    .option('number-of-rows', rows)
    .option('rows-per-second', 1e12)
    .option('seed', 11)
    .option('fields.k.min', 0)
    .option('fields.k.max', keys - 1)
    .build());
  env.createTemporaryTable('sink', TableDescriptor.forConnector('blackhole')
    .schema({ k: 'BIGINT', cnt: 'BIGINT NOT NULL', total: 'DOUBLE', top: 'DOUBLE' }).build());
  const input = env.from('src');
  const types = input.schema.columns.map((c) => c.type);
  const agg = (fn: string, args: number[], name: string): AggregateCall =>
    ({ fn, args, distinct: false, filter: null, type: resolveAggregate(fn, args.map((i) => types[i]), false).type, name });
  const aggregates = [agg('COUNT', [], 'cnt'), agg('SUM', [1], 'total'), agg('MAX', [1], 'top')];
  // Built by hand (the plan SQL's GROUP BY produces), so the benchmark does not depend on the SQL front end.
  const schema = new Schema([input.schema.columns[0], ...aggregates.map((a) => ({ name: a.name, type: a.type }))]);
  const table = new Table(env, { kind: 'aggregate', schema, input: input.plan, groupKeys: [0], aggregates });
  const started = process.hrtime.bigint();
  let error: string | undefined;
  try {
    await table.executeInsert('sink').done();
  } catch (e) {
    error = e instanceof Error ? `${(e as { code?: string }).code ?? 'ERROR'}: ${e.message}` : String(e);
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return {
    scenario: 'groupby-state',
    engine: `weir-${backend}${heapMb > 0 ? `-${heapMb}mb` : ''}`,
    rows,
    seconds,
    rows_per_s: error === undefined ? rows / seconds : 0,
    p50_ms: null,
    p99_ms: null,
    state_backend: backend,
    keys,
    heap_limit_mb: heapMb > 0 ? heapMb : null,
    ...(error === undefined ? {} : { error }),
  };
}

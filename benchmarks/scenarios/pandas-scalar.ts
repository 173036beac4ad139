import { TableDescriptor, TableEnvironment, call, col } from '../../src/index.ts';
import { runTransportLimit } from '../transport-limit/transport-limit.ts';
import type { BenchRecord, Scenario, ScenarioOptions } from '../bench-record.ts';

/**
 * Two float64 columns through the pandas UDF `a * b + 1` into blackhole, beside the transport limit: the same
 * Arrow batches echoed through ZeroMQ to a bare numpy loop, with no Weir code on either side.
 */
export const pandasScalar: Scenario = {
  name: 'pandas-scalar',
  description: "pandas UDF a * b + 1 over two DOUBLE columns, datagen -> UDF -> blackhole",
  defaultRows: 10_000_000,
  async run({ rows, udfDir }: ScenarioOptions): Promise<BenchRecord[]> {
    const weir = await runWeir(rows, udfDir);
    const limit = await runTransportLimit({ rows, batchSize: 10_000, inFlight: 4 });
    const transport: BenchRecord = { scenario: 'pandas-scalar', engine: 'transport-limit', ...limit };
    weir.ratio_to_transport_limit = weir.rows_per_s / transport.rows_per_s;
    return [weir, transport];
  },
};

async function runWeir(rows: number, udfDir: string): Promise<BenchRecord> {
  const env = TableEnvironment.create({ baseDir: udfDir, name: 'bench-pandas-scalar', config: { 'table.exec.batch-size': 10_000 } });
  env.createTemporaryTable('src', TableDescriptor.forConnector('datagen')
    .schema({ a: 'DOUBLE', b: 'DOUBLE' })
    .option('number-of-rows', rows)
    .option('rows-per-second', 1e12)
    .option('seed', 7)
    .build());
  env.createTemporaryTable('sink', TableDescriptor.forConnector('blackhole').schema({ r: 'DOUBLE' }).build());
  await env.createPythonFunction('mul_add', 'bench_udfs.py:mul_add');
  const started = process.hrtime.bigint();
  const job = env.from('src').select(call('mul_add', col('a'), col('b')).as('r')).executeInsert('sink');
  const result = await job.done();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const endedAtMs = performance.timeOrigin + performance.now();
  const startedAtMs = endedAtMs - seconds * 1000;
  const udf = result.metrics.udfs.find((u) => u.name === 'mul_add');
  // Where the end-to-end time goes (extra fields; `seconds` and `rows_per_s` stay end to end, start-up included):
  // start-up = job submitted → the UDF operator's first request (slot thread + Python workers starting),
  // steady = first request → last result emitted, teardown = the rest (flush, closing workers, threads).
  const spanKey = Object.keys(result.metrics.raw).find((k) => k.endsWith('.udf.mul_add.activeSpan'));
  const span = spanKey ? result.metrics.raw[spanKey] as { firstRequestAtMs: number; lastResultAtMs: number } : undefined;
  const phases = span && span.firstRequestAtMs > 0 ? {
    startup_s: (span.firstRequestAtMs - startedAtMs) / 1000,
    steady_s: (span.lastResultAtMs - span.firstRequestAtMs) / 1000,
    steady_rows_per_s: rows / ((span.lastResultAtMs - span.firstRequestAtMs) / 1000),
    teardown_s: (endedAtMs - span.lastResultAtMs) / 1000,
  } : {};
  return {
    scenario: 'pandas-scalar',
    engine: 'weir',
    rows,
    seconds,
    rows_per_s: rows / seconds,
    p50_ms: udf?.bundleLatencyMs.p50 ?? null,
    p99_ms: udf?.bundleLatencyMs.p99 ?? null,
    udf_user_ms: udf?.userTimeMs,
    udf_serialization_ms: udf?.serializationTimeMs,
    udf_transport_ms: udf?.transportTimeMs,
    ...phases,
  };
}

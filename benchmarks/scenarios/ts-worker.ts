import { TableDescriptor, call, col } from '../../src/index.ts';
import { runTransportLimit } from '../transport-limit/transport-limit.ts';
import type { EngineScenario } from '../bench-record.ts';
import { inProcess } from '../lib/engines.ts';
import { runWeirJob } from '../lib/weir-job.ts';

const NO_PEER = { skip: 'Weir-only scenario: TypeScript UDFs (baselines: transport limit, and Weir pandas-scalar)' };

/**
 * The pandas-scalar pipeline with the UDF written in TypeScript (benchmarks/udfs/bench_ts_udfs.ts:mulAdd) and run in
 * Weir's worker-thread pool. Baselines in the report: the Python transport limit (same run) and Weir's pandas-scalar.
 */
export const tsWorker: EngineScenario = {
  name: 'ts-worker',
  description: 'TypeScript worker-thread UDF a * b + 1 over two DOUBLE columns, datagen -> UDF -> blackhole',
  defaultRows: 4_000_000,
  engines: {
    weir: inProcess((rows, { udfDir }) => runWeirJob({
      name: 'ts-worker', udfDir, rows, udf: 'mul_add_ts',
      config: { 'table.exec.batch-size': 10_000 },
      async build(env) {
        env.createTemporaryTable('src', TableDescriptor.forConnector('datagen')
          .schema({ a: 'DOUBLE', b: 'DOUBLE' })
          .option('number-of-rows', rows)
          .option('rows-per-second', 1e12)
          .option('fields.a.min', 0).option('fields.a.max', 1000)
          .option('fields.b.min', 0).option('fields.b.max', 1000)
          .option('seed', 7)
          .build());
        env.createTemporaryTable('sink', TableDescriptor.forConnector('blackhole').schema({ r: 'DOUBLE' }).build());
        await env.createTypeScriptFunction('mul_add_ts', 'bench_ts_udfs.ts', 'mulAdd');
        return env.from('src').select(call('mul_add_ts', col('a'), col('b')).as('r'));
      },
    })),
    'transport-limit': inProcess(async (rows) => ({ ...await runTransportLimit({ rows, batchSize: 10_000, inFlight: 4 }) })),
    'pyflink-process': NO_PEER,
    'pyflink-thread': NO_PEER,
    pyspark: NO_PEER,
  },
};

import type { EngineScenario } from '../bench-record.ts';
import { inProcess } from '../lib/engines.ts';
import { runWeirJob } from '../lib/weir-job.ts';
import { mulAddPipeline, transportLimitEngine } from '../lib/mul-add-pipeline.ts';

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
        await env.createTypeScriptFunction('mul_add_ts', 'bench_ts_udfs.ts', 'mulAdd');
        return mulAddPipeline(env, rows, 'mul_add_ts');
      },
    })),
    'transport-limit': transportLimitEngine,
    'pyflink-process': NO_PEER,
    'pyflink-thread': NO_PEER,
    pyspark: NO_PEER,
  },
};

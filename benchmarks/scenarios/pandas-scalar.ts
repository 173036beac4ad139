import type { EngineScenario } from '../bench-record.ts';
import { SKIP, inProcess, peerProcess } from '../lib/engines.ts';
import { runWeirJob } from '../lib/weir-job.ts';
import { mulAddPipeline, transportLimitEngine } from '../lib/mul-add-pipeline.ts';

/**
 * Two DOUBLE columns through the pandas UDF `a * b + 1` (bench_udfs.py:mul_add) into a blackhole sink. Beside it the
 * transport limit: the same Arrow batches echoed through ZeroMQ to a bare numpy loop, with no Weir code on either
 * side. Each engine generates the columns with its own generator (uniform doubles in [0, 1000]): the values do not
 * change the cost of `a * b + 1`.
 */
export const pandasScalar: EngineScenario = {
  name: 'pandas-scalar',
  description: 'pandas UDF a * b + 1 over two DOUBLE columns, datagen -> UDF -> blackhole',
  defaultRows: 1_000_000,
  engines: {
    weir: inProcess((rows, { udfDir }) => runWeirJob({
      name: 'pandas-scalar', udfDir, rows, udf: 'mul_add',
      config: { 'table.exec.batch-size': 10_000 },
      async build(env) {
        await env.createPythonFunction('mul_add', 'bench_udfs.py:mul_add');
        return mulAddPipeline(env, rows, 'mul_add');
      },
    })),
    'transport-limit': transportLimitEngine,
    'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process' }),
    'pyflink-thread': SKIP.pandasThread,
    pyspark: peerProcess('pyspark_job.py'),
  },
};

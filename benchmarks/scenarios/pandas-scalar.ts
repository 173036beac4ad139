import { TableDescriptor, call, col } from '../../src/index.ts';
import { runTransportLimit } from '../transport-limit/transport-limit.ts';
import type { EngineScenario } from '../bench-record.ts';
import { SKIP, inProcess, peerProcess } from '../lib/engines.ts';
import { runWeirJob } from '../lib/weir-job.ts';

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
        env.createTemporaryTable('src', TableDescriptor.forConnector('datagen')
          .schema({ a: 'DOUBLE', b: 'DOUBLE' })
          .option('number-of-rows', rows)
          .option('rows-per-second', 1e12)
          .option('fields.a.min', 0).option('fields.a.max', 1000)
          .option('fields.b.min', 0).option('fields.b.max', 1000)
          .option('seed', 7)
          .build());
        env.createTemporaryTable('sink', TableDescriptor.forConnector('blackhole').schema({ r: 'DOUBLE' }).build());
        await env.createPythonFunction('mul_add', 'bench_udfs.py:mul_add');
        return env.from('src').select(call('mul_add', col('a'), col('b')).as('r'));
      },
    })),
    'transport-limit': inProcess(async (rows) => ({ ...await runTransportLimit({ rows, batchSize: 10_000, inFlight: 4 }) })),
    'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process' }),
    'pyflink-thread': SKIP.pandasThread,
    pyspark: peerProcess('pyspark_job.py'),
  },
};

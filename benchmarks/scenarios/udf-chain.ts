import { TableDescriptor, call, col } from '../../src/index.ts';
import type { EngineScenario } from '../bench-record.ts';
import { inProcess, peerProcess } from '../lib/engines.ts';
import { runWeirJob } from '../lib/weir-job.ts';

/**
 * Three row-at-a-time Python UDFs nested in one projection, `chain_f(chain_g(chain_h(x)))` over a random BIGINT
 * in [0, 1e9] (bench_udfs.py): what the engine does between chained Python calls (Weir and PyFlink both run the
 * chain in one Python call per row; PySpark pipelines the three UDFs in one Python worker).
 */
export const udfChain: EngineScenario = {
  name: 'udf-chain',
  description: 'three row UDFs nested, f(g(h(x))) over a BIGINT column, datagen -> UDFs -> blackhole',
  defaultRows: 200_000,
  engines: {
    weir: inProcess((rows, { udfDir }) => runWeirJob({
      name: 'udf-chain', udfDir, rows,
      async build(env) {
        env.createTemporaryTable('src', TableDescriptor.forConnector('datagen')
          .schema({ x: 'BIGINT' })
          .option('number-of-rows', rows)
          .option('rows-per-second', 1e12)
          .option('fields.x.min', 0).option('fields.x.max', 1_000_000_000)
          .option('seed', 11)
          .build());
        env.createTemporaryTable('sink', TableDescriptor.forConnector('blackhole').schema({ r: 'BIGINT' }).build());
        for (const f of ['chain_f', 'chain_g', 'chain_h']) await env.createPythonFunction(f, `bench_udfs.py:${f}`);
        return env.from('src').select(call('chain_f', call('chain_g', call('chain_h', col('x')))).as('r'));
      },
    })),
    'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process' }),
    'pyflink-thread': peerProcess('pyflink_job.py', { mode: 'thread' }),
    pyspark: peerProcess('pyspark_job.py'),
  },
};

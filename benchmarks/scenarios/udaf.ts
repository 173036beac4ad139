import type { EngineScenario } from '../bench-record.ts';
import { SKIP, peerProcess } from '../lib/engines.ts';

/**
 * Python aggregate functions. Weir has none yet (issue 4): its records are `skipped`; PyFlink runs the pipelines
 * now (benchmarks/peers/pyflink_job.py, UDAFs in benchmarks/udfs/bench_udafs.py) so the peer numbers exist.
 */
export const pandasUdafWindow: EngineScenario = {
  name: 'pandas-udaf-window',
  description: 'pandas UDAF mean(v) per key (10 keys) and 1 s tumbling event-time window, datagen -> window agg -> blackhole',
  defaultRows: 300_000,
  engines: {
    weir: SKIP.weirUdaf,
    'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process' }),
    'pyflink-thread': SKIP.udafThread,
    pyspark: SKIP.pysparkNone,
  },
};

export const generalUdafGroupby: EngineScenario = {
  name: 'general-udaf-groupby',
  description: 'row-at-a-time UDAF weighted_avg(v, w) GROUP BY k (1,000 keys, updating), datagen -> agg -> blackhole',
  defaultRows: 40_000,
  engines: {
    weir: SKIP.weirUdaf,
    'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process' }),
    'pyflink-thread': SKIP.udafThread,
    pyspark: SKIP.pysparkNone,
  },
};

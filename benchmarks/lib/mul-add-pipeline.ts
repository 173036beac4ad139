import { TableDescriptor, call, col, type Table, type TableEnvironment } from '../../src/index.ts';
import { runTransportLimit } from '../transport-limit/transport-limit.ts';
import { inProcess } from './engines.ts';

/**
 * The `a * b + 1` pipeline shared by pandas-scalar and ts-worker: seeded uniform doubles in [0, 1000] from datagen,
 * the UDF registered as `fn`, a blackhole sink. Only the UDF's language differs between the two scenarios.
 */
export function mulAddPipeline(env: TableEnvironment, rows: number, fn: string): Table {
  env.createTemporaryTable('src', TableDescriptor.forConnector('datagen')
    .schema({ a: 'DOUBLE', b: 'DOUBLE' })
    .option('number-of-rows', rows)
    .option('rows-per-second', 1e12)
    .option('fields.a.min', 0).option('fields.a.max', 1000)
    .option('fields.b.min', 0).option('fields.b.max', 1000)
    .option('seed', 7)
    .build());
  env.createTemporaryTable('sink', TableDescriptor.forConnector('blackhole').schema({ r: 'DOUBLE' }).build());
  return env.from('src').select(call(fn, col('a'), col('b')).as('r'));
}

/** The transport limit for the same batches: 10,000-row Arrow batches, 4 in flight. */
export const transportLimitEngine = inProcess(async (rows) => ({ ...await runTransportLimit({ rows, batchSize: 10_000, inFlight: 4 }) }));

import { TableDescriptor, call, col } from '../../src/index.ts';
import type { EngineScenario } from '../bench-record.ts';
import { inProcess, peerProcess } from '../lib/engines.ts';
import { JSON_SIZES, ensureJsonData, jsonDataPath, type JsonSize } from '../lib/json-data.ts';
import { runWeirJob } from '../lib/weir-job.ts';

/**
 * A row-at-a-time UDF doing what PyFlink's own thread-mode benchmark does per row: `json.loads`, lowercase a field,
 * `json.dumps` (bench_udfs.py:json_lower), over JSON records of about 100 B, 1 KB or 10 KB. The input is one
 * pre-generated JSON-lines file per size and row count (benchmarks/.data/, seeded, byte-identical everywhere) that
 * every engine reads with its own filesystem/JSON source: `{"id": BIGINT, "payload": STRING}`.
 */
function rowScalarJson(size: JsonSize, defaultRows: number): EngineScenario {
  const name = `row-scalar-json-${size}`;
  const data = (rows: number) => jsonDataPath(size, rows);
  return {
    name,
    description: `row UDF json.loads -> lower(name) -> json.dumps on ~${JSON_SIZES[size].toLocaleString('en-US')} B JSON records, file -> UDF -> blackhole`,
    defaultRows,
    async prepare(rows) { for (const n of rows) await ensureJsonData(size, n); },
    engines: {
      weir: inProcess((rows, { udfDir }) => runWeirJob({
        name, udfDir, rows, udf: 'json_lower',
        async build(env) {
          env.createTemporaryTable('src', TableDescriptor.forConnector('filesystem')
            .schema({ id: 'BIGINT', payload: 'STRING' })
            .option('path', data(rows))
            .format('json')
            .build());
          env.createTemporaryTable('sink', TableDescriptor.forConnector('blackhole').schema({ r: 'STRING' }).build());
          await env.createPythonFunction('json_lower', 'bench_udfs.py:json_lower');
          return env.from('src').select(call('json_lower', col('payload')).as('r'));
        },
      })),
      'pyflink-process': peerProcess('pyflink_job.py', { mode: 'process', data }),
      'pyflink-thread': peerProcess('pyflink_job.py', { mode: 'thread', data }),
      pyspark: peerProcess('pyspark_job.py', { data }),
    },
  };
}

export const rowScalarJson100b = rowScalarJson('100b', 200_000);
export const rowScalarJson1kb = rowScalarJson('1kb', 100_000);
export const rowScalarJson10kb = rowScalarJson('10kb', 20_000);

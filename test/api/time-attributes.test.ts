import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { col, Schema, TableDescriptor, TableEnvironment, type SqlResult, type WeirError } from '../../src/index.ts';

const rowsOf = (r: SqlResult): readonly (readonly unknown[])[] => (r.kind === 'rows' ? r.rows : assert.fail(`expected rows, got ${r.kind}`));
const script = JSON.stringify([[{ rows: [[1, '2024-01-01 00:00:05'], [2, '2024-01-01 00:00:01']] }]]);

/** `id BIGINT, ts TIMESTAMP(3)` read by the scripted source, declared with the schema builder. */
function declared() {
  return TableDescriptor.forConnector('scripted').option('script', script).schema(Schema.newBuilder()
    .column('id', 'BIGINT')
    .column('ts', 'TIMESTAMP(3)')
    .watermark('ts', "ts - INTERVAL '5' SECOND")
    .columnByExpression('pt', 'PROCTIME()')
    .build()).build();
}

const attributes = (s: Schema): Record<string, string | undefined> => Object.fromEntries(s.columns.map((c) => [c.name, c.timeAttribute]));

describe('time attributes', () => {
  it('CREATE TABLE: the WATERMARK column is a rowtime, a PROCTIME() column a proctime; DESCRIBE shows both as Flink does', async () => {
    const env = TableEnvironment.create();
    await env.executeSql(`CREATE TABLE t (id BIGINT, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '5' SECOND)
      WITH ('connector' = 'scripted', 'script' = '${script}')`);
    assert.deepEqual(rowsOf(await env.executeSql('DESCRIBE t')), [
      ['id', 'BIGINT', true, null, null, null],
      ['ts', 'TIMESTAMP(3) *ROWTIME*', true, null, null, "ts - INTERVAL '5' SECOND"],
      ['pt', 'TIMESTAMP_LTZ(3) *PROCTIME*', false, null, 'AS PROCTIME()', null],
    ]);
    assert.deepEqual(attributes(env.from('t').schema), { id: undefined, ts: 'rowtime', pt: 'proctime' });
  });

  it('projections keep the attribute on pass-through columns (SQL, Table API, views) and drop it on computations', async () => {
    const env = TableEnvironment.create();
    env.createTemporaryTable('t', declared());
    const sql = env.sqlQuery('SELECT pt AS p, id, ts AS event_time, ts + INTERVAL \'1\' SECOND AS later FROM t WHERE id > 0');
    assert.deepEqual(attributes(sql.schema), { p: 'proctime', id: undefined, event_time: 'rowtime', later: undefined });
    const api = env.from('t').select(col('ts'), col('id'), col('pt')).addColumns(col('pt').as('p2')).dropColumns('pt').renameColumns(col('ts').as('rt'));
    assert.deepEqual(attributes(api.schema), { rt: 'rowtime', id: undefined, p2: 'proctime' });
    env.createTemporaryView('v', api);
    assert.deepEqual(rowsOf(await env.executeSql('DESCRIBE v')).map((r) => r[1]), ['TIMESTAMP(3) *ROWTIME*', 'BIGINT', 'TIMESTAMP_LTZ(3) *PROCTIME*']);
    // The optimizer merges the Calcs; the plan still reads the watermark from the source's rows.
    assert.match(sql.explain(), /WatermarkAssigner\(rowtime=\[ts\]/);
    assert.match(String(sql.schema), /event_time TIMESTAMP\(3\) \*ROWTIME\*/);
  });

  it('the Table API schema builder declares the same table as DDL: watermark, proctime, DESCRIBE', async () => {
    const env = TableEnvironment.create();
    env.createTemporaryTable('t', declared());
    assert.deepEqual(rowsOf(await env.executeSql('DESCRIBE t')).map((r) => [r[0], r[1], r[5]]), [
      ['id', 'BIGINT', null],
      ['ts', 'TIMESTAMP(3) *ROWTIME*', "ts - INTERVAL '5' SECOND"],
      ['pt', 'TIMESTAMP_LTZ(3) *PROCTIME*', null],
    ]);
    const direct = env.from(declared());
    assert.deepEqual(attributes(direct.schema), { id: undefined, ts: 'rowtime', pt: 'proctime' });
    assert.match(direct.explain(), /WatermarkAssigner/);
  });

  it('PROCTIME() columns hold the processing time at which the rows were read', async () => {
    const env = TableEnvironment.create();
    env.createTemporaryTable('t', declared());
    const before = Date.now();
    const rows = await env.from('t').execute().toObjects();
    const after = Date.now();
    assert.equal(rows.length, 2);
    for (const r of rows) {
      const pt = (r.pt as Date).getTime();
      assert.ok(pt >= before && pt <= after, `pt ${pt} within [${before}, ${after}]`);
    }
    assert.deepEqual(rows.map((r) => (r.ts as Date).toISOString()), ['2024-01-01T00:00:05.000Z', '2024-01-01T00:00:01.000Z'], 'rows pass the watermark assigner unchanged');
  });

  it('rejects a watermark on a missing or non-timestamp column, naming it', () => {
    const env = TableEnvironment.create();
    const bad = (column: string, sql: string) => TableDescriptor.forConnector('scripted').option('script', '[]')
      .schema(Schema.newBuilder().column('id', 'BIGINT').column('ts', 'TIMESTAMP(3)').watermark(column, sql).build()).build();
    assert.throws(() => env.createTemporaryTable('a', bad('nope', 'ts')), (e: WeirError) => e.code === 'COLUMN_NOT_FOUND' && /nope/.test(e.message));
    assert.throws(() => env.createTemporaryTable('b', bad('id', 'ts')), (e: WeirError) => e.code === 'TYPE_MISMATCH' && /rowtime column 'id'/.test(e.message));
    assert.throws(() => env.createTemporaryTable('c', bad('ts', 'id + 1')), (e: WeirError) => e.code === 'TYPE_MISMATCH' && /must return a TIMESTAMP/.test(e.message));
  });
});

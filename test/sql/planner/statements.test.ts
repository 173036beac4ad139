import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatRowsTable, TableDescriptor, type SqlResult } from '../../../src/index.ts';
import { rows, sqlEnv, table } from './helpers.ts';

const SRC = `CREATE TABLE src (
  id BIGINT,
  name STRING,
  price DECIMAL(10, 2),
  total AS price * 2,
  ts TIMESTAMP(3),
  WATERMARK FOR ts AS ts - INTERVAL '5' SECOND,
  PRIMARY KEY (id) NOT ENFORCED
) WITH ('connector' = 'datagen', 'number-of-rows' = '4', 'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '4')`;

describe('SQL DDL and catalog statements', () => {
  it('CREATE TABLE stores physical columns, computed columns, the watermark and the key; DESCRIBE shows them', async () => {
    const env = sqlEnv();
    assert.deepEqual(await env.executeSql(SRC), { kind: 'ok' });
    const entry = env.catalog.table('src');
    assert.ok(entry.kind === 'connector');
    assert.equal(entry.descriptor.schema.toString(), '(id BIGINT NOT NULL, name STRING, price DECIMAL(10, 2), ts TIMESTAMP(3))');
    assert.deepEqual(entry.computed?.map((c) => [c.name, c.sql]), [['total', 'price * 2']]);
    assert.deepEqual([entry.watermark?.column, entry.watermark?.sql, entry.watermark?.expr.type.kind], ['ts', "ts - INTERVAL '5' SECOND", 'TIMESTAMP']);
    assert.deepEqual(entry.primaryKey, ['id']);
    const d = await env.executeSql('DESCRIBE src');
    assert.deepEqual(d.kind === 'rows' && d.columns, ['name', 'type', 'null', 'key', 'extras', 'watermark']);
    assert.deepEqual(table(d), [
      ['id', 'BIGINT', false, 'PRI(id)', null, null],
      ['name', 'STRING', true, null, null, null],
      ['price', 'DECIMAL(10, 2)', true, null, null, null],
      ['total', 'DECIMAL(20, 2)', true, null, 'AS price * 2', null],
      ['ts', 'TIMESTAMP(3) *ROWTIME*', true, null, null, "ts - INTERVAL '5' SECOND"],
    ]);
    // Computed columns come from a projection over the source, in declared order, for SQL and the Table API alike.
    assert.deepEqual(env.sqlQuery('SELECT * FROM src').schema.names, ['id', 'name', 'price', 'total', 'ts']);
    assert.deepEqual(env.from('src').schema.names, ['id', 'name', 'price', 'total', 'ts']);
    assert.deepEqual(await rows(env, 'SELECT id, total = price * 2 FROM src'), ['+I[1, true]', '+I[2, true]', '+I[3, true]', '+I[4, true]']);
    assert.deepEqual(await env.executeSql(SRC.replace('CREATE TABLE src', 'CREATE TABLE IF NOT EXISTS src')), { kind: 'ok' });
  });

  it('CREATE VIEW with a column list, SHOW TABLES / VIEWS, DROP with kinds checked', async () => {
    const env = sqlEnv();
    await env.executeSqlScript(`${SRC}; CREATE TEMPORARY VIEW v (a, b) AS SELECT id, name FROM src WHERE id > 2;`);
    assert.deepEqual(await rows(env, 'SELECT a FROM v'), ['+I[3]', '+I[4]']);
    assert.deepEqual(env.from('v').schema.names, ['a', 'b']);
    assert.deepEqual(table(await env.executeSql('SHOW TABLES')).map((r) => r[0]), ['depts', 'people', 'src', 'v']);
    const views = table(await env.executeSql('SHOW VIEWS')).map((r) => r[0]);
    assert.ok(views.includes('v') && !views.includes('src'));
    await assert.rejects(env.executeSql('DROP TABLE v'), /'v' is a view; use DROP VIEW/);
    await env.executeSql('DROP VIEW v');
    await env.executeSql('DROP VIEW IF EXISTS v');
    await assert.rejects(env.executeSql('DROP TABLE nope'), /does not exist/);
    assert.equal(env.catalog.hasTable('v'), false);
  });

  it('tables registered with the Table API are visible to SQL', async () => {
    const env = sqlEnv();
    env.createTemporaryTable('gen', TableDescriptor.forConnector('datagen').schema({ x: 'INT' }).option('number-of-rows', 3).build());
    assert.deepEqual(await rows(env, 'SELECT COUNT(*) FROM gen'), ['+I[3]']);
  });

  it('CREATE FUNCTION … LANGUAGE TYPESCRIPT registers a UDF usable anywhere; SHOW FUNCTIONS lists it and the built-ins', async () => {
    const env = sqlEnv();
    await env.executeSql("CREATE TEMPORARY SYSTEM FUNCTION shout AS 'ts-udfs/math.ts:upper' LANGUAGE TYPESCRIPT");
    assert.deepEqual(await rows(env, "SELECT shout(name) FROM people WHERE shout(name) LIKE 'A%'"), ['+I[ANN]']);
    const names = table(await env.executeSql('SHOW FUNCTIONS')).map((r) => r[0]);
    assert.ok(names.includes('shout') && names.includes('UPPER') && names.includes('COUNT'));
    assert.deepEqual(table(await env.executeSql('SHOW USER FUNCTIONS')), [['shout']]);
    await env.executeSql("CREATE FUNCTION IF NOT EXISTS shout AS 'nope.ts:x' LANGUAGE TYPESCRIPT");
    await assert.rejects(env.executeSql("CREATE FUNCTION f AS 'com.example.F'"), /LANGUAGE JAVA functions is not supported/);
    await env.executeSql('DROP FUNCTION shout');
    await assert.rejects(env.executeSql('DROP FUNCTION shout'), /does not exist/);
  });

  it('SET changes the configuration for later statements, bare SET lists it, RESET restores it', async () => {
    const env = sqlEnv();
    const results = await env.executeSqlScript("SET 'parallelism.default' = '3'; SET 'a.b' = 'x'; SET; RESET 'a.b'; SET");
    assert.equal(env.config.getString('parallelism.default'), '3');
    assert.deepEqual(table(results[2]).filter((r) => r[0] !== 'python.worker.pool-size'), [['a.b', 'x'], ['parallelism.default', '3']]);
    assert.deepEqual(table(results[4]).map((r) => r[0]).includes('a.b'), false);
    await env.executeSql('RESET');
    assert.equal(env.config.has('parallelism.default'), false);
  });

  it('EXPLAIN shows the logical and physical plans; results print as tables', async () => {
    const env = sqlEnv();
    const r = await env.executeSql('EXPLAIN PLAN FOR SELECT dept, COUNT(*) FROM people GROUP BY dept');
    const text = String(table(r)[0][0]);
    assert.match(text, /== Abstract Syntax Tree ==\n.*\n\s+\+- Aggregate\(groupBy=\[dept\]/);
    assert.match(text, /== Physical Execution Plan ==[\s\S]*GroupAggregate/);
    const shown: SqlResult = { kind: 'rows', columns: ['table name'], rows: [['t']] };
    assert.equal(formatRowsTable(shown.columns, shown.rows), '+------------+\n| table name |\n+------------+\n|          t |\n+------------+\n1 row in set');
  });
});

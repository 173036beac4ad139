import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runSqlFile } from '../../../src/cli/sql-command.ts';
import { expectSqlError, expectSqlRejects, sqlEnv } from './helpers.ts';

const env = sqlEnv();
const q = (sql: string) => () => env.sqlQuery(sql);

describe('SQL planning errors name the line and column', () => {
  it('unknown tables list the known ones and suggest close names', () => {
    const e = expectSqlError(q('SELECT *\nFROM peeple'), 'COLUMN_NOT_FOUND', 2, 6, /Table 'peeple' not found; known tables: depts, people/);
    assert.match(e.message, /Did you mean 'people'\?/);
    assert.match(e.message, /2 \| FROM peeple\n {2}\| {6}\^/);
  });

  it('unknown columns list the columns in scope; ambiguous ones list the candidates', () => {
    const e = expectSqlError(q('SELECT id,\n  nme FROM people'), 'COLUMN_NOT_FOUND', 2, 3, /columns in scope: id, name, score, dept/);
    assert.match(e.message, /Did you mean 'name'/);
    expectSqlError(q('SELECT p.nope FROM people p'), 'COLUMN_NOT_FOUND', 1, 8, /not found in table 'p'/);
    expectSqlError(q('SELECT dept FROM people JOIN depts ON people.dept = depts.dept'), 'PLAN_INVALID', 1, 8, /ambiguous; it could be people.dept or depts.dept/);
    expectSqlError(q('SELECT x.* FROM people'), 'COLUMN_NOT_FOUND', 1, 8, /Table 'x' is not in scope/);
  });

  it('grouping mistakes: non-grouped columns, aggregates in WHERE', () => {
    expectSqlError(q('SELECT dept, name, COUNT(*)\nFROM people GROUP BY dept'), 'PLAN_INVALID', 1, 14, /Expression 'name' is not being grouped/);
    expectSqlError(q('SELECT id FROM people WHERE SUM(id) > 1'), 'PLAN_INVALID', 1, 29, /not allowed in WHERE[\s\S]*HAVING/);
    expectSqlError(q('SELECT dept FROM people GROUP BY COUNT(*)'), 'PLAN_INVALID', 1, 34, /not allowed in GROUP BY/);
  });

  it('resolver errors point at the innermost failing expression', () => {
    expectSqlError(q('SELECT id + 1, 2 * UPPER(id) FROM people'), 'FUNCTION_SIGNATURE', 1, 20, /UPPER/);
    expectSqlError(q('SELECT id FROM people WHERE nofn(id)'), 'FUNCTION_NOT_FOUND', 1, 29, /No function named 'nofn'/);
    expectSqlError(q('SELECT id FROM people WHERE name'), 'TYPE_MISMATCH', 1, 29, /WHERE condition must be BOOLEAN/);
    expectSqlError(q('SELECT SUM(name) FROM people'), 'FUNCTION_SIGNATURE', 1, 8, /SUM/);
  });

  it('unsupported constructs are NOT_SUPPORTED at their position', () => {
    expectSqlError(q('SELECT id FROM people WHERE id IN (SELECT dept FROM depts)'), 'NOT_SUPPORTED', 1, 29);
    expectSqlError(q('SELECT id FROM people INTERSECT SELECT dept FROM depts'), 'NOT_SUPPORTED', 1, 1, /INTERSECT/);
    expectSqlError(q('SELECT 1 UNION ALL SELECT 1, 2'), 'SCHEMA_MISMATCH', 1, 1, /different column counts/);
  });

  it('DDL errors: duplicate table, bad connector options, bad watermark (positions in a script)', async () => {
    const e2 = sqlEnv();
    await expectSqlRejects(e2.executeSqlScript("CREATE TABLE t (a INT) WITH ('connector' = 'datagen');\nCREATE TABLE t (a INT) WITH ('connector' = 'datagen')"),
      'PLAN_INVALID', 2, 14, /already exists/);
    await expectSqlRejects(e2.executeSql("CREATE TABLE u (a INT) WITH ('connector' = 'datagen', 'nope' = '1')"), 'CONNECTOR_OPTION', 1, 30, /nope/);
    await expectSqlRejects(e2.executeSql("CREATE TABLE u (a INT) WITH ('format' = 'csv')"), 'CONNECTOR_OPTION', 1, 1, /no 'connector' option/);
    await expectSqlRejects(e2.executeSql("CREATE TABLE u (a INT, ts TIMESTAMP(3), WATERMARK FOR a AS ts) WITH ('connector' = 'datagen')"),
      'TYPE_MISMATCH', 1, 41, /rowtime column 'a' must be TIMESTAMP\(3\)/);
    await expectSqlRejects(e2.executeSql("CREATE TABLE u (ts TIMESTAMP(3), WATERMARK FOR ts AS 1) WITH ('connector' = 'datagen')"),
      'TYPE_MISMATCH', 1, 54, /must return a TIMESTAMP/);
  });
});

describe('weir sql FILE.sql', () => {
  it('runs statements in order, prints tables and changelog rows, and fails with line:column', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weir-sql-cli-'));
    try {
      const file = join(dir, 'job.sql');
      writeFileSync(file, `CREATE TABLE src (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '2',
  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '2');
SHOW TABLES;
SELECT id * 10 AS x FROM src;
SELECT nope FROM src;
`);
      const out: string[] = [];
      const code = await runSqlFile(file, { parallelism: '1' }, (s) => out.push(s));
      assert.equal(code, 1);
      assert.equal(out[0], '[INFO] Execute statement succeeded.');
      assert.match(out[1], /\| table name \|\n.*\n\| {8}src \|/);
      assert.deepEqual(out.slice(2).sort(), ['+I[10]', '+I[20]']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

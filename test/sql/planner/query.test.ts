import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { col } from '../../../src/index.ts';
import { plan, rows, sqlEnv } from './helpers.ts';

const env = sqlEnv();

describe('SQL queries: projection, filters, set operations, VALUES, CTEs, subqueries', () => {
  it('SELECT *, t.*, aliases and Flink output names (alias, column name, EXPR$n)', async () => {
    assert.deepEqual(env.sqlQuery('SELECT * FROM people').schema.names, ['id', 'name', 'score', 'dept']);
    assert.deepEqual(env.sqlQuery('SELECT p.*, id + 1, UPPER(name) AS loud, p.score FROM people AS p').schema.names,
      ['id', 'name', 'score', 'dept', 'EXPR$4', 'loud', 'score0']);
    assert.deepEqual(await rows(env, 'SELECT id + 1, UPPER(name) AS n FROM people p WHERE p.id > 3'), ['+I[5, DAN]', '+I[6, EVE]']);
  });

  it('WHERE keeps TRUE rows only; CASE, CAST, IN, BETWEEN, LIKE, IS NULL and scalar built-ins work', async () => {
    const got = await rows(env, `SELECT id, CASE WHEN id IN (1, 2) THEN 'low' ELSE 'high' END, id BETWEEN 2 AND 3,
      name LIKE 'a%', name IS NULL, CAST(id AS STRING) || '!', COALESCE(name, '?'), ABS(-id)
      FROM people WHERE score > 10 OR score IS NULL`);
    assert.deepEqual(got, [
      '+I[1, low, false, true, false, 1!, ann, 1]',
      '+I[2, low, true, false, false, 2!, bob, 2]',
      '+I[3, high, true, NULL, true, 3!, ?, 3]',
      '+I[4, high, false, false, false, 4!, dan, 4]',
    ]);
  });

  it('SELECT without FROM and VALUES as a query or a FROM item', async () => {
    assert.deepEqual(await rows(env, "SELECT 1, 'a', 1 + 2 * 3"), ['+I[1, a, 7]']);
    const v = env.sqlQuery("VALUES (1, 'a'), (2, NULL)");
    assert.deepEqual(v.schema.toString(), '(EXPR$0 INT NOT NULL, EXPR$1 STRING)');
    assert.equal(v.plan.kind, 'values');
    assert.deepEqual(await rows(env, 'SELECT b, a FROM (VALUES (1, 2.5), (3, 4)) AS t(a, b)'), ['+I[2.5, 1]', '+I[4.0, 3]']);
    // Rows with expressions are computed by projections over a one-row Values.
    assert.deepEqual(await rows(env, 'VALUES (1 + 1), (CAST(2.5 AS DOUBLE))'), ['+I[2.5]', '+I[2]']);
  });

  it('UNION ALL flattens into one union with implicit casts; UNION removes duplicates', async () => {
    const p = plan(env, 'SELECT id FROM people UNION ALL SELECT dept FROM depts UNION ALL SELECT 1.5');
    assert.match(p, /^Union\(all=\[true\], fields=\[id\]\)/);
    assert.equal(env.sqlQuery('SELECT id FROM people UNION ALL SELECT 1.5').schema.toString(), '(id DECIMAL(11, 1))');
    assert.deepEqual(await rows(env, 'SELECT dept FROM people UNION SELECT dept FROM depts'), ['+I[10]', '+I[20]', '+I[30]', '+I[40]']);
    assert.match(plan(env, 'SELECT dept FROM people UNION SELECT dept FROM depts'), /^Distinct/);
  });

  it('WITH items are inlined, see earlier items, and rename columns', async () => {
    const got = await rows(env, `WITH a AS (SELECT id FROM people WHERE id < 3), b (x) AS (SELECT id * 10 FROM a)
      SELECT x FROM b UNION ALL SELECT id FROM a`);
    assert.deepEqual(got, ['+I[10]', '+I[1]', '+I[20]', '+I[2]']);
  });

  it('subqueries in FROM, with and without aliases', async () => {
    assert.deepEqual(await rows(env, 'SELECT t.n FROM (SELECT name AS n FROM people WHERE id = 1) t'), ['+I[ann]']);
    assert.deepEqual(await rows(env, 'SELECT n FROM (SELECT name AS n FROM people WHERE id = 2)'), ['+I[bob]']);
  });

  it('SELECT DISTINCT and LIMIT / OFFSET without ORDER BY', async () => {
    assert.deepEqual(await rows(env, 'SELECT DISTINCT dept FROM people'), ['+I[10]', '+I[20]', '+I[30]']);
    assert.match(plan(env, 'SELECT DISTINCT dept FROM people'), /^Distinct\(fields=\[dept\]\)/);
    const limited = env.sqlQuery('SELECT id FROM people LIMIT 2 OFFSET 1');
    assert.deepEqual([limited.plan.kind, (limited.plan as { offset: number }).offset, (limited.plan as { fetch: number }).fetch], ['limit', 1, 2]);
  });

  it('mixes with the Table API both ways', async () => {
    const t = env.sqlQuery('SELECT id, name FROM people').filter(col('id').isGreater(3));
    assert.deepEqual((await t.execute().collect()).map(String).sort(), ['+I[4, dan]', '+I[5, eve]']);
    env.createTemporaryView('big', t);
    assert.deepEqual(await rows(env, 'SELECT name FROM big WHERE id = 5'), ['+I[eve]']);
  });

  it('ts - INTERVAL becomes TIMESTAMPADD; row fields and arrays resolve', async () => {
    const got = await rows(env, "SELECT TIMESTAMP '2024-01-01 00:00:10' - INTERVAL '5' SECOND, ARRAY[1, 2][2], ROW(1, 'x')");
    assert.equal(got.length, 1);
    assert.match(got[0], /2024-01-01T00:00:05/);
  });
});

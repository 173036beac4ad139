import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findNode, plan, rows, sqlEnv } from './helpers.ts';

const env = sqlEnv();
env.createTemporaryView('emps', env.fromValues(
  [[1, 'a', 10], [2, 'b', 10], [3, 'c', 20], [4, 'd', 20], [5, 'e', 20]], { eid: 'INT', ename: 'STRING', dept: 'INT' },
));

describe('SQL GROUP BY / HAVING planning', () => {
  it('projects group keys, arguments and FILTER conditions below the aggregate, as Calcite does', () => {
    const t = env.sqlQuery(`SELECT dept + 1 AS d, COUNT(DISTINCT name) FILTER (WHERE score > 10), SUM(score) / COUNT(*)
      FROM people GROUP BY dept + 1 HAVING COUNT(*) > 1`);
    const agg = findNode(t.plan, 'aggregate');
    assert.deepEqual(agg.groupKeys, [0]);
    assert.deepEqual(agg.input.schema.names, ['$f0', 'name', '$f2', 'score']);
    assert.deepEqual(agg.aggregates.map((a) => [a.fn, a.args, a.distinct, a.filter]), [
      ['COUNT', [1], true, 2], ['SUM', [3], false, null], ['COUNT', [], false, null],
    ]);
    assert.equal(findNode(t.plan, 'filter').input, agg); // HAVING filters the aggregate's output
    assert.deepEqual(t.schema.toString(), '(d INT, EXPR$1 BIGINT NOT NULL, EXPR$2 DOUBLE)');
  });

  it('computes grouped results, global aggregates and expressions over aggregates', async () => {
    assert.deepEqual(await rows(env, 'SELECT dept, COUNT(*) AS n, SUM(score), MAX(name) FROM people GROUP BY dept'),
      ['+I[10, 2, 31.5, bob]', '+I[20, 2, 60.25, dan]', '+I[30, 1, 7, eve]']);
    assert.deepEqual(await rows(env, 'SELECT COUNT(*), MIN(id), SUM(score) / COUNT(score) FROM people'), ['+I[5, 1, 24.6875]']);
    assert.deepEqual(await rows(env, 'SELECT p.dept, COUNT(*) FROM people p GROUP BY dept HAVING COUNT(*) > 1'), ['+I[10, 2]', '+I[20, 2]']);
  });

  it('rejects columns that are neither grouped nor aggregated, and nested aggregates', () => {
    assert.throws(() => env.sqlQuery('SELECT name, COUNT(*) FROM people GROUP BY dept'), /Expression 'name' is not being grouped/);
    assert.throws(() => env.sqlQuery('SELECT SUM(MAX(id)) FROM people'), /cannot be nested/);
  });
});

describe('SQL joins', () => {
  it('extracts equi-join keys from ON and keeps the rest as the condition', () => {
    const j = findNode(env.sqlQuery('SELECT p.name, d.dname FROM people p JOIN depts d ON p.dept = d.dept AND p.id > 1').plan, 'join');
    assert.deepEqual([j.joinType, j.leftKeys, j.rightKeys], ['inner', [3], [0]]);
    assert.ok(j.condition !== null);
    assert.deepEqual(j.schema.names, ['id', 'name', 'score', 'dept', 'dept0', 'dname']);
  });

  it('inner, left, right and full joins', async () => {
    assert.deepEqual(await rows(env, 'SELECT p.id, d.dname FROM people p JOIN depts d ON p.dept = d.dept AND p.id > 1'),
      ['+I[2, eng]', '+I[3, ops]', '+I[4, ops]']);
    assert.deepEqual(await rows(env, 'SELECT p.id, d.dname FROM people p LEFT JOIN depts d ON p.dept = d.dept WHERE p.id >= 4'),
      ['+I[4, ops]', '+I[5, NULL]']);
    assert.deepEqual(await rows(env, 'SELECT d.dname, p.id FROM people p RIGHT JOIN depts d ON p.dept = d.dept WHERE d.dept = 40'),
      ['+I[hr, NULL]']);
    assert.deepEqual((await rows(env, 'SELECT p.id, d.dept FROM people p FULL JOIN depts d ON p.dept = d.dept')).length, 6);
  });

  it('USING shows the join column once, first; FULL JOIN USING coalesces it', async () => {
    assert.deepEqual(env.sqlQuery('SELECT * FROM people JOIN depts USING (dept)').schema.names, ['dept', 'id', 'name', 'score', 'dname']);
    assert.deepEqual(await rows(env, 'SELECT dept, dname FROM people FULL JOIN depts USING (dept) WHERE id IS NULL OR id = 5'),
      ['+I[30, NULL]', '+I[40, hr]']);
  });

  it('comma joins take their WHERE equalities as join keys', () => {
    const j = findNode(env.sqlQuery('SELECT name, dname FROM people, depts WHERE people.dept = depts.dept AND id > 1').plan, 'join');
    assert.deepEqual([j.leftKeys, j.rightKeys], [[3], [0]]);
    assert.doesNotMatch(plan(env, 'SELECT name FROM people, depts WHERE people.dept = depts.dept'), /Filter/);
    const cross = findNode(env.sqlQuery('SELECT name FROM people CROSS JOIN depts').plan, 'join');
    assert.deepEqual([cross.leftKeys, cross.condition], [[], null]);
  });

  it('an unqualified name two tables have is ambiguous', () => {
    assert.throws(() => env.sqlQuery('SELECT dept FROM people, depts'), /Column 'dept' is ambiguous; it could be people.dept or depts.dept/);
  });
});

describe('SQL Top-N, deduplication and ORDER BY', () => {
  const topN = (filter: string, select = '*') =>
    env.sqlQuery(`SELECT ${select} FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY dept ORDER BY eid DESC) AS rn FROM emps) WHERE ${filter}`);

  it('plans ROW_NUMBER subqueries filtered on the row number as rank nodes', () => {
    const r = findNode(topN('rn <= 2').plan, 'rank');
    assert.deepEqual([r.partitionKeys, r.orderKeys, r.rankStart, r.rankEnd, r.outputRankNumber],
      [[2], [{ index: 0, ascending: false, nullsFirst: false }], 1, 2, true]);
    assert.deepEqual([findNode(topN('rn < 3', 'eid').plan, 'rank').rankEnd, findNode(topN('rn < 3', 'eid').plan, 'rank').outputRankNumber], [2, false]);
    const between = findNode(topN('rn BETWEEN 2 AND 3').plan, 'rank');
    assert.deepEqual([between.rankStart, between.rankEnd], [2, 3]);
    const dedup = findNode(topN('rn = 1 AND eid > 0', 'eid, ename').plan, 'rank');
    assert.deepEqual([dedup.rankStart, dedup.rankEnd, dedup.outputRankNumber], [1, 1, false]);
  });

  it('computes Top-N and deduplication results', async () => {
    assert.deepEqual((await topN('rn <= 2').execute().materialize()).map(String).sort(),
      ['+I[2, b, 10, 1]', '+I[1, a, 10, 2]', '+I[5, e, 20, 1]', '+I[4, d, 20, 2]'].sort());
    assert.deepEqual((await topN('rn = 1', 'ename').execute().materialize()).map(String).sort(), ['+I[b]', '+I[e]']);
  });

  it('a ROW_NUMBER without a bound on it is not supported yet', () => {
    assert.throws(() => env.sqlQuery('SELECT *, ROW_NUMBER() OVER (ORDER BY eid) FROM emps'), (e: Error & { code?: string }) => e.code === 'NOT_SUPPORTED');
    assert.throws(() => topN('eid > 1'), /needs an upper bound on 'rn'/);
  });

  it('ORDER BY on bounded input is a sort; keys by name, position or expression; NULLs as Flink orders them', async () => {
    const s = findNode(env.sqlQuery('SELECT id, name FROM people ORDER BY 2 DESC, id LIMIT 3 OFFSET 1').plan, 'sort');
    assert.deepEqual([s.keys, s.offset, s.fetch], [[{ index: 1, ascending: false, nullsFirst: false }, { index: 0, ascending: true, nullsFirst: true }], 1, 3]);
    assert.deepEqual(await rows(env, 'SELECT name FROM people ORDER BY name', true), ['+I[NULL]', '+I[ann]', '+I[bob]', '+I[dan]', '+I[eve]']);
    assert.deepEqual(await rows(env, 'SELECT id, score * 2 AS s FROM people ORDER BY s + 1 DESC LIMIT 2', true), ['+I[4, 96.5]', '+I[1, 63]']);
  });

  it('ORDER BY on an unbounded table needs a LIMIT (then it is a global Top-N)', async () => {
    await env.executeSql("CREATE TABLE gen (x INT) WITH ('connector' = 'datagen')");
    assert.throws(() => env.sqlQuery('SELECT x FROM gen ORDER BY x'), /ORDER BY on an unbounded table needs a LIMIT.*time attribute/);
    const r = findNode(env.sqlQuery('SELECT x FROM gen ORDER BY x DESC LIMIT 5').plan, 'rank');
    assert.deepEqual([r.partitionKeys, r.rankStart, r.rankEnd, r.outputRankNumber], [[], 1, 5, false]);
  });
});

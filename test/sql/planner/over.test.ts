import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableEnvironment } from '../../../src/index.ts';
import { producesUpdates } from '../../../src/plan/changelog-mode.ts';
import { expectSqlError, findNode, plan } from './helpers.ts';

/** ev(k, ts *ROWTIME*, v, s, pt *PROCTIME*) from an empty scripted source. */
async function overEnv(): Promise<TableEnvironment> {
  const env = TableEnvironment.create({});
  await env.executeSql("CREATE TABLE ev (k STRING, ts TIMESTAMP(3), v INT, s STRING, pt AS PROCTIME(), WATERMARK FOR ts AS ts) WITH ('connector' = 'scripted', 'script' = '[]')");
  return env;
}

/** 1-based column of the first occurrence of `needle` (after `from`) in a one-line query. */
const column = (sql: string, needle: string, from = 0): number => sql.indexOf(needle, from) + 1;

describe('OVER aggregation planning', () => {
  it('one over node for all calls on one window (named or inline, duplicates shared); computed arguments and keys projected below', async () => {
    const env = await overEnv();
    const sql = 'SELECT k, v, SUM(v) OVER w AS a, COUNT(*) OVER (PARTITION BY UPPER(k) ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS b, '
      + 'SUM(v) OVER w + 1 AS c, MAX(v * 2) OVER w AS d FROM ev WINDOW w AS (PARTITION BY UPPER(k) ORDER BY ts ROWS 2 PRECEDING)';
    const over = findNode(env.sqlQuery(sql).plan, 'over-aggregate');
    assert.deepEqual(over.frame, { unit: 'rows', preceding: 2 });
    assert.equal(over.timeDomain, 'event');
    assert.deepEqual(over.aggregates.map((a) => a.fn), ['SUM', 'COUNT', 'MAX']);
    assert.equal(over.input.schema.names[over.partitionKeys[0]], '$f5', 'UPPER(k) is a projected column');
    assert.equal(over.input.schema.names[over.orderKey], 'ts');
    assert.equal(over.input.schema.columns[over.orderKey].timeAttribute, 'rowtime');
    assert.deepEqual(env.sqlQuery(sql).schema.names, ['k', 'v', 'a', 'b', 'c', 'd']);
    assert.match(plan(env, sql), /OverAggregate\(partitionBy=\[\$f5\], orderBy=\[ts ASC\], window=\[ROWS BETWEEN 2 PRECEDING AND CURRENT ROW\]/);
  });

  it('frames: the default is RANGE UNBOUNDED; RANGE intervals in ms; CURRENT ROW; PROCTIME() orders in processing time', async () => {
    const env = await overEnv();
    const frameOf = (over: string) => findNode(env.sqlQuery(`SELECT SUM(v) OVER (${over}) FROM ev`).plan, 'over-aggregate');
    assert.deepEqual(frameOf('ORDER BY ts').frame, { unit: 'range', precedingMs: null });
    assert.deepEqual(frameOf("ORDER BY ts RANGE BETWEEN INTERVAL '1' HOUR PRECEDING AND CURRENT ROW").frame, { unit: 'range', precedingMs: 3_600_000 });
    assert.deepEqual(frameOf("ORDER BY ts RANGE INTERVAL '1:30' MINUTE TO SECOND PRECEDING").frame, { unit: 'range', precedingMs: 90_000 });
    assert.deepEqual(frameOf('ORDER BY ts ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW').frame, { unit: 'rows', preceding: null });
    assert.deepEqual(frameOf('ORDER BY ts ROWS BETWEEN CURRENT ROW AND CURRENT ROW').frame, { unit: 'rows', preceding: 0 });
    const proc = frameOf('PARTITION BY k ORDER BY pt ROWS 3 PRECEDING');
    assert.equal(proc.timeDomain, 'processing');
    assert.deepEqual(proc.partitionKeys, [0]);
  });

  it('errors: Flink\'s rules on ORDER BY, frames and windows, at their positions', async () => {
    const env = await overEnv();
    const q = (sql: string) => () => env.sqlQuery(sql);
    let sql = 'SELECT SUM(v) OVER (PARTITION BY k ORDER BY v) FROM ev';
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, 'BY v') + 3, /must be defined on a time attribute/);
    sql = 'SELECT SUM(v) OVER (PARTITION BY k) FROM ev';
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, '(PARTITION'), /no ORDER BY/);
    sql = 'SELECT SUM(v) OVER (ORDER BY ts DESC) FROM ev';
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, 'ts DESC'), /ASCENDING/);
    sql = 'SELECT SUM(v) OVER (ORDER BY ts, k) FROM ev';
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, 'k)'), /single time column/);
    sql = 'SELECT SUM(v) OVER (ORDER BY ts ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING) FROM ev';
    expectSqlError(q(sql), 'NOT_SUPPORTED', 1, column(sql, '(ORDER'), /ending at n FOLLOWING/);
    sql = 'SELECT SUM(v) OVER (ORDER BY ts RANGE 5 PRECEDING) FROM ev';
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, '5'), /needs an INTERVAL/);
    sql = "SELECT SUM(v) OVER (ORDER BY ts ROWS INTERVAL '1' SECOND PRECEDING) FROM ev";
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, 'INTERVAL'), /non-negative integer/);
    sql = "SELECT SUM(v) OVER (ORDER BY ts RANGE INTERVAL '1' MONTH PRECEDING) FROM ev";
    expectSqlError(q(sql), 'NOT_SUPPORTED', 1, column(sql, 'INTERVAL'), /YEAR\/MONTH/);
    sql = 'SELECT SUM(v) OVER (ORDER BY ts), COUNT(*) OVER (PARTITION BY k ORDER BY ts) FROM ev';
    expectSqlError(q(sql), 'NOT_SUPPORTED', 1, column(sql, 'COUNT'), /same window/);
    sql = 'SELECT SUM(v) OVER w2 FROM ev WINDOW w AS (ORDER BY ts)';
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, 'w2'), /Window 'w2' is not defined/);
    sql = 'SELECT SUM(v) OVER (w PARTITION BY k) FROM ev WINDOW w AS (ORDER BY ts)';
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, '(w'), /cannot add PARTITION BY/);
    sql = 'SELECT SUM(v) OVER (ORDER BY ts), ROW_NUMBER() OVER (ORDER BY ts) FROM ev';
    expectSqlError(q(sql), 'NOT_SUPPORTED', 1, column(sql, 'ROW_NUMBER'), /together with OVER aggregates/);
    sql = 'SELECT k, SUM(v) OVER (ORDER BY ts) FROM ev GROUP BY k';
    expectSqlError(q(sql), 'NOT_SUPPORTED', 1, column(sql, 'SUM'), /GROUP BY/);
    sql = 'SELECT SUM(SUM(v) OVER (ORDER BY ts)) OVER (ORDER BY ts) FROM ev';
    expectSqlError(q(sql), 'PLAN_INVALID', 1, column(sql, 'SUM', 8), /cannot be nested/);
    sql = 'SELECT SUM(s) OVER (ORDER BY ts) FROM ev';
    expectSqlError(q(sql), 'FUNCTION_SIGNATURE', 1, column(sql, 'SUM'), /SUM/);
    sql = 'SELECT SUM(v) OVER (ORDER BY ts) FROM ev WHERE SUM(v) OVER (ORDER BY ts) > 1';
    expectSqlError(q(sql), 'NOT_SUPPORTED', 1, column(sql, 'SUM', 10));
  });

  it('an updating input plans the changelog OVER (ordered by a TIMESTAMP column); its output updates', async () => {
    const env = await overEnv();
    await env.executeSql("CREATE TABLE dim (k STRING, n INT) WITH ('connector' = 'scripted', 'script' = '[]')");
    const sql = 'SELECT ev.k, SUM(v) OVER (PARTITION BY ev.k ORDER BY ts ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) FROM ev LEFT JOIN dim ON ev.k = dim.k';
    const over = findNode(env.sqlQuery(sql).plan, 'over-aggregate');
    assert.equal(over.timeDomain, 'event');
    assert.ok(producesUpdates(over), 'the output is a changelog');
    await env.executeSql("CREATE TABLE out (k STRING, s INT) WITH ('connector' = 'blackhole')");
    await env.executeSql("CREATE TABLE appendOnly (k STRING, s INT) WITH ('connector' = 'filesystem', 'path' = '/tmp/weir-never-written', 'format' = 'csv')");
    await assert.doesNotReject(env.executeSql(`EXPLAIN INSERT INTO out ${sql}`));
    await assert.rejects(env.executeSql(`EXPLAIN INSERT INTO appendOnly ${sql}`), /NOT_SUPPORTED|update/i, 'an insert-only sink refuses it');
    const byInt = 'SELECT SUM(v) OVER (ORDER BY n) FROM ev LEFT JOIN dim ON ev.k = dim.k';
    expectSqlError(() => env.sqlQuery(byInt), 'NOT_SUPPORTED', 1, column(byInt, 'n)'), /updating input.*TIMESTAMP column/);
  });
});

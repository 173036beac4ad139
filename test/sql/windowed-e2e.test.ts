/**
 * Window Top-N, window deduplication, window joins and interval joins end to end in SQL: how they are planned (and
 * refused, with positions), that results come out when the watermark fires them while the sources are still open,
 * and that late rows are counted or routed to the late-data table.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableEnvironment, type JobResult } from '../../src/index.ts';
import { at, script, ts } from '../time/event-time-helpers.ts';
import { expectSqlError, findNode, plan } from './planner/helpers.ts';

/** `CREATE TABLE name (k STRING, v INT, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK ...)` over a scripted source. */
async function table(env: TableEnvironment, name: string, steps: string): Promise<void> {
  await env.executeSql(`CREATE TABLE ${name} (k STRING, v INT, ts TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS SOURCE_WATERMARK()) `
    + `WITH ('connector' = 'scripted', 'script' = '${steps}')`);
}

/** A rows step: `[k, v, second]` rows. */
const rows = (...r: [string | null, number, number][]): unknown => ({ rows: r.map(([k, v, s]) => [k, v, ts(s)]) });

const TUMBLE = (t: string): string => `TABLE(TUMBLE(TABLE ${t}, DESCRIPTOR(ts), INTERVAL '10' SECOND))`;
const WINDOW_JOIN = `SELECT L.k, L.v, R.v AS rv FROM (SELECT * FROM ${TUMBLE('l')}) L JOIN (SELECT * FROM ${TUMBLE('r')}) R `
  + 'ON L.window_start = R.window_start AND L.window_end = R.window_end AND L.k = R.k';

/** Reads `n` rows of a query over held-open sources (the job is cancelled after them): they came from watermarks. */
async function firstRows(env: TableEnvironment, sql: string, n: number): Promise<string[]> {
  const out: string[] = [];
  for await (const row of env.sqlQuery(sql).execute()) {
    out.push(String(row));
    if (out.length === n) break;
  }
  return out.sort();
}

describe('windowed SQL: planning', () => {
  async function env(): Promise<TableEnvironment> {
    const e = TableEnvironment.create();
    await table(e, 'l', script([rows(['a', 1, 1])]));
    await table(e, 'r', script([rows(['a', 1, 1])]));
    return e;
  }

  it('plans window Top-N, window deduplication, window joins and interval joins as their own nodes', async () => {
    const e = await env();
    const rank = findNode(e.sqlQuery(`SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY v DESC) AS rn FROM ${TUMBLE('l')}) WHERE rn <= 2`).plan, 'window-rank');
    assert.deepEqual([rank.partitionKeys, rank.rankEnd, rank.windowColumns.window.kind], [[0], 2, 'tumble']);
    assert.match(e.sqlQuery(`SELECT k, v FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end, k ORDER BY ts DESC) AS rn FROM ${TUMBLE('l')}) WHERE rn = 1`).explain(),
      /WindowRank\(window=\[TUMBLE\(win_start=\[window_start\], win_end=\[window_end\], size=\[10 s\]\)\], rankRange=\[rankStart=1, rankEnd=1\], partitionBy=\[k\], orderBy=\[ts DESC\]\)/);
    const join = findNode(e.sqlQuery(WINDOW_JOIN).plan, 'window-join');
    assert.deepEqual([join.leftKeys, join.rightKeys, join.condition], [[0], [0], null], 'the window equalities are implied by the windows, not keys');
    assert.match(plan(e, `SELECT * FROM l, r WHERE l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '4' HOUR AND r.ts`),
      /IntervalJoin\(joinType=\[INNER\], windowBounds=\[isRowTime=true, leftLowerBound=-14400000, leftUpperBound=0/);
    assert.match(plan(e, 'SELECT * FROM l LEFT JOIN r ON l.k = r.k AND l.ts > r.ts AND l.ts <= r.ts + INTERVAL \'1\' SECOND'), /IntervalJoin\(joinType=\[LEFT\], windowBounds=\[isRowTime=true, leftLowerBound=1, leftUpperBound=1000/);
    assert.match(plan(e, 'SELECT * FROM l JOIN r ON l.k = r.k AND l.pt BETWEEN r.pt - INTERVAL \'1\' SECOND AND r.pt + INTERVAL \'1\' SECOND'), /IntervalJoin\(.*isRowTime=false/);
  });

  it('keeps Flink\'s regular join and Top-N where the window or the second time bound is missing', async () => {
    const e = await env();
    // One bound only (Nexmark q4/q6 shape): a regular join, as in Flink.
    assert.match(plan(e, 'SELECT * FROM l JOIN r ON l.k = r.k AND l.ts >= r.ts'), /^Project.*\n\s*\+- Join\(/);
    // Bounds on plain timestamps (not time attributes) are ordinary conditions.
    assert.match(plan(e, "SELECT * FROM l JOIN r ON l.k = r.k AND CAST(l.ts AS TIMESTAMP(3)) BETWEEN r.ts - INTERVAL '1' SECOND AND r.ts"), /\+- Join\(/);
    // PARTITION BY without window_end: a regular (updating) Top-N.
    assert.match(plan(e, `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start ORDER BY v) AS rn FROM ${TUMBLE('l')}) WHERE rn <= 1`), /\+- Rank\(/);
  });

  it('refuses window joins over different windows or with only one window bound equated, at the offending clause', async () => {
    const e = await env();
    const other = `SELECT * FROM (SELECT * FROM ${TUMBLE('l')}) L JOIN (SELECT * FROM TABLE(TUMBLE(TABLE r, DESCRIPTOR(ts), INTERVAL '5' SECOND))) R `
      + 'ON L.window_start = R.window_start AND L.window_end = R.window_end';
    expectSqlError(() => e.sqlQuery(other), 'PLAN_INVALID', 1, 15, /same windows on both sides.*size=\[10 s\].*size=\[5 s\]/s);
    const half = `SELECT * FROM (SELECT * FROM ${TUMBLE('l')}) L JOIN (SELECT * FROM ${TUMBLE('r')}) R ON L.k = R.k AND L.window_start = R.window_start`;
    expectSqlError(() => e.sqlQuery(half), 'PLAN_INVALID', 1, half.indexOf('L.window_start') + 1, /needs both L.window_start = R.window_start and L.window_end = R.window_end/);
  });

  it('refuses interval joins that mix rowtime and proctime, window Top-N over SESSION TVFs and processing-time windows; a time attribute does not survive an aggregation', async () => {
    const e = await env();
    const mixed = "SELECT * FROM l JOIN r ON l.k = r.k AND l.ts BETWEEN r.pt - INTERVAL '1' SECOND AND r.pt";
    expectSqlError(() => e.sqlQuery(mixed), 'PLAN_INVALID', 1, mixed.indexOf('l.ts') + 1, /event-time attribute ts with the processing-time attribute pt/);
    const updating = "SELECT * FROM (SELECT k, MAX(ts) AS ts FROM l GROUP BY k) a JOIN r ON a.k = r.k AND a.ts BETWEEN r.ts AND r.ts";
    // MAX(ts) is not a time attribute: a regular join. A time attribute survives only insert-only operators.
    assert.match(plan(e, updating), /\+- Join\(/);
    const session = `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v) AS rn FROM TABLE(SESSION(TABLE l PARTITION BY k, DESCRIPTOR(ts), INTERVAL '1' SECOND))) WHERE rn <= 1`;
    expectSqlError(() => e.sqlQuery(session), 'NOT_SUPPORTED', 1, session.indexOf('ROW_NUMBER') + 1, /directly over a SESSION window table function/);
    const proc = `SELECT * FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v) AS rn FROM TABLE(TUMBLE(TABLE l, DESCRIPTOR(pt), INTERVAL '1' SECOND))) WHERE rn <= 1`;
    expectSqlError(() => e.sqlQuery(proc), 'NOT_SUPPORTED', 1, proc.indexOf('ROW_NUMBER') + 1, /processing-time windows/);
  });
});

describe('windowed SQL: running', () => {
  for (const parallelism of [1, 2]) {
    it(`window join and window Top-N emit when the watermark passes the window end, sources still open (p${parallelism})`, async () => {
      const e = TableEnvironment.create({ parallelism });
      await table(e, 'l', script([rows(['a', 1, 1], ['b', 2, 3], ['a', 3, 12]), { watermark: at(11) }, { hold: true }]));
      await table(e, 'r', script([rows(['a', 10, 2], ['a', 20, 9], ['c', 30, 4]), { watermark: at(11) }, { hold: true }]));
      assert.deepEqual(await firstRows(e, WINDOW_JOIN, 2), ['+I[a, 1, 10]', '+I[a, 1, 20]']);
      const top = `SELECT k, v, rn FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY window_start, window_end ORDER BY v DESC) AS rn FROM ${TUMBLE('r')}) WHERE rn <= 2`;
      assert.deepEqual(await firstRows(e, top, 2), ['+I[a, 20, 2]', '+I[c, 30, 1]']);
    });
  }

  it('left interval join pads a row once the watermark shows that no right row can match it any more', async () => {
    const e = TableEnvironment.create({ parallelism: 2 });
    await table(e, 'l', script([rows(['a', 1, 10], ['b', 2, 10]), { watermark: at(20) }, { hold: true }]));
    await table(e, 'r', script([rows(['a', 5, 12]), { watermark: at(20) }, { hold: true }]));
    const sql = "SELECT l.k, l.v, r.v AS rv FROM l LEFT JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '5' SECOND AND r.ts";
    assert.deepEqual(await firstRows(e, sql, 2), ['+I[a, 1, 5]', '+I[b, 2, NULL]']);
  });

  it('processing-time interval join: rows take their arrival time; unmatched left rows are padded at the end of input', async () => {
    const e = TableEnvironment.create({ parallelism: 2 });
    await table(e, 'l', script([rows(['a', 1, 10], ['b', 2, 10], [null, 3, 10])]));
    await table(e, 'r', script([rows(['a', 5, 99], ['a', 6, 1])]));
    // Both bounds an hour wide: every pair of a key matches, whatever the arrival times.
    const sql = "SELECT l.k, l.v, r.v AS rv FROM l LEFT JOIN r ON l.k = r.k AND l.pt BETWEEN r.pt - INTERVAL '1' HOUR AND r.pt + INTERVAL '1' HOUR";
    assert.match(e.sqlQuery(sql).explain(), /IntervalJoin\(joinType=\[LEFT\], windowBounds=\[isRowTime=false/);
    const out = (await e.sqlQuery(sql).execute().collect()).map(String).sort();
    assert.deepEqual(out, ['+I[NULL, 3, NULL]', '+I[a, 1, 5]', '+I[a, 1, 6]', '+I[b, 2, NULL]']);
  });

  it('counts interval-join rows behind the watermark as late, or writes them to the late-data table', async () => {
    // The right side ends at once (its channel then stops holding the join's watermark back); the sleep lets the
    // join see that before the left side's late row (rows of two inputs have no order between them otherwise).
    const left = script([rows(['a', 1, 10]), { watermark: at(15) }, { sleep: 800 }, rows(['a', 2, 12], ['a', 3, 16])]);
    const sql = "SELECT l.k, l.v, r.v AS rv FROM l JOIN r ON l.k = r.k AND l.ts BETWEEN r.ts - INTERVAL '5' SECOND AND r.ts + INTERVAL '5' SECOND";
    const run = async (config: Record<string, string>): Promise<{ rows: string[]; result: JobResult; env: TableEnvironment }> => {
      const env = TableEnvironment.create({ config });
      await table(env, 'l', left);
      await table(env, 'r', script([rows(['a', 7, 11], ['a', 8, 17]), { watermark: at(15) }]));
      if (config['table.exec.late-records.sink']) {
        await env.executeSql("CREATE TABLE late (operator STRING, `row` STRING) WITH ('connector' = 'filesystem', 'path' = '"
          + `${process.env.TMPDIR ?? '/tmp'}/weir-ij-late-${process.pid}-${Date.now()}', 'format' = 'json')`);
      }
      const r = env.sqlQuery(sql).execute();
      const out = (await r.collect()).map(String).sort();
      return { rows: out, result: await r.job.done(), env };
    };
    const metric = (result: JobResult, name: string): unknown => {
      const op = result.metrics.operators.find((o) => o.name.startsWith('IntervalJoin'))!;
      return result.metrics.raw[`operator.${op.id}.${name}`];
    };
    const dropped = await run({});
    // a@12 on the left arrives after the watermark 15: late, although a right row (a@11) could have matched it.
    assert.deepEqual(dropped.rows, ['+I[a, 1, 7]', '+I[a, 3, 7]', '+I[a, 3, 8]']);
    assert.equal(metric(dropped.result, 'numLateRecordsDropped'), 1);
    const routed = await run({ 'table.exec.late-records.sink': 'late' });
    assert.equal(metric(routed.result, 'numLateRecordsSideOutput'), 1);
    const late = await routed.env.sqlQuery('SELECT * FROM late').execute().toObjects();
    assert.equal(late.length, 1);
    assert.match(String(late[0].operator), /^IntervalJoin/);
    assert.match(String(late[0].row), /"v":2/);
  });
});

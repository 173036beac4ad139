import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TableEnvironment } from '../../../src/index.ts';
import { producesUpdates } from '../../../src/plan/changelog-mode.ts';
import { expectSqlError, findNode } from './helpers.ts';

/** A table with a rowtime `ts`, a plain timestamp `plain`, a processing-time `pt` and an INT `n`. */
async function windowEnv(): Promise<TableEnvironment> {
  const env = TableEnvironment.create({ parallelism: 1 });
  await env.executeSql(`CREATE TABLE t (k STRING, n INT, ts TIMESTAMP(3), plain TIMESTAMP(3), pt AS PROCTIME(), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)
    WITH ('connector' = 'datagen', 'number-of-rows' = '10')`);
  return env;
}

const tumble = (args: string): string => `SELECT * FROM TABLE(TUMBLE(${args}))`;

/** The 1-based column of `needle` in `sql` (its `nth` occurrence), for error positions. */
const colOf = (sql: string, needle: string, nth = 1): number => {
  let i = -1;
  for (let k = 0; k < nth; k++) i = sql.indexOf(needle, i + 1);
  assert.ok(i >= 0, `${needle} in ${sql}`);
  return i + 1;
};

/** Expects planning `sql` to fail with `code` at the position of `needle`. */
function fails(env: TableEnvironment, sql: string, code: string, needle: string, message: RegExp, nth = 1) {
  return expectSqlError(() => env.sqlQuery(sql), code, 1, colOf(sql, needle, nth), message);
}

describe('window table function planning', () => {
  it('TUMBLE appends window columns; window_time is the rowtime and the time column a plain timestamp', async () => {
    const env = await windowEnv();
    const t = env.sqlQuery(tumble("TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES"));
    assert.equal(t.schema.toString(), '(k STRING, n INT, ts TIMESTAMP(3), plain TIMESTAMP(3), pt TIMESTAMP_LTZ(3) NOT NULL, window_start TIMESTAMP(3) NOT NULL, window_end TIMESTAMP(3) NOT NULL, window_time TIMESTAMP(3) NOT NULL *ROWTIME*)');
    assert.deepEqual(t.schema.columns.map((c) => c.timeAttribute ?? '-'), ['-', '-', '-', '-', '-', '-', '-', 'rowtime']);
    const tvf = findNode(t.plan, 'window-tvf');
    assert.deepEqual(tvf.window, { kind: 'tumble', timeIndex: 2, sizeMs: 600_000, offsetMs: 0 });
    assert.equal(tvf.timeDomain, 'event');
  });

  it('named arguments, offsets, a subquery input, and processing time', async () => {
    const env = await windowEnv();
    const hop = findNode(env.sqlQuery(`SELECT * FROM TABLE(HOP(DATA => TABLE (SELECT k, ts FROM t WHERE n > 0), TIMECOL => DESCRIPTOR(ts), SLIDE => INTERVAL '1' MINUTE, SIZE => INTERVAL '5' MINUTES, OFFSET => INTERVAL '30' SECONDS))`).plan, 'window-tvf');
    assert.deepEqual(hop.window, { kind: 'hop', timeIndex: 1, sizeMs: 300_000, slideMs: 60_000, offsetMs: 30_000 });
    const cum = findNode(env.sqlQuery(`SELECT * FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(pt), INTERVAL '1' HOUR, INTERVAL '1' DAY))`).plan, 'window-tvf');
    assert.deepEqual(cum.window, { kind: 'cumulate', timeIndex: 4, maxSizeMs: 86_400_000, stepMs: 3_600_000, offsetMs: 0 });
    assert.equal(cum.timeDomain, 'processing');
    assert.equal(cum.schema.columns[cum.schema.length - 1].timeAttribute, 'proctime');
  });

  it('errors: not a time attribute, not a timestamp, bad sizes', async () => {
    const env = await windowEnv();
    const e = fails(env, tumble("TABLE t, DESCRIPTOR(plain), INTERVAL '10' MINUTES"), 'PLAN_INVALID', 'plain', /'plain' of TUMBLE is not a time attribute/);
    assert.match(e.message, /WATERMARK FOR plain/);
    fails(env, tumble("TABLE t, DESCRIPTOR(n), INTERVAL '10' MINUTES"), 'TYPE_MISMATCH', 'n)', /must be a TIMESTAMP or TIMESTAMP_LTZ/);
    fails(env, tumble("TABLE t, DESCRIPTOR(nope), INTERVAL '10' MINUTES"), 'COLUMN_NOT_FOUND', 'nope', /not found/);
    fails(env, tumble("TABLE t, DESCRIPTOR(ts), INTERVAL '0' SECOND"), 'PLAN_INVALID', 'INTERVAL', /size of TUMBLE must be a positive interval/);
    fails(env, tumble("TABLE t, DESCRIPTOR(ts), INTERVAL '1' MONTH"), 'PLAN_INVALID', 'INTERVAL', /day-time interval/);
    fails(env, tumble('TABLE t, DESCRIPTOR(ts), 10'), 'PLAN_INVALID', '10', /must be an INTERVAL literal/);
    fails(env, "SELECT * FROM TABLE(HOP(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES, INTERVAL '5' MINUTES))", 'PLAN_INVALID', 'INTERVAL', /slide of HOP .* must not be larger than its size/);
    fails(env, "SELECT * FROM TABLE(CUMULATE(TABLE t, DESCRIPTOR(ts), INTERVAL '3' MINUTES, INTERVAL '10' MINUTES))", 'PLAN_INVALID', 'INTERVAL', /multiple of its step/, 2);
  });
});

describe('window aggregation planning', () => {
  it('GROUP BY window_start, window_end becomes an append-only window aggregate keyed by the other keys', async () => {
    const env = await windowEnv();
    const t = env.sqlQuery(`SELECT k, window_start, window_end, window_time, COUNT(*) AS c, SUM(n) FILTER (WHERE n > 2) AS s
      FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES)) WHERE n <> 7 GROUP BY window_start, k, window_end, window_time`);
    const agg = findNode(t.plan, 'window-aggregate');
    assert.equal(agg.groupKeys.length, 1);
    assert.equal(agg.window.kind, 'tumble');
    assert.equal(agg.input.schema.columns[agg.window.timeIndex].timeAttribute, 'rowtime');
    assert.equal(t.schema.columns[3].timeAttribute, 'rowtime');
    assert.equal(producesUpdates(t.plan), false);
    assert.match(t.explain(), /WindowAggregate\(groupBy=\[k\], window=\[TUMBLE\(time_col=\[ts\], size=\[600 s\]\)\]/);
    assert.throws(() => findNode(t.plan, 'window-tvf'));
  });

  it('GROUPING SETS over a window keep the window keys out of the Expand', async () => {
    const env = await windowEnv();
    const t = env.sqlQuery(`SELECT window_start, k, COUNT(*) AS c, GROUPING(k) AS g FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '1' MINUTE)) GROUP BY window_start, window_end, CUBE(k)`);
    const expand = findNode(t.plan, 'expand');
    assert.equal(expand.keys.length, 1);
    assert.equal(expand.sets.length, 2);
    assert.equal(t.schema.toString(), '(window_start TIMESTAMP(3) NOT NULL, k STRING, c BIGINT NOT NULL, g BIGINT NOT NULL)');
  });

  it('errors: one window bound only, window columns elsewhere, SESSION not grouped by its partition', async () => {
    const env = await windowEnv();
    const from = "FROM TABLE(TUMBLE(TABLE t, DESCRIPTOR(ts), INTERVAL '10' MINUTES))";
    const e = fails(env, `SELECT k, COUNT(*) ${from} GROUP BY k, window_start`, 'PLAN_INVALID', 'k, window_start', /both window_start and window_end; it groups by window_start only/);
    assert.match(e.message, /Hint: Add the other one/);
    fails(env, `SELECT MAX(window_time) ${from} GROUP BY window_start, window_end`, 'NOT_SUPPORTED', 'window_start,', /can only be grouping keys/);
    fails(env, `SELECT COUNT(*) ${from} GROUP BY GROUPING SETS ((window_start, window_end, k), (k))`, 'PLAN_INVALID', 'GROUPING SETS', /every grouping set/);
    const session = "FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' MINUTES))";
    fails(env, `SELECT n, COUNT(*) ${session} GROUP BY n, window_start, window_end`, 'NOT_SUPPORTED', 'n, window_start', /exactly the SESSION partition keys \(k\)/);
    fails(env, `SELECT k, COUNT(*) ${session} GROUP BY k`, 'NOT_SUPPORTED', 'k', /only be aggregated by its window/, 3);
    fails(env, `SELECT GROUPING(n) ${from} GROUP BY window_start, window_end, k`, 'PLAN_INVALID', 'n)', /must be a GROUP BY key/);
    fails(env, "SELECT k, COUNT(*) FROM t GROUP BY k, HOP(ts, INTERVAL '1' MINUTE, INTERVAL '5' MINUTES)", 'NOT_SUPPORTED', 'HOP', /use the HOP window table function/);
  });
});

describe('grouping sets without windows', () => {
  it('ROLLUP, CUBE and GROUPING SETS plan an Expand and a group aggregate', async () => {
    const env = await windowEnv();
    for (const [by, sets] of [['ROLLUP(k, n)', 3], ['CUBE(k, n)', 4], ['GROUPING SETS ((k), (n), ())', 3], ['k, ROLLUP(n)', 2], ['GROUPING SETS ((k), (k))', 0]] as const) {
      const t = env.sqlQuery(`SELECT k, ${sets ? 'n, ' : ''}COUNT(*) AS c, GROUPING_ID(k${sets ? ', n' : ''}) AS g FROM t GROUP BY ${by}`);
      if (sets === 0) assert.throws(() => findNode(t.plan, 'expand'), /no expand node/, by);
      else assert.equal(findNode(t.plan, 'expand').sets.length, sets, by);
    }
  });
});

describe('window table functions that need a consumer', () => {
  it('a SESSION window table function alone is refused when the job is planned', async () => {
    const env = await windowEnv();
    const t = env.sqlQuery("SELECT * FROM TABLE(SESSION(TABLE t PARTITION BY k, DESCRIPTOR(ts), INTERVAL '5' MINUTES))");
    assert.throws(() => t.explain(), (e: unknown) => e instanceof Error && (e as { code?: string }).code === 'NOT_SUPPORTED' && /only supported under a window aggregation/.test(e.message));
  });
});

import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { call, col, lit, Tumble } from '../../src/index.ts';
import { closeInspectors } from '../../src/udf/python/inspect.ts';
import { sortBy, testEnv } from './helpers.ts';

after(() => closeInspectors());

/** `'2024-01-01 00:00:SS'`. */
const ts = (seconds: number): string => new Date(Date.UTC(2024, 0, 1) + seconds * 1000).toISOString().replace('T', ' ').replace('Z', '');

/** A scripted, bounded event-time table `bids (k, price, qty, ts)` with a watermark on ts. */
async function bids(env: ReturnType<typeof testEnv>, rows: [string, number, number | null, number][]): Promise<void> {
  const script = JSON.stringify([[{ rows: rows.map(([k, p, q, s]) => [k, p, q, ts(s)]) }]]);
  await env.executeSql(`CREATE TABLE bids (k STRING, price BIGINT, qty BIGINT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
    WITH ('connector' = 'scripted', 'script' = '${script}')`);
}

describe('user-defined aggregate functions in window and OVER aggregation (SQL and Table API)', () => {
  it('TUMBLE windows: general and pandas Python UDAFs beside built-ins, NULL arguments', async () => {
    const env = testEnv();
    await bids(env, [['a', 2, 1, 1], ['b', 4, 2, 3], ['a', 6, 3, 7], ['a', 10, null, 12], ['b', 1, 1, 14]]);
    await env.createPythonFunction('weighted_avg', 'udfs/udafs.py:weighted_avg');
    await env.createPythonFunction('mean_udaf', 'udfs/udafs.py:mean_udaf');
    const rows = await env.sqlQuery(`
      SELECT k, window_start, weighted_avg(price, qty) AS wavg, mean_udaf(CAST(price AS DOUBLE)) AS mean, COUNT(*) AS n
      FROM TABLE(TUMBLE(TABLE bids, DESCRIPTOR(ts), INTERVAL '10' SECOND))
      GROUP BY k, window_start, window_end`).execute().collect();
    const got = sortBy(rows.map((r): Record<string, unknown> => ({ ...r.toObject(), window_start: (r.get('window_start') as Date).toISOString().slice(14, 19) })),
      (r) => `${String(r.k)}${String(r.window_start)}`);
    assert.deepEqual(got, [
      { k: 'a', window_start: '00:00', wavg: 5, mean: 4, n: 2n },
      { k: 'a', window_start: '00:10', wavg: null, mean: 10, n: 1n },
      { k: 'b', window_start: '00:00', wavg: 4, mean: 4, n: 1n },
      { k: 'b', window_start: '00:10', wavg: 1, mean: 1, n: 1n },
    ]);
    assert.ok(rows.every((r) => r.kind === '+I'), 'windows emit append-only results');
  });

  it('OVER windows: bounded frames (general and pandas), an unbounded frame, and a pandas UDAF refused on it', async () => {
    const env = testEnv();
    await bids(env, [['a', 2, 1, 1], ['b', 4, 2, 3], ['a', 6, 3, 7], ['a', 10, null, 12], ['b', 1, 1, 14]]);
    await env.createPythonFunction('weighted_avg', 'udfs/udafs.py:weighted_avg');
    await env.createPythonFunction('mean_udaf', 'udfs/udafs.py:mean_udaf');
    const bounded = await env.sqlQuery(`
      SELECT k, price, weighted_avg(price, qty) OVER w AS wavg, mean_udaf(CAST(price AS DOUBLE)) OVER w AS mean, COUNT(*) OVER w AS n
      FROM bids WINDOW w AS (PARTITION BY k ORDER BY ts ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)`).execute().collect();
    assert.deepEqual(sortBy(bounded.map((r) => r.toObject()), (r) => `${String(r.k)}${String(r.price).padStart(3)}`), [
      { k: 'a', price: 2n, wavg: 2, mean: 2, n: 1n },
      { k: 'a', price: 6n, wavg: 5, mean: 4, n: 2n },
      { k: 'a', price: 10n, wavg: 6, mean: 8, n: 2n },
      { k: 'b', price: 1n, wavg: 3, mean: 2.5, n: 2n },
      { k: 'b', price: 4n, wavg: 4, mean: 4, n: 1n },
    ]);
    const unbounded = await env.sqlQuery(`
      SELECT k, price, weighted_avg(price, qty) OVER (PARTITION BY k ORDER BY ts) AS wavg FROM bids`).execute().collect();
    assert.deepEqual(sortBy(unbounded.map((r) => r.toObject()), (r) => `${String(r.k)}${String(r.price).padStart(3)}`), [
      { k: 'a', price: 2n, wavg: 2 }, { k: 'a', price: 6n, wavg: 5 }, { k: 'a', price: 10n, wavg: 5 },
      { k: 'b', price: 1n, wavg: 3 }, { k: 'b', price: 4n, wavg: 4 },
    ]);
    assert.throws(() => env.sqlQuery('SELECT mean_udaf(CAST(price AS DOUBLE)) OVER (PARTITION BY k ORDER BY ts) FROM bids').execute(),
      /pandas aggregate function mean_udaf cannot run over an unbounded OVER frame/);
  });

  it('Table API group window: window(Tumble...).groupBy(col(w), k).select(...) with a pandas and a general UDAF', async () => {
    const env = testEnv();
    await bids(env, [['a', 2, 1, 1], ['b', 4, 2, 3], ['a', 6, 3, 7], ['a', 10, null, 12], ['b', 1, 1, 14]]);
    await env.createPythonFunction('weighted_avg', 'udfs/udafs.py:weighted_avg');
    await env.createPythonFunction('mean_udaf', 'udfs/udafs.py:mean_udaf');
    const rows = await env.from('bids').window(Tumble.over(lit(10).seconds()).on(col('ts')).as('w')).groupBy(col('w'), col('k')).select(
      col('k'), col('w').start().as('ws'), call('weighted_avg', col('price'), col('qty')).as('wavg'), call('mean_udaf', col('price').cast('DOUBLE')).as('mean'),
    ).execute().collect();
    const got = sortBy(rows.map((r): Record<string, unknown> => ({ ...r.toObject(), ws: (r.get('ws') as Date).toISOString().slice(14, 19) })),
      (r) => `${String(r.k)}${String(r.ws)}`);
    assert.deepEqual(got, [
      { k: 'a', ws: '00:00', wavg: 5, mean: 4 }, { k: 'a', ws: '00:10', wavg: null, mean: 10 },
      { k: 'b', ws: '00:00', wavg: 4, mean: 4 }, { k: 'b', ws: '00:10', wavg: 1, mean: 1 },
    ]);
  });
});

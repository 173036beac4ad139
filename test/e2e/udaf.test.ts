import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { call, col, PlanError, UdfError } from '../../src/index.ts';
import { closeInspectors } from '../../src/udf/python/inspect.ts';
import { pythonWorkerPids, sortBy, testEnv } from './helpers.ts';

after(() => closeInspectors());


/** Orders as a bounded table: (region, item, price, qty); qty NULL on one row. */
function ordersEnv(config: Record<string, string | number> = {}) {
  const env = testEnv({ config });
  const t = env.fromValues([
    ['eu', 'apple', 2, 1], ['eu', 'pear', 4, 3], ['us', 'apple', 3, 2], ['eu', 'apple', 6, 1],
    ['us', 'plum', 10, null], ['eu', 'pear', 8, 1], ['us', 'apple', 5, 2],
  ], { region: 'STRING', item: 'STRING', price: 'BIGINT', qty: 'BIGINT' });
  env.createTemporaryView('orders', t);
  return env;
}

describe('user-defined aggregate functions in SQL GROUP BY', () => {
  it('a PyFlink-style general UDAF with a ROW accumulator, mixed with built-ins, NULL arguments skipped', async () => {
    const env = ordersEnv();
    await env.executeSql("CREATE TEMPORARY FUNCTION weighted_avg AS 'udfs.udafs.weighted_avg' LANGUAGE PYTHON");
    const rows = await env.sqlQuery(`
      SELECT region, weighted_avg(price, qty) AS wavg, COUNT(*) AS n, SUM(price) AS total
      FROM orders GROUP BY region`).execute().materialize();
    const got = sortBy(rows.map((r) => r.toObject()), (r) => r.region as string);
    // eu: (2*1 + 4*3 + 6*1 + 8*1) / 6 = 28/6; us: (3*2 + 5*2) / 4 = 4 (plum's NULL qty is skipped)
    assert.deepEqual(got, [
      { region: 'eu', wavg: 28 / 6, n: 4n, total: 20n },
      { region: 'us', wavg: 4, n: 3n, total: 18n },
    ]);
  });

  it('GROUP BY over an updating input (a GROUP BY of a GROUP BY) retracts through the UDAF', async () => {
    // Small batches, so the outer aggregate sees the inner one's updates over several batches.
    const env = ordersEnv({ 'table.exec.batch-size': 2 });
    await env.createPythonFunction('weighted_avg', 'udfs/udafs.py:weighted_avg');
    await env.createPythonFunction('count_nulls', 'udfs/udafs.py:count_nulls');
    // The inner aggregate updates its per-item rows as orders arrive; the outer one sees -U/+U pairs.
    const result = env.sqlQuery(`
      SELECT region, weighted_avg(max_price, cnt) AS wavg, count_nulls(max_qty) AS null_qty, COUNT(*) AS items
      FROM (SELECT region, item, MAX(price) AS max_price, COUNT(*) AS cnt, MAX(qty) AS max_qty FROM orders GROUP BY region, item)
      GROUP BY region`).execute();
    const changes = await result.collect();
    assert.ok(changes.some((r) => r.kind === '-U'), 'the outer aggregate emitted updates');
    const final = new Map<string, Record<string, unknown>>();
    for (const r of changes) {
      const o = r.toObject();
      if (r.kind === '+I' || r.kind === '+U') final.set(o.region as string, o); else final.delete(o.region as string);
    }
    // eu: apple max 6 cnt 2, pear max 8 cnt 2 -> (12 + 16) / 4 = 7; us: apple max 5 cnt 2, plum 10 cnt 1 -> 20/3
    assert.deepEqual(sortBy([...final.values()], (r) => r.region as string), [
      { region: 'eu', wavg: 7, null_qty: 0n, items: 2n },
      { region: 'us', wavg: 20 / 3, null_qty: 1n, items: 2n },
    ]);
  });

  it('a TypeScript aggregate function registered with CREATE FUNCTION ... LANGUAGE TYPESCRIPT', async () => {
    const env = ordersEnv();
    await env.executeSql("CREATE TEMPORARY FUNCTION ts_wavg AS 'ts-udfs/aggregates.ts:tsWeightedAvg' LANGUAGE TYPESCRIPT");
    const rows = await env.sqlQuery('SELECT region, ts_wavg(CAST(price AS DOUBLE), qty) AS wavg FROM orders GROUP BY region').execute().materialize();
    assert.deepEqual(sortBy(rows.map((r) => r.toObject()), (r) => r.region as string), [
      { region: 'eu', wavg: 28 / 6 }, { region: 'us', wavg: 4 },
    ]);
  });

  it('plan-time refusals: a UDAF without retract() on updating input, a pandas UDAF in a non-windowed GROUP BY', async () => {
    const env = ordersEnv();
    await env.createPythonFunction('top2', 'udfs/udafs.py:top2');
    await env.createPythonFunction('mean_udaf', 'udfs/udafs.py:mean_udaf');
    const updating = env.sqlQuery('SELECT region, top2(n) FROM (SELECT region, item, COUNT(*) AS n FROM orders GROUP BY region, item) GROUP BY region');
    assert.throws(() => updating.execute(), (e: PlanError) => {
      assert.equal(e.code, 'NOT_SUPPORTED');
      assert.match(e.message, /top2 has no retract\(\)/);
      assert.match(e.hint ?? '', /Implement retract/);
      return true;
    });
    const pandas = env.sqlQuery('SELECT region, mean_udaf(CAST(price AS DOUBLE)) FROM orders GROUP BY region');
    assert.throws(() => pandas.execute(), (e: PlanError) => {
      assert.match(e.message, /pandas aggregate function mean_udaf cannot run in a non-windowed GROUP BY/);
      assert.match(e.hint ?? '', /window/);
      return true;
    });
    // An aggregate function used as a scalar one.
    assert.throws(() => env.sqlQuery('SELECT top2(price) + 1 FROM orders WHERE top2(price) IS NULL'), /top2/);
  });

  it('a failing UDAF fails the job with the Python traceback, and no worker outlives it', async () => {
    const env = ordersEnv();
    await env.createPythonFunction('fail_on_13', 'udfs/udafs.py:fail_on_13');
    // Workers that exist before the job (the registration-time inspector) are not the job's.
    const before = new Set(pythonWorkerPids());
    const jobWorkers = () => pythonWorkerPids().filter((p) => !before.has(p));
    const job = env.sqlQuery('SELECT region, fail_on_13(price + 3) FROM orders GROUP BY region').execute();
    await assert.rejects(job.collect(), (e: UdfError) => {
      assert.equal(e.code, 'UDF_ERROR');
      assert.equal(e.udf, 'fail_on_13');
      assert.match(e.traceback ?? '', /ValueError: unlucky value 13/);
      assert.deepEqual(e.values, [13]);
      return true;
    });
    for (let i = 0; i < 50 && jobWorkers().length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(jobWorkers(), []);
  });

  it('Table API: groupBy(...).select(call(udaf, ...)) with retraction from an upstream groupBy', async () => {
    const env = ordersEnv({ 'table.exec.batch-size': 2 });
    await env.createPythonFunction('weighted_avg', 'udfs/udafs.py:weighted_avg');
    await env.createTypeScriptFunction('ts_wavg', 'ts-udfs/aggregates.ts', 'tsWeightedAvg');
    const perItem = env.from('orders').groupBy(col('region'), col('item'))
      .select(col('region'), col('item'), col('price').max().as('max_price'), col('*').count().as('cnt'));
    const rows = await perItem.groupBy(col('region')).select(
      col('region'),
      call('weighted_avg', col('max_price'), col('cnt')).as('wavg'),
      call('ts_wavg', col('max_price').cast('DOUBLE'), col('cnt')).as('ts_wavg'),
    ).execute().materialize();
    assert.deepEqual(sortBy(rows.map((r) => r.toObject()), (r) => r.region as string), [
      { region: 'eu', wavg: 7, ts_wavg: 7 },
      { region: 'us', wavg: 20 / 3, ts_wavg: 20 / 3 },
    ]);
  });

  it('Table API: registered functions, a UDAF result filtered and projected with the Table API', async () => {
    const env = ordersEnv();
    await env.createPythonFunction('weighted_avg', 'udfs/udafs.py:weighted_avg');
    const byRegion = env.sqlQuery('SELECT region, weighted_avg(price, qty) AS wavg FROM orders GROUP BY region');
    const rows = await byRegion.filter(col('wavg').isGreater(4)).select(col('region')).execute().materialize();
    assert.deepEqual(rows.map((r) => r.toObject()), [{ region: 'eu' }]);
  });
});

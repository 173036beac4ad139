import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { TableDescriptor, col, call, lit, UdfError, WorkerCrashError, WeirError } from '../../src/index.ts';
import { closeInspectors } from '../../src/udf/python/inspect.ts';
import { pythonWorkerPids, testEnv } from './helpers.ts';

after(() => closeInspectors());

describe('Python UDFs through the Table API', () => {
  it('pandas and general UDFs over NULLs, strings, decimals and timestamps, nested and mixed with built-ins', async () => {
    const env = testEnv();
    for (const f of ['p_scale', 'p_upper', 'g_greet', 'g_is_null', 'g_add_tax', 'g_next_hour', 'p_len']) {
      await env.createPythonFunction(f, `udfs/e2e_udfs.py:${f}`);
    }
    const t = env.fromValues([
      [1, 'ann', 2.5, '10.00', new Date(Date.UTC(2024, 0, 1, 12, 0, 0))],
      [2, null, null, null, null],
      [3, 'Zoë', -1.0, '0.05', new Date(Date.UTC(2024, 1, 29, 23, 30, 0))],
    ], { id: 'INT', name: 'STRING', x: 'DOUBLE', amount: 'DECIMAL(10, 2)', ts: 'TIMESTAMP(3)' });
    const rows = await t.select(
      col('id'),
      call('p_scale', col('x'), lit(2.0)).plus(1).as('scaled'),
      call('g_greet', call('p_upper', col('name'))).as('greeting'),
      call('g_is_null', col('name')).as('no_name'),
      call('g_add_tax', col('amount')).as('gross'),
      call('g_next_hour', col('ts')).as('later'),
      call('p_len', col('name').trim()).plus(col('id')).as('len_plus_id'),
    ).execute().toObjects();
    assert.deepEqual(rows.map((r) => r.scaled), [6, null, -1]);
    assert.deepEqual(rows.map((r) => r.greeting), ['hello ANN', null, 'hello ZOË']);
    assert.deepEqual(rows.map((r) => r.no_name), [false, true, false]);
    assert.deepEqual(rows.map((r) => r.gross), ['12.00', null, '0.06']);
    assert.deepEqual(rows.map((r) => (r.later as Date | null)?.toISOString() ?? null), ['2024-01-01T13:00:00.000Z', null, '2024-03-01T00:30:00.000Z']);
    assert.deepEqual(rows.map((r) => r.len_plus_id), [4n, null, 6n]);
  });

  it('runs a PyFlink UDF module with only its imports changed', async () => {
    const env = testEnv({ baseDir: new URL('../../python/tests/fixtures', import.meta.url).pathname });
    await env.createPythonFunction('hash_code', 'pyflink_style_udfs.py:hash_code');
    const def = env.catalog.lookupFunction('hash_code');
    assert.equal(def?.resultType.kind, 'BIGINT');
    const rows = await env.fromValues([['Flink'], [null], ['  Weir ']], { s: 'STRING' })
      .select(call('hash_code', col('s')).as('h')).execute().toObjects();
    assert.equal(rows.length, 3);
    assert.equal(rows[1].h, null);
    assert.equal(typeof rows[0].h, 'bigint');
  });

  it('a UDF exception fails the job with the traceback, the UDF name and the offending row', async () => {
    const env = testEnv();
    await env.createPythonFunction('g_fail_on_three', 'udfs/e2e_udfs.py:g_fail_on_three');
    const job = env.fromValues([[1], [2], [3], [4]], { x: 'BIGINT' }).select(call('g_fail_on_three', col('x'))).execute();
    await assert.rejects(job.collect(), (e: UdfError) => {
      assert.equal(e.code, 'UDF_ERROR');
      assert.equal(e.udf, 'g_fail_on_three');
      assert.match(e.traceback ?? '', /Traceback \(most recent call last\)/);
      assert.match(e.traceback ?? '', /ValueError: three is not allowed \(got 3\)/);
      assert.equal(e.row, 2);
      assert.deepEqual(e.values, [3]);
      assert.match(e.message, /PythonCalc/);
      return true;
    });
  });

  it('a pandas result of the wrong length is a clear error', async () => {
    const env = testEnv();
    await env.createPythonFunction('p_wrong_length', 'udfs/e2e_udfs.py:p_wrong_length');
    const job = env.fromValues([[1], [2], [3]], { x: 'BIGINT' }).select(call('p_wrong_length', col('x'))).execute();
    await assert.rejects(job.collect(), (e: WeirError) => e.code === 'UDF_RESULT_LENGTH' && /p_wrong_length/.test(e.message));
  });

  it('missing modules and functions are caught at registration', async () => {
    const env = testEnv();
    await assert.rejects(env.createPythonFunction('x', 'udfs/no_such_module.py:f'), (e: WeirError) => e.code === 'UDF_MODULE_NOT_FOUND');
    await assert.rejects(env.createPythonFunction('x', 'udfs/e2e_udfs.py:no_such_fn'), (e: WeirError) => e.code === 'UDF_FUNCTION_NOT_FOUND');
    assert.throws(() => env.fromValues([[1]], { x: 'INT' }).select(call('never_registered', col('x'))), (e: WeirError) => e.code === 'FUNCTION_NOT_FOUND');
  });

  it('a worker killed with SIGKILL mid-job fails the job with a typed error within seconds', async () => {
    const env = testEnv();
    await env.createPythonFunction('g_slow', 'udfs/e2e_udfs.py:g_slow');
    const src = TableDescriptor.forConnector('datagen').schema({ x: 'BIGINT' })
      .option('rows-per-second', 2000).option('seed', 1).build();
    const result = env.from(src).select(call('g_slow', col('x'))).execute();
    // Workers that exist before the job (the registration-time inspector) are not the job's.
    const before = new Set(pythonWorkerPids());
    const consumed = result.collect();
    consumed.catch(() => {});
    try {
      let victim: number | undefined;
      for (let i = 0; i < 150 && victim === undefined; i++) {
        await new Promise((r) => setTimeout(r, 100));
        victim = pythonWorkerPids().find((p) => !before.has(p));
      }
      assert.ok(victim, 'the job started a Python worker');
      // Kill it mid-job: once rows have come back from it (a kill during start-up is UDF_WORKER_START_FAILED).
      for (let i = 0; i < 150; i++) {
        const udf = (await result.job.metrics()).udfs.find((u) => u.name === 'g_slow');
        if (udf && udf.rowsOut > 0) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const killedAt = Date.now();
      process.kill(victim, 'SIGKILL');
      await assert.rejects(consumed, (e: WorkerCrashError) => {
        assert.equal(e.code, 'UDF_WORKER_CRASHED');
        assert.equal(e.signal, 'SIGKILL');
        return true;
      });
      assert.ok(Date.now() - killedAt < 5000, `detected after ${Date.now() - killedAt} ms`);
    } finally {
      await result.job.cancel();
    }
  });

  it('per-UDF metrics match the rows processed, including the UDF\'s own metrics', async () => {
    const env = testEnv({ config: { 'python.fn-execution.arrow.batch.size': 100 } });
    await env.createPythonFunction('counting', 'udfs/arith.py:counting');
    const src = TableDescriptor.forConnector('datagen').schema({ x: 'BIGINT' })
      .option('number-of-rows', 1000).option('rows-per-second', 1e9).build();
    const sink = TableDescriptor.forConnector('blackhole').schema({ y: 'BIGINT' }).build();
    const result = await env.from(src).select(call('counting', col('x'))).executeInsert(sink).done();
    const udf = result.metrics.udfs.find((u) => u.name === 'counting');
    assert.ok(udf, 'metrics for the UDF');
    assert.equal(udf.rowsIn, 1000);
    assert.equal(udf.rowsOut, 1000);
    assert.equal(udf.batches, 10);
    assert.equal(udf.errors, 0);
    assert.ok(udf.bytesSent >= 8000, `sent ${udf.bytesSent} bytes`);
    assert.ok(udf.userTimeMs > 0 && udf.serializationTimeMs > 0);
    assert.ok(udf.bundleLatencyMs.p99 >= udf.bundleLatencyMs.p50);
    assert.equal(udf.user['stats.calls'], 1000);
  });
});

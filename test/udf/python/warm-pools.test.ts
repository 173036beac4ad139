import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { Configuration } from '../../../src/config/configuration.ts';
import { PythonBackend } from '../../../src/udf/python/python-backend.ts';
import { discardWarmPools, prestartPool, takeWarmPool } from '../../../src/udf/python/warm-pools.ts';
import { poolOptionsFrom } from '../../../src/udf/python/worker-pool.ts';
import { alive, backendContext, FIXTURES, pyFn, singleStep, workerChildren } from './helpers.ts';

after(() => assert.deepEqual(workerChildren(), [], 'no worker processes left behind'));

const options = () => poolOptionsFrom(new Configuration({ 'python.worker.pool-size': '1' }), FIXTURES, 1);

test('a warm pool is taken by the same options only, once', async () => {
  prestartPool(options());
  assert.equal(takeWarmPool({ ...options(), size: 2 }), undefined, 'other options');
  assert.equal(takeWarmPool({ ...options(), logger: () => {} }), undefined, 'a custom logger is never pooled');
  const pool = takeWarmPool(options());
  assert.ok(pool);
  assert.equal(takeWarmPool(options()), undefined, 'taken once');
  const started = await pool;
  assert.equal(started.workers.length, 1);
  await started.stop(0);
});

test('PythonBackend.open uses the warm pool (its workers run the program)', async () => {
  prestartPool(options());
  const warmPids = workerChildren();
  assert.equal(warmPids.length, 1);
  const fn = pyFn('plus_one', 'udfs/arith.py:plus_one', 'BIGINT');
  const backend = await PythonBackend.open(singleStep(fn, 1), backendContext());
  try {
    assert.deepEqual(backend.workers.map((w) => w.pid), warmPids);
  } finally {
    await backend.close();
  }
});

test('discardWarmPools stops pools nobody took', async () => {
  prestartPool(options());
  const pool = await new Promise<number[]>((resolve) => {
    const poll = () => { const pids = workerChildren(); if (pids.length) resolve(pids); else setTimeout(poll, 20); };
    poll();
  });
  await discardWarmPools();
  assert.equal(takeWarmPool(options()), undefined);
  for (const pid of pool) assert.equal(alive(pid), false);
});

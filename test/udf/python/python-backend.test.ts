import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import * as arrow from 'apache-arrow';
import * as zmq from 'zeromq';
import { UdfError, WorkerCrashError } from '../../../src/errors/errors.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { decodeHeader, encodeHeader } from '../../../src/udf/python/codec.ts';
import { PythonBackend } from '../../../src/udf/python/python-backend.ts';
import { WorkerProcess } from '../../../src/udf/python/worker-process.ts';
import { resolvePythonExecutable } from '../../../src/udf/python/interpreter.ts';
import { alive, backendContext, FIXTURES, pyFn, singleStep, workerChildren } from './helpers.ts';
import { dataToJson, jsonToData } from './json-values.ts';

const f64 = (values: (number | null)[]) => jsonToData(DataTypes.DOUBLE(), values);
const i64 = (values: (number | null)[]) => jsonToData(DataTypes.BIGINT(), values.map((v) => (v === null ? null : String(v))));
const str = (values: (string | null)[]) => jsonToData(DataTypes.STRING(), values);
const values = (d: arrow.Data) => Array.from(arrow.makeVector(d), (v) => (typeof v === 'bigint' ? Number(v) : v));

after(() => assert.deepEqual(workerChildren(), [], 'no worker processes left behind'));

describe('worker handshake', () => {
  test('a wrong token is refused with AUTH_FAILED; the right one gets hello_ok', async () => {
    const worker = await WorkerProcess.start({ python: resolvePythonExecutable(), workerId: 900, transport: 'tcp', baseDir: FIXTURES, startTimeoutMs: 30_000, logger: () => {} });
    const ask = async (token: string) => {
      const s = new zmq.Dealer({ linger: 0 });
      s.connect(worker.endpoint);
      await s.send([encodeHeader({ type: 'hello', protocol: 1, token, client: 'test' })]);
      const [h] = await s.receive();
      s.close();
      return decodeHeader(h);
    };
    try {
      assert.match(worker.endpoint, /^tcp:\/\/127\.0\.0\.1:\d+$/);
      assert.equal((await ask('not-the-token')).code, 'AUTH_FAILED');
      const ok = await ask(worker.token);
      assert.equal(ok.type, 'hello_ok');
      assert.equal(ok.protocol, 1);
      assert.equal(ok.worker_id, 900);
    } finally {
      await worker.stop();
    }
  });

  test('a missing interpreter fails with UDF_WORKER_START_FAILED and a setup hint', async () => {
    const ctx = backendContext({ 'python.executable': '/nonexistent/python3' });
    await assert.rejects(PythonBackend.open(singleStep(pyFn('mul_add', 'udfs/arith.py:mul_add', 'DOUBLE', 'pandas'), 2), ctx), (e: WorkerCrashError) => {
      assert.equal(e.code, 'UDF_WORKER_START_FAILED');
      assert.match(e.message, /npm run setup/);
      return true;
    });
  });
});

describe('load errors', () => {
  const cases: [string, string][] = [
    ['udfs/missing.py:f', 'UDF_MODULE_NOT_FOUND'],
    ['udfs/arith.py:nope', 'UDF_FUNCTION_NOT_FOUND'],
    ['udfs/arith.py:not_a_udf', 'UDF_NOT_A_FUNCTION'],
    ['udfs/broken_open.py:broken', 'UDF_OPEN_FAILED'],
  ];
  for (const [path, code] of cases) {
    test(`${path} → ${code}`, async () => {
      await assert.rejects(PythonBackend.open(singleStep(pyFn('f', path, 'BIGINT'), 1), backendContext()), (e: UdfError) => {
        assert.ok(e instanceof UdfError, String(e));
        assert.equal(e.code, code);
        if (code === 'UDF_OPEN_FAILED') assert.match(e.traceback ?? '', /cannot connect to the model server/);
        return true;
      });
    });
  }
});

describe('eval', () => {
  test('pandas a * b + 1, general lower, NULLs, decimals and timestamps', async () => {
    const ma = await PythonBackend.open(singleStep(pyFn('mul_add', 'udfs/arith.py:mul_add', 'DOUBLE', 'pandas'), 2), backendContext());
    const low = await PythonBackend.open(singleStep(pyFn('lower', 'udfs/text.py:lower', 'STRING'), 1), backendContext());
    const dec = await PythonBackend.open(singleStep(pyFn('add_cent', 'udfs/text.py:add_cent', 'DECIMAL(10, 2)'), 1), backendContext());
    const ts = await PythonBackend.open(singleStep(pyFn('next_day', 'udfs/text.py:next_day', 'TIMESTAMP(3)'), 1), backendContext());
    const nul = await PythonBackend.open(singleStep(pyFn('describe_null', 'udfs/text.py:describe_null', 'STRING'), 1), backendContext());
    try {
      const r = await ma.eval([f64([1, 2, null]), f64([3, 4, 5])], 3);
      assert.deepEqual(values(r.columns[0]), [4, 9, null]);
      assert.ok(r.timings.userNs > 0 && r.bytesSent > 0 && r.bytesReceived > 0);
      assert.deepEqual(values((await low.eval([str(['ÄBC', null, 'Straße'])], 3)).columns[0]), ['äbc', null, 'straße']);
      const d = await dec.eval([jsonToData(DataTypes.DECIMAL(10, 2), ['12.30', null, '-0.50'])], 3);
      assert.deepEqual(dataToJson(d.columns[0], DataTypes.DECIMAL(10, 2)), ['12.31', null, '-0.49']);
      const t = await ts.eval([jsonToData(DataTypes.TIMESTAMP(3), ['2024-02-28 23:59:59.999', null])], 2);
      assert.deepEqual(dataToJson(t.columns[0], DataTypes.TIMESTAMP(3)), ['2024-02-29 23:59:59.999', null]);
      assert.deepEqual(values((await nul.eval([i64([1, null])], 2)).columns[0]), ['value', 'null']);
    } finally {
      await Promise.all([ma, low, dec, ts, nul].map((b) => b.close()));
    }
  });

  test('a raising UDF gives UDF_ERROR with the traceback intact, the row and the values', async () => {
    const b = await PythonBackend.open(singleStep(pyFn('fails_on_x', 'udfs/text.py:fails_on_x', 'STRING'), 1), backendContext());
    try {
      await assert.rejects(b.eval([str(['a', 'x', 'c'])], 3), (e: UdfError) => {
        assert.equal(e.code, 'UDF_ERROR');
        assert.equal(e.udf, 'fails_on_x');
        assert.equal(e.row, 1);
        assert.deepEqual(e.values, ['x']);
        assert.match(e.traceback!, /Traceback \(most recent call last\)/);
        assert.match(e.traceback!, /raise ValueError\(f"bad value \{s!r\}"\)/);
        assert.match(e.traceback!, /ValueError: bad value 'x'/);
        return true;
      });
    } finally {
      await b.close();
    }
  });

  test('wrong result length and wrong result type are typed errors naming the UDF', async () => {
    const len = await PythonBackend.open(singleStep(pyFn('wrong_length', 'udfs/arith.py:wrong_length', 'BIGINT', 'pandas'), 1), backendContext());
    const typ = await PythonBackend.open(singleStep(pyFn('wrong_type', 'udfs/arith.py:wrong_type', 'BIGINT'), 1), backendContext());
    try {
      await assert.rejects(len.eval([i64([1, 2, 3])], 3), (e: UdfError) => e.code === 'UDF_RESULT_LENGTH' && e.udf === 'wrong_length' && /3/.test(e.message));
      await assert.rejects(typ.eval([i64([1])], 1), (e: UdfError) => e.code === 'UDF_RESULT_TYPE' && e.udf === 'wrong_type');
    } finally {
      await Promise.all([len.close(), typ.close()]);
    }
  });

  test('many requests in flight over 2 workers each get their own results', async () => {
    const fn = pyFn('slow_identity', 'udfs/arith.py:slow_identity', 'BIGINT');
    const ctx = backendContext({ 'python.worker.pool-size': '2', 'python.fn-execution.max-in-flight': '4' });
    const b = await PythonBackend.open(singleStep(fn, 2), ctx);
    try {
      assert.equal(b.capacity, 8);
      assert.equal(b.workers.length, 2);
      // Alternate slow and fast requests so completion order differs from submission order.
      const jobs = Array.from({ length: 16 }, (_, i) => b.eval([i64([i * 10, i * 10 + 1]), i64(i % 2 ? [0, 0] : [20, 0])], 2));
      const results = await Promise.all(jobs);
      results.forEach((r, i) => assert.deepEqual(values(r.columns[0]), [i * 10, i * 10 + 1]));
    } finally {
      await b.close();
    }
  });

  test('user metrics of the function arrive with results', async () => {
    const b = await PythonBackend.open(singleStep(pyFn('counting', 'udfs/arith.py:counting', 'BIGINT'), 1), backendContext());
    try {
      const r = await b.eval([i64([1, 2, 3])], 3);
      assert.deepEqual(r.userMetrics, [{ udf: 'counting', group: ['stats'], name: 'calls', kind: 'counter', value: 3 }]);
    } finally {
      await b.close();
    }
  });
});

describe('supervision', () => {
  test('SIGKILL of a worker mid-job rejects its pending requests with UDF_WORKER_CRASHED quickly', async () => {
    const fn = pyFn('slow_identity', 'udfs/arith.py:slow_identity', 'BIGINT');
    const b = await PythonBackend.open(singleStep(fn, 2), backendContext({ 'python.fn-execution.max-in-flight': '4' }));
    const pid = b.workers[0].pid!;
    const pending = [0, 1, 2].map(() => b.eval([i64([1]), i64([2000])], 1));
    await new Promise((r) => setTimeout(r, 200));
    const killedAt = performance.now();
    process.kill(pid, 'SIGKILL');
    const outcomes = await Promise.allSettled(pending);
    const latency = performance.now() - killedAt;
    try {
      for (const o of outcomes) {
        assert.equal(o.status, 'rejected');
        const e = (o as PromiseRejectedResult).reason as WorkerCrashError;
        assert.ok(e instanceof WorkerCrashError);
        assert.equal(e.code, 'UDF_WORKER_CRASHED');
        assert.equal(e.signal, 'SIGKILL');
        assert.match(e.message, /restart strategy|checkpoint/);
      }
      assert.ok(latency < 5000, `detected after ${latency} ms`);
      console.log(`# SIGKILL detection latency: ${latency.toFixed(1)} ms`);
      await assert.rejects(b.eval([i64([1]), i64([0])], 1), WorkerCrashError);
    } finally {
      await b.close();
    }
  });

  test('close stops every worker process', async () => {
    const b = await PythonBackend.open(singleStep(pyFn('plus_one', 'udfs/arith.py:plus_one', 'BIGINT'), 1), backendContext({ 'python.worker.pool-size': '3' }));
    const pids = b.workers.map((w) => w.pid!);
    assert.equal(pids.length, 3);
    assert.ok(pids.every(alive));
    assert.deepEqual(values((await b.eval([i64([1, null])], 2)).columns[0]), [2, null]);
    await b.close();
    assert.ok(pids.every((p) => !alive(p)), 'all workers gone');
  });
});

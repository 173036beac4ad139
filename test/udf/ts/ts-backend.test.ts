import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { DataTypes } from '../../../src/types/data-type.ts';
import { UdfError } from '../../../src/errors/errors.ts';
import type { UdfBackend } from '../../../src/udf/udf-backend.ts';
import { livePools } from '../../../src/udf/ts/worker-pool.ts';
import { column, context, open, read } from './helpers.ts';

const f64 = new arrow.Float64();
const opened: UdfBackend[] = [];
async function backend(...args: Parameters<typeof open>): Promise<UdfBackend> {
  const b = await open(...args);
  opened.push(b);
  return b;
}
after(async () => {
  await Promise.all(opened.map((b) => b.close()));
  assert.equal(livePools(), 0, 'every pool is destroyed once its last backend closes');
});

test('float64 arithmetic with NULLs, results moved back', async () => {
  const b = await backend([['mulAdd', [{ col: 0 }, { col: 1 }]]]);
  const r = await b.eval([column([1, 2, null, 4], f64), column([10, null, 3, 0.5], f64)], 4);
  assert.deepEqual(read(r.columns[0]), [11, null, null, 3]);
  assert.equal(r.bytesSent, 2 * 4 * 8 + 2);
  assert.equal(r.bytesReceived, 4 * 8 + 1);
  assert.ok(r.timings.userNs > 0 && r.timings.deserNs >= 0 && r.timings.serNs > 0);
});

test('sliced argument columns are compacted before they leave', async () => {
  const b = await backend([['mul', [{ col: 0 }, { col: 1 }]]]);
  const a = column([1, 2, 3, 4, 5, 6], f64).slice(2, 3);
  const c = column([10, 20, 30, 40, 50, 60], f64).slice(1, 3);
  const r = await b.eval([a, c], 3);
  assert.deepEqual(read(r.columns[0]), [60, 120, 200]);
  assert.deepEqual(read(a), [3, 4, 5], 'the operator still owns its input');
});

test('strings, BIGINT via JS array and typed array, decimals pass through', async () => {
  const s = await backend([['upper', [{ col: 0 }]]]);
  assert.deepEqual(read((await s.eval([column(['abc', null, 'héllo'], new arrow.Utf8())], 3)).columns[0]), ['ABC', null, 'HÉLLO']);

  const big = await backend([['addOneJs', [{ col: 0 }]], ['twice', [{ step: 0 }]]], [0, 1]);
  const r = await big.eval([column([1n, null, 2n ** 60n], new arrow.Int64())], 3);
  assert.deepEqual(read(r.columns[0]), [2n, null, 2n ** 60n + 1n]);
  assert.deepEqual(read(r.columns[1]), [4n, null, 2n ** 61n + 2n]);

  const dec = await backend([['same', [{ col: 0 }]]]);
  const words = new Uint32Array([1230, 0, 0, 0, 0xfffffffb, 0xffffffff, 0xffffffff, 0xffffffff]);
  const input = arrow.makeData({ type: new arrow.Decimal(2, 10, 128), length: 2, data: words });
  const out = (await dec.eval([input], 2)).columns[0];
  assert.deepEqual([...(out.values as Uint32Array)], [...words]);
  assert.equal(String(out.type), String(input.type));
});

test('chained steps, literals and several outputs in one request', async () => {
  const b = await backend([
    ['add', [{ col: 0 }, { lit: 100, type: DataTypes.DOUBLE() }]],
    ['mul', [{ step: 0 }, { col: 1 }]],
    ['add', [{ step: 1 }, { lit: null, type: DataTypes.DOUBLE() }]],
  ], [1, 0, 2]);
  const r = await b.eval([column([1, 2], f64), column([2, 3], f64)], 2);
  assert.deepEqual(read(r.columns[0]), [202, 306]);
  assert.deepEqual(read(r.columns[1]), [101, 102]);
  assert.deepEqual(read(r.columns[2]), [null, null]);
});

test('results as Vector, typed array and JS array', async () => {
  const b = await backend([['describe', [{ col: 0 }]], ['mul', [{ col: 0 }, { col: 0 }]], ['addOneJs', [{ col: 1 }]]], [0, 1, 2]);
  const r = await b.eval([column([1.5, null], f64), column([7n, 8n], new arrow.Int64())], 2);
  assert.deepEqual(read(r.columns[0]), ['v=1.5', null]);
  assert.equal(read(r.columns[1])[0], 2.25);
  assert.deepEqual(read(r.columns[2]), [8n, 9n]);
});

test('wrong length, wrong type and missing result are typed errors', async () => {
  const args = [column([1, 2, 3], f64)];
  const short = await backend([['short', [{ col: 0 }]]]);
  await assert.rejects(short.eval(args, 3), (e: UdfError) => e.code === 'UDF_RESULT_LENGTH' && e.udf === 'short'
    && /returned 2 values for 3 input rows/.test(e.message) && e.location.operator === 'Calc[1]');
  const wrong = await backend([['wrongType', [{ col: 0 }]]]);
  await assert.rejects(wrong.eval(args, 3), (e: UdfError) => e.code === 'UDF_RESULT_TYPE'
    && /declared to return DOUBLE .*returned a Int32Array; the typed array for this type is Float64Array/.test(e.message));
  const forgot = await backend([['forgot', [{ col: 0 }]]]);
  await assert.rejects(forgot.eval(args, 3), (e: UdfError) => e.code === 'UDF_RESULT_TYPE' && /undefined/.test(e.message));
});

test('an exception in user code keeps its JS stack; a row property names the row', async () => {
  const b = await backend([['boom', [{ col: 0 }]]]);
  await assert.rejects(b.eval([column([1], f64)], 1), (e: unknown) => {
    assert.ok(e instanceof UdfError);
    assert.equal(e.code, 'UDF_ERROR');
    assert.equal(e.udf, 'boom');
    assert.equal(e.row, undefined);
    assert.match(e.traceback!, /RangeError: cannot handle 1 rows\n\s+at explode \(.*math\.ts/);
    assert.match(e.message, /threw RangeError: cannot handle 1 rows/);
    return true;
  });
  const rows = await backend([['badRow', [{ col: 0 }]]]);
  await assert.rejects(rows.eval([column([4, 9, -1], f64)], 3), (e: UdfError) => e.row === 2 && e.values?.[0] === -1 && /row 2/.test(e.message));
  assert.deepEqual(read((await rows.eval([column([4, 9], f64)], 2)).columns[0]), [2, 3], 'the backend keeps working');
});

test('user metrics are reported and merged across worker threads', async () => {
  const ctx = context({ 'ts.worker.pool-size': '2' });
  const b = await backend([['counted', [{ col: 0 }]]], undefined, ctx);
  const runs = await Promise.all(Array.from({ length: 12 }, () => b.eval([column([1, 2, 3], f64)], 3)));
  const last = new Map<string, unknown>();
  for (const r of runs) for (const m of r.userMetrics) last.set([m.udf, ...m.group, m.name].join('.'), m);
  const byName = (k: string) => (last.get(k) as { value: unknown; kind: string });
  const totals = runs.flatMap((r) => r.userMetrics.filter((m) => m.name === 'batches').map((m) => m.value as number));
  assert.equal(Math.max(...totals), 12, 'counter totals add up across threads');
  assert.equal(byName('counted.batches').kind, 'counter');
  assert.equal(Math.max(...runs.flatMap((r) => r.userMetrics.filter((m) => m.name === 'seen').map((m) => m.value as number))), 36);
  assert.equal(byName('counted.lastRows').value, 3);
  const dist = runs.flatMap((r) => r.userMetrics.filter((m) => m.name === 'batchRows')).map((m) => m.value as { count: number; min: number; mean: number });
  assert.equal(Math.max(...dist.map((d) => d.count)), 12);
  assert.ok(dist.every((d) => d.min === 3 && d.mean === 3));
  assert.equal((ctx.metrics.snapshot()['tsUdfRoundTripMs'] as { count: number }).count, 12);
});

test('many requests in flight resolve to their own results', async () => {
  const ctx = context({ 'ts.worker.pool-size': '3', 'ts.fn-execution.max-in-flight': '4' });
  const b = await backend([['slowEcho', [{ col: 0 }, { col: 1 }]]], undefined, ctx);
  assert.equal(b.capacity, 12);
  const results = await Promise.all(Array.from({ length: 40 }, (_, i) =>
    b.eval([column([i % 3], f64), column([i, i + 0.5], f64)], 2).then((r) => read(r.columns[0]))));
  results.forEach((r, i) => assert.deepEqual(r, [i, i + 0.5]));
});

test('capacity divides the pool across parallel subtasks', async () => {
  const b = await backend([['mul', [{ col: 0 }, { col: 1 }]]], undefined, context({ 'ts.worker.pool-size': '5', 'ts.fn-execution.max-in-flight': '2' }, 2));
  assert.equal(b.capacity, 3 * 2);
});

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as arrow from 'apache-arrow';
import { UdfError } from '../../../src/errors/errors.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import type { UdfArg, UdfProgram } from '../../../src/udf/function-definition.ts';
import { closeInspectors, inspectPythonFunction } from '../../../src/udf/python/inspect.ts';
import { PythonTableBackend } from '../../../src/udf/python/table-client.ts';
import { backendContext, FIXTURES, workerChildren } from './helpers.ts';

const opened: PythonTableBackend[] = [];
after(async () => {
  await Promise.all(opened.map((b) => b.close()));
  await closeInspectors();
  assert.deepEqual(workerChildren(), [], 'no worker processes left behind');
});

async function open(attr: string, args: UdfArg[] = [{ col: 0 }], argColumns = [0]): Promise<PythonTableBackend> {
  const fn = await inspectPythonFunction(attr, `udfs/table_udfs.py:${attr}`, { config: backendContext().config, baseDir: FIXTURES });
  const program: UdfProgram = { language: 'python', argColumns, steps: [{ fn, args }], outputs: [0] };
  const b = await PythonTableBackend.open(program, backendContext());
  opened.push(b);
  return b;
}

const strings = (values: (string | null)[]) => arrow.vectorFromArray(values, new arrow.Utf8()).data[0];
const read = (d: arrow.Data) => [...arrow.makeVector(d)];

test('a generator udtf: index column, several rows per input, none for NULL', async () => {
  const b = await open('split');
  const r = await b.eval([strings(['a bb', null, 'ccc'])], 3);
  assert.deepEqual([...r.index], [0, 0, 2]);
  assert.deepEqual(read(r.columns[0]), ['a', 'bb', 'ccc']);
  assert.deepEqual(read(r.columns[1]), [1, 2, 3]);
  assert.ok(r.bytesSent > 0 && r.bytesReceived > 0 && r.timings.userNs > 0);
});

test('returning None gives no rows; yielding None gives a NULL row; an empty reply is fine', async () => {
  const b = await open('maybe_words');
  const r = await b.eval([strings([null, 'null', 'x y'])], 3);
  assert.deepEqual([...r.index], [1, 2, 2]);
  assert.deepEqual(read(r.columns[0]), [null, 'x', 'y']);
  const none = await b.eval([strings([null])], 1);
  assert.equal(none.index.length, 0);
  assert.equal(none.columns[0].length, 0);
});

test('a TableFunction class with a literal argument and its user metric', async () => {
  const b = await open('repeat', [{ col: 0 }, { lit: 2, type: DataTypes.BIGINT() }]);
  const r = await b.eval([strings(['p', null])], 2);
  assert.deepEqual([...r.index], [0, 0]);
  assert.deepEqual(read(r.columns[1]), [0n, 1n]);
  assert.deepEqual(r.userMetrics.map((m) => [m.udf, m.name, m.value]), [['repeat', 'calls', 2]]);
});

test('a failing row keeps the Python traceback, the function and the row', async () => {
  const b = await open('fail_on_three');
  const n = arrow.vectorFromArray([1n, 2n, 3n], new arrow.Int64()).data[0];
  await assert.rejects(b.eval([n], 3), (e: UdfError) => {
    assert.equal(e.code, 'UDF_ERROR');
    assert.equal(e.udf, 'fail_on_three');
    assert.equal(e.row, 2);
    assert.deepEqual(e.values, [3]);
    assert.match(e.traceback ?? '', /ValueError: three is not allowed \(got 3\)/);
    return true;
  });
});

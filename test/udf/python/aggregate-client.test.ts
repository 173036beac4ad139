import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as arrow from 'apache-arrow';
import { UdfError } from '../../../src/errors/errors.ts';
import { columnFromValues } from '../../../src/batch/values/build.ts';
import { valueAt } from '../../../src/batch/values/read.ts';
import { parseDataType } from '../../../src/types/parse-data-type.ts';
import type { PythonFunctionDefinition } from '../../../src/udf/function-definition.ts';
import { closeInspectors, inspectPythonFunction } from '../../../src/udf/python/inspect.ts';
import { openUdafRunner, type UdafRunner } from '../../../src/udf/udaf-runner.ts';
import { backendContext, FIXTURES, workerChildren } from './helpers.ts';
import { Configuration } from '../../../src/config/configuration.ts';

const col = (type: string, values: unknown[]) => columnFromValues(parseDataType(type), values);
const read = (d: arrow.Data, type: string) => Array.from({ length: d.length }, (_, i) => valueAt(d, parseDataType(type), i));
const ACC = 'ROW<f0 BIGINT, f1 BIGINT>';

let defs: Record<string, PythonFunctionDefinition>;
let runner: UdafRunner;

before(async () => {
  const config = new Configuration({});
  const names = ['weighted_avg', 'mean_udaf', 'top2', 'fail_on_13', 'count_nulls'];
  defs = Object.fromEntries(await Promise.all(names.map(async (n) => [n, await inspectPythonFunction(n, `udfs/udafs.py:${n}`, { config, baseDir: FIXTURES })])));
  runner = await openUdafRunner(names.map((n) => defs[n]), backendContext());
});

after(async () => {
  await runner?.close();
  await closeInspectors();
  assert.deepEqual(workerChildren(), [], 'no worker processes left behind');
});

describe('registration of Python aggregate functions', () => {
  test('a PyFlink-style general UDAF registers with its accumulator type and retract/merge flags', () => {
    const w = defs.weighted_avg;
    assert.equal(w.kind, 'aggregate');
    assert.equal(w.funcType, 'general');
    assert.deepEqual(w.aggregate && { ...w.aggregate, accumulatorType: w.aggregate.accumulatorType && 'set' }, { accumulatorType: 'set', hasRetract: true, hasMerge: true });
    assert.equal(defs.top2.aggregate?.hasRetract, false);
  });

  test('a pandas UDAF has no accumulator and cannot retract', () => {
    assert.equal(defs.mean_udaf.funcType, 'pandas');
    assert.deepEqual(defs.mean_udaf.aggregate, { accumulatorType: null, hasRetract: false, hasMerge: false });
  });
});

describe('Python UDAF runner', () => {
  test('accumulate: all groups in one request, with previous results and updated accumulators', async () => {
    const rows = {
      rows: 5,
      groupIds: Int32Array.from([0, 1, 0, 2, 1]),
      kinds: Uint8Array.from([0, 0, 1, 0, 2]),
      args: [col('BIGINT', [2n, 4n, 2n, null, 1n]), col('BIGINT', [3n, 1n, 3n, 1n, 2n])],
    };
    const accs = col(ACC, [{ f0: 10n, f1: 4n }, null, { f0: 1n, f1: 1n }]);
    const r = await runner.accumulate(0, 3, rows, accs, { previous: true });
    assert.deepEqual(read(r.results!, 'DOUBLE'), [2.5, 2, 1]);
    assert.deepEqual(read(r.previous!, 'DOUBLE'), [2.5, null, 1]);
    assert.deepEqual(read(r.accumulators, ACC), [{ f0: 10n, f1: 4n }, { f0: 6n, f1: 3n }, { f0: 1n, f1: 1n }]);
    assert.ok(r.timings.userNs > 0 && r.bytesSent > 0 && r.bytesReceived > 0);
  });

  test('accumulate without frame 2 starts every group from create_accumulator(); NULL arguments arrive as None', async () => {
    const rows = { rows: 4, groupIds: Int32Array.from([0, 0, 1, 1]), kinds: null, args: [col('STRING', [null, 'a', null, null])] };
    const r = await runner.accumulate(4, 2, rows, null);
    assert.deepEqual(read(r.results!, 'BIGINT'), [1n, 2n]);
  });

  test('merge folds accumulators into their groups', async () => {
    const sources = { groupIds: Int32Array.from([0, 1, 1]), accumulators: col(ACC, [{ f0: 2n, f1: 1n }, { f0: 6n, f1: 3n }, null]) };
    const r = await runner.merge(0, 2, sources, col(ACC, [{ f0: 10n, f1: 4n }, null]));
    assert.deepEqual(read(r.results!, 'DOUBLE'), [2.4, 2]);
  });

  test('complete runs a pandas UDAF once per group over that group\'s rows', async () => {
    const rows = { rows: 6, groupIds: Int32Array.from([2, 0, 1, 0, 2, 2]), kinds: null, args: [col('DOUBLE', [10, 1, 5, 3, null, 20])] };
    const r = await runner.complete(1, 3, rows);
    assert.deepEqual(read(r.results, 'DOUBLE'), [2, 5, 15]);
  });

  test('a raising accumulate() rejects with UDF_ERROR carrying the Python traceback and the row', async () => {
    const rows = { rows: 3, groupIds: Int32Array.from([0, 0, 0]), kinds: null, args: [col('BIGINT', [1n, 13n, 2n])] };
    await assert.rejects(runner.accumulate(3, 1, rows, null), (e: UdfError) => {
      assert.equal(e.code, 'UDF_ERROR');
      assert.equal(e.udf, 'fail_on_13');
      assert.equal(e.row, 1);
      assert.match(e.traceback ?? '', /ValueError: unlucky value 13/);
      assert.match(e.message, /udafs\.py/);
      return true;
    });
  });

  test('retraction into a UDAF without retract() is refused naming the function', async () => {
    const rows = { rows: 2, groupIds: Int32Array.from([0, 0]), kinds: Uint8Array.from([0, 3]), args: [col('BIGINT', [7n, 7n])] };
    await assert.rejects(runner.accumulate(2, 1, rows, null), (e: UdfError) => e.code === 'UDF_ERROR' && /top2.*no retract\(\)/.test(e.message));
  });

  test('the runner keeps working after a user error', async () => {
    const rows = { rows: 2, groupIds: Int32Array.from([0, 0]), kinds: null, args: [col('BIGINT', [5n, 9n])] };
    const r = await runner.accumulate(2, 1, rows, null);
    assert.deepEqual(read(r.results!, 'ARRAY<BIGINT>'), [[9n, 5n]]);
  });
});

describe('state versioning', () => {
  test('a runner refuses a function that now declares another accumulator type than at registration', async () => {
    const stale = { ...defs.weighted_avg, aggregate: { ...defs.weighted_avg.aggregate!, accumulatorType: parseDataType('ROW<f0 DOUBLE, f1 BIGINT>') } };
    await assert.rejects(openUdafRunner([stale], backendContext()), (e: UdfError) => {
      assert.equal(e.code, 'FUNCTION_SIGNATURE');
      assert.match(e.message, /now declares accumulator type ROW<f0 BIGINT, f1 BIGINT>, but its state was registered as ROW<f0 DOUBLE, f1 BIGINT>/);
      assert.match(e.hint ?? '', /register it again/);
      return true;
    });
  });
});

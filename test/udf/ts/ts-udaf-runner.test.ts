import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { join } from 'node:path';
import type * as arrow from 'apache-arrow';
import { columnFromValues } from '../../../src/batch/values/build.ts';
import { valueAt } from '../../../src/batch/values/read.ts';
import { UdfError } from '../../../src/errors/errors.ts';
import { parseDataType } from '../../../src/types/parse-data-type.ts';
import type { TsFunctionDefinition } from '../../../src/udf/function-definition.ts';
import { inspectTsFunction } from '../../../src/udf/ts/inspect.ts';
import { openUdafRunner, type UdafRunner } from '../../../src/udf/udaf-runner.ts';
import { tsWeightedAvg } from '../../fixtures/ts-udfs/aggregates.ts';
import { backendContext } from '../python/helpers.ts';

const MODULE = join(import.meta.dirname, '..', '..', 'fixtures', 'ts-udfs', 'aggregates.ts');
const col = (type: string, values: unknown[]) => columnFromValues(parseDataType(type), values);
const read = (d: arrow.Data, type: string) => Array.from({ length: d.length }, (_, i) => valueAt(d, parseDataType(type), i));
const ACC = 'ROW<sum DOUBLE, weight BIGINT>';

let defs: TsFunctionDefinition[];
let runner: UdafRunner;

before(async () => {
  defs = await Promise.all(['tsWeightedAvg', 'tsColumnarSum', 'tsLongest', 'tsFailOn13'].map((n) => inspectTsFunction(n, MODULE, n)));
  runner = await openUdafRunner(defs, backendContext({ 'ts.worker.pool-size': '1' }));
});
after(async () => { await runner?.close(); });

describe('TypeScript aggregate functions', () => {
  test('registration reads kind, accumulator type and retract/merge from aggregateFunction()', () => {
    assert.equal(defs[0].kind, 'aggregate');
    assert.deepEqual(defs[0].aggregate, { accumulatorType: parseDataType(ACC), hasRetract: true, hasMerge: true });
    assert.deepEqual({ retract: defs[2].aggregate?.hasRetract, merge: defs[2].aggregate?.hasMerge }, { retract: false, merge: false });
  });

  test('evaluate() runs the function directly (unit tests of user code)', () => {
    assert.equal(tsWeightedAvg.evaluate([1, 3, null], [1n, 1n, 5n]), 2);
  });

  test('accumulate: every group in one task, previous results, retraction, NULL arguments', async () => {
    const rows = {
      rows: 5, groupIds: Int32Array.from([0, 1, 0, 2, 1]), kinds: Uint8Array.from([0, 0, 1, 0, 2]),
      args: [col('DOUBLE', [2, 4, 2, null, 1]), col('BIGINT', [3n, 1n, 3n, 1n, 2n])],
    };
    const r = await runner.accumulate(0, 3, rows, col(ACC, [{ sum: 10, weight: 4n }, null, { sum: 1, weight: 1n }]), { previous: true });
    assert.deepEqual(read(r.results!, 'DOUBLE'), [2.5, 2, 1]);
    assert.deepEqual(read(r.previous!, 'DOUBLE'), [2.5, null, 1]);
    assert.deepEqual(read(r.accumulators, ACC), [{ sum: 10, weight: 4n }, { sum: 6, weight: 3n }, { sum: 1, weight: 1n }]);
  });

  test('the columnar hook replaces per-row calls', async () => {
    const rows = { rows: 4, groupIds: Int32Array.from([0, 1, 0, 1]), kinds: Uint8Array.from([0, 0, 0, 3]), args: [col('DOUBLE', [1, 2, null, 2])] };
    const r = await runner.accumulate(1, 2, rows, col('DOUBLE', [10, null]));
    assert.deepEqual(read(r.results!, 'DOUBLE'), [11, 0]);
  });

  test('merge and complete', async () => {
    const merged = await runner.merge(0, 2, { groupIds: Int32Array.from([0, 1]), accumulators: col(ACC, [{ sum: 2, weight: 1n }, null]) }, col(ACC, [{ sum: 10, weight: 4n }, null]));
    assert.deepEqual(read(merged.results!, 'DOUBLE'), [2.4, null]);
    const rows = { rows: 3, groupIds: Int32Array.from([1, 0, 1]), kinds: null, args: [col('STRING', ['ab', 'x', 'abc'])] };
    const complete = await runner.complete(2, 3, rows);
    assert.deepEqual(read(complete.results, 'STRING'), ['x', 'abc', null]);
  });

  test('a function without retract() refuses updates; a throwing one reports its stack and row', async () => {
    const updates = { rows: 1, groupIds: Int32Array.from([0]), kinds: Uint8Array.from([1]), args: [col('STRING', ['a'])] };
    await assert.rejects(runner.accumulate(2, 1, updates, null), (e: UdfError) => e.code === 'UDF_ERROR' && /no retract\(\).*-U/.test(e.message));
    const rows = { rows: 2, groupIds: Int32Array.from([0, 0]), kinds: null, args: [col('BIGINT', [1n, 13n])] };
    await assert.rejects(runner.accumulate(3, 1, rows, null), (e: UdfError) => {
      assert.equal(e.code, 'UDF_ERROR');
      assert.equal(e.row, 1);
      assert.match(e.message, /RangeError: unlucky value 13/);
      assert.match(e.traceback ?? '', /aggregates\.ts/);
      return true;
    });
  });
});

test('a runner refuses a function whose module now declares another accumulator type than at registration', async () => {
  const def = await inspectTsFunction('tsWeightedAvg', MODULE, 'tsWeightedAvg');
  const stale = { ...def, aggregate: { ...def.aggregate!, accumulatorType: parseDataType('ROW<sum DOUBLE>') } };
  await assert.rejects(openUdafRunner([stale], backendContext({ 'ts.worker.pool-size': '1' })), (e: UdfError) => {
    assert.equal(e.code, 'FUNCTION_SIGNATURE');
    assert.match(e.message, /now declares accumulator type ROW<sum DOUBLE, weight BIGINT>, but its state was registered as ROW<sum DOUBLE>/);
    return true;
  });
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { UdfError } from '../../../src/errors/errors.ts';
import type { AggregateCall } from '../../../src/plan/aggregate-call.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import type { FunctionDefinition } from '../../../src/udf/function-definition.ts';
import { closeInspectors } from '../../../src/udf/python/inspect.ts';
import { inspectUdafFixtures, udafCall } from '../../aggregate/udaf-fixtures.ts';
import { BACKENDS, aggHarness, aggNode, call, rows } from '../../aggregate/helpers.ts';

const CONFIG = { 'python.worker.pool-size': '1', 'ts.worker.pool-size': '1' };
const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.BIGINT(), w: DataTypes.BIGINT(), ok: DataTypes.BOOLEAN(), x: DataTypes.DOUBLE() });

let fns: Record<string, FunctionDefinition>;
before(async () => {
  fns = await inspectUdafFixtures(['weighted_avg', 'count_nulls', 'fail_on_13', 'distinct_chars']);
});
after(() => closeInspectors());

/** A UDAF call over columns `args` (as the planner builds it). */
function udaf(name: string, args: number[], opts: { filter?: number } = {}): AggregateCall {
  return udafCall(fns[name], args, { name, filter: opts.filter });
}

for (const backend of BACKENDS) {
  describe(`group aggregation with Python UDAFs (${backend} state)`, () => {
    it('built-ins and UDAFs mixed; changelog from p0; emptied keys; NULLs, FILTER and a MAP accumulator', async () => {
      const node = aggNode(s, [0], [
        call(s, 'COUNT', []), udaf('weighted_avg', [1, 2]), call(s, 'SUM', [1]), udaf('count_nulls', [1]),
        { ...udaf('weighted_avg', [1, 2], { filter: 3 }), name: 'filtered' }, udaf('distinct_chars', [0]),
      ]);
      const h = await aggHarness(node, backend, CONFIG);
      await h.feed(rows(s, ['+I', 'a', 2, 1, true, 0], ['+I', 'bc', 4, 1, false, 0], ['+I', 'a', 5, 2, true, 0], ['+I', 'bc', null, 1, true, 0]));
      assert.deepEqual(h.drain(), ['+I[a, 2, 4.0, 7, 0, 4.0, 1]', '+I[bc, 2, 4.0, 4, 1, null, 2]']);
      await h.feed(rows(s, ['+I', 'a', 10, 4, true, 0], ['+I', 'c', 1, 1, true, 0]));
      assert.deepEqual(h.drain(), ['-U[a, 2, 4.0, 7, 0, 4.0, 1]', '+U[a, 3, 7.428571428571429, 17, 0, 7.428571428571429, 1]', '+I[c, 1, 1.0, 1, 0, 1.0, 1]']);
      assert.equal(h.op['ctx'].metrics.snapshot()['udf.weighted_avg.batches'], 4, 'one request per batch and call, all keys in it');

      // An update pair; a key emptied (-D, state cleared); a retraction reaching an empty key is dropped.
      await h.feed(rows(s, ['-U', 'c', 1, 1, true, 0], ['+U', 'c', 3, 1, true, 0], ['-D', 'bc', 4, 1, false, 0], ['-D', 'bc', null, 1, true, 0]));
      assert.deepEqual(h.drain(), ['-U[c, 1, 1.0, 1, 0, 1.0, 1]', '+U[c, 1, 3.0, 3, 0, 3.0, 1]', '-D[bc, 2, 4.0, 4, 1, null, 2]']);
      assert.equal(h.state()!.stateSizes().find((t) => t.table === 'group-aggregate')!.entries, 2);
      await h.feed(rows(s, ['-D', 'bc', 100, 1, true, 0], ['+I', 'bc', 9, 3, true, 0]));
      assert.deepEqual(h.drain(), ['+I[bc, 1, 9.0, 9, 0, 9.0, 2]']);

      // Emptied and refilled within one batch: a fresh accumulator (a stale one would show the retraction of 100).
      await h.feed(rows(s, ['-D', 'c', 3, 1, true, 0], ['-D', 'c', 100, 1, true, 0], ['+I', 'c', 6, 1, true, 0]));
      assert.deepEqual(h.drain(), ['-U[c, 1, 3.0, 3, 0, 3.0, 1]', '+U[c, 1, 6.0, 6, 0, 6.0, 1]']);
      await h.close();
    });
  });
}

describe('group aggregation with UDAFs: languages and failures', () => {
  it('a TypeScript UDAF and a Python UDAF in one GROUP BY agree', async () => {
    const node = aggNode(s, [0], [udaf('weighted_avg', [1, 2]), udaf('tsWeightedAvg', [4, 2])]);
    const h = await aggHarness(node, 'hashmap', CONFIG);
    await h.feed(rows(s, ['+I', 'a', 1, 1, true, 1], ['+I', 'a', 4, 3, true, 4], ['+I', 'b', 2, 2, true, 2]));
    assert.deepEqual(h.drain(), ['+I[a, 3.25, 3.25]', '+I[b, 2.0, 2.0]']);
    await h.feed(rows(s, ['-D', 'a', 4, 3, true, 4]));
    assert.deepEqual(h.drain(), ['-U[a, 3.25, 3.25]', '+U[a, 1.0, 1.0]']);
    await h.close();
  });

  it('mini-batch: rows of several batches fold into one request and one change per key', async () => {
    const config = { ...CONFIG, 'table.exec.mini-batch.enabled': 'true', 'table.exec.mini-batch.size': '100', 'table.exec.mini-batch.allow-latency': '1 h' };
    const h = await aggHarness(aggNode(s, [0], [udaf('weighted_avg', [1, 2]), call(s, 'COUNT', [])]), 'hashmap', config);
    try {
      await h.feed(rows(s, ['+I', 'a', 2, 1, true, 0], ['+I', 'b', 1, 1, true, 0]));
      await h.feed(rows(s, ['+I', 'a', 4, 1, true, 0], ['-D', 'b', 1, 1, true, 0], ['+I', 'b', 7, 1, true, 0]));
      assert.deepEqual(h.drain(), []);
      await h.op.processWatermark!(0);
      assert.deepEqual(h.drain(), ['+I[a, 3.0, 2]', '+I[b, 7.0, 1]']);
      assert.equal((h.op as unknown as { ctx: { metrics: { snapshot(): Record<string, unknown> } } }).ctx.metrics.snapshot()['udf.weighted_avg.batches'], 1);
    } finally {
      await h.close();
    }
  });

  it('state written under one accumulator type is refused by an operator whose UDAF declares another', async () => {
    const h1 = await aggHarness(aggNode(s, [0], [udaf('weighted_avg', [1, 2])]), 'hashmap', CONFIG);
    await h1.feed(rows(s, ['+I', 'a', 2, 1, true, 0]));
    const snapshot = h1.state()!.snapshot(1);
    // The same call name, now backed by a function whose accumulator is ROW<n BIGINT>.
    const other: AggregateCall = { ...udaf('count_nulls', [1]), name: 'weighted_avg', udf: { ...fns.count_nulls, name: 'weighted_avg' } };
    const h2 = await aggHarness(aggNode(s, [0], [other]), 'hashmap', CONFIG);
    try {
      assert.throws(() => h2.state()!.restore([snapshot]), (e: Error & { code?: string }) => {
        assert.equal(e.code, 'RESTORE_FAILED');
        assert.match(e.message, /udaf\(weighted_avg:ROW<f0 BIGINT, f1 BIGINT>\)/);
        assert.match(e.message, /udaf\(weighted_avg:ROW<n BIGINT>\)/);
        return true;
      });
    } finally {
      snapshot.release();
      await h1.close();
      await h2.close();
    }
  });

  it('a Python exception fails the batch with the traceback, the function and the operator', async () => {
    const node = aggNode(s, [0], [udaf('fail_on_13', [1])]);
    const h = await aggHarness(node, 'hashmap', CONFIG);
    await h.feed(rows(s, ['+I', 'a', 1, 1, true, 0]));
    await assert.rejects(h.feed(rows(s, ['+I', 'b', 2, 1, true, 0], ['+I', 'a', 13, 1, true, 0])), (e: UdfError) => {
      assert.equal(e.code, 'UDF_ERROR');
      assert.equal(e.udf, 'fail_on_13');
      assert.match(e.traceback ?? '', /Traceback \(most recent call last\)[\s\S]*ValueError: unlucky value 13/);
      assert.equal(e.location.operator, 'GroupAggregate');
      assert.deepEqual(e.values, [13]);
      return true;
    });
    await h.close();
  });
});

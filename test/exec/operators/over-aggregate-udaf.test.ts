import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import '../../../src/exec/operators/over-aggregate-udaf.ts';
import type { AggregateCall } from '../../../src/plan/aggregate-call.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import type { FunctionDefinition } from '../../../src/udf/function-definition.ts';
import { closeInspectors } from '../../../src/udf/python/inspect.ts';
import { inspectUdafFixtures, udafCall } from '../../aggregate/udaf-fixtures.ts';
import { agg, overHarness, overNode } from './over-aggregate-harness.ts';

const CONFIG = { 'python.worker.pool-size': '1', 'ts.worker.pool-size': '1' };
const S = new Schema([
  { name: 'k', type: DataTypes.STRING() },
  { name: 'ts', type: DataTypes.TIMESTAMP(3), timeAttribute: 'rowtime' },
  { name: 'v', type: DataTypes.BIGINT() },
  { name: 'w', type: DataTypes.BIGINT() },
  { name: 'x', type: DataTypes.DOUBLE() },
]);

let fns: Record<string, FunctionDefinition>;
before(async () => {
  fns = await inspectUdafFixtures(['weighted_avg', 'mean_udaf']);
});
after(() => closeInspectors());

const udaf = (name: string, args: number[], alias = name): AggregateCall => udafCall(fns[name], args, { name: alias });

const batchesOf = (h: { op: unknown }, udf: string): unknown =>
  (h.op as { ctx: { metrics: { snapshot(): Record<string, unknown> } } }).ctx.metrics.snapshot()[`udf.${udf}.batches`];

describe('OVER aggregation with UDAFs', () => {
  it('bounded ROWS frame: general and pandas UDAFs over each row\'s frame, one request per watermark', async () => {
    const calls = [agg(S, 'SUM', [2], 's'), udaf('weighted_avg', [2, 3]), udaf('mean_udaf', [4])];
    const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: { unit: 'rows', preceding: 1 }, calls }), 'hashmap', CONFIG);
    try {
      await h.feed(['a', 1000, 2, 1, 2], ['b', 1000, 10, 1, 10], ['a', 2000, 4, 3, 4]);
      await h.watermark(2000);
      assert.deepEqual(h.drain(), ['a|1000|2|1|2|2|2|2', 'a|2000|4|3|4|6|3.5|3', 'b|1000|10|1|10|10|10|10']);
      await h.feed(['a', 3000, 6, 1, null]);
      await h.watermark(3000);
      assert.deepEqual(h.drain(), ['a|3000|6|1|null|10|4.5|4']);
      assert.deepEqual([batchesOf(h, 'weighted_avg'), batchesOf(h, 'mean_udaf')], [2, 2]);
    } finally {
      await h.close();
    }
  });

  it('unbounded frame: the partition accumulator is kept in state across watermarks; Python and TypeScript agree', async () => {
    const calls = [udaf('weighted_avg', [2, 3]), udaf('tsWeightedAvg', [4, 3], 'ts_wavg')];
    const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: { unit: 'range', precedingMs: null }, calls }), 'rocksdb', CONFIG);
    try {
      await h.feed(['a', 1000, 2, 1, 2], ['a', 1000, 4, 1, 4], ['b', 1500, 3, 2, 3]);
      await h.watermark(1500);
      // RANGE: the two rows at 1000 are peers, both see both.
      assert.deepEqual(h.drain(), ['a|1000|2|1|2|3|3', 'a|1000|4|1|4|3|3', 'b|1500|3|2|3|3|3']);
      await h.feed(['a', 2000, 9, 2, 9]);
      await h.watermark(2000);
      assert.deepEqual(h.drain(), ['a|2000|9|2|9|6|6']);
    } finally {
      await h.close();
    }
  });

  it('unbounded frame with many new rows per partition advances in rounds and matches a running computation', async () => {
    const calls = [udaf('weighted_avg', [2, 3])];
    const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: { unit: 'rows', preceding: null }, calls }), 'hashmap', CONFIG);
    try {
      const n = 150;
      const rows = Array.from({ length: n }, (_, i) => [i % 2 ? 'a' : 'b', 1000 + i, i, (i % 3) + 1, 0]);
      await h.feed(...rows);
      await h.watermark(1000 + n);
      const expected: string[] = [];
      for (const k of ['a', 'b']) {
        let sum = 0; let weight = 0;
        for (const r of rows.filter((x) => x[0] === k)) {
          sum += (r[2] as number) * (r[3] as number); weight += r[3] as number;
          expected.push(`${k}|${r[1]}|${r[2]}|${r[3]}|0|${sum / weight}`);
        }
      }
      assert.deepEqual(h.drain().sort(), expected.sort());
      assert.ok((batchesOf(h, 'weighted_avg') as number) > 1, 'large prefixes are split into rounds');
    } finally {
      await h.close();
    }
  });
});

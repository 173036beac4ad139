import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SlicingWindowAggregateOperator } from '../../../src/exec/operators/slicing-window-aggregate.ts';
import { WindowAggregateOperator } from '../../../src/exec/operators/window-aggregate.ts';
import type { AggregateCall } from '../../../src/plan/aggregate-call.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import type { FunctionDefinition } from '../../../src/udf/function-definition.ts';
import { closeInspectors } from '../../../src/udf/python/inspect.ts';
import { inspectUdafFixtures, udafCall } from '../../aggregate/udaf-fixtures.ts';
import { call } from '../../aggregate/helpers.ts';
import { MIN, at, stateEntries, windowAggNode, windowHarness } from './window-harness.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.BIGINT(), w: DataTypes.BIGINT(), x: DataTypes.DOUBLE(), ts: DataTypes.TIMESTAMP(3) });
const tumble10 = { kind: 'tumble', timeIndex: 4, sizeMs: 10 * MIN, offsetMs: 0 } as const;
const MAX = Number.MAX_SAFE_INTEGER;
const CONFIG = { 'python.worker.pool-size': '1', 'ts.worker.pool-size': '1' };
const short = (lines: string[]): string[] => lines.map((l) => l.replace(/1970-01-01T(\d\d:\d\d)(:\d\d\.\d+)?/g, (_, hm) => hm));

let fns: Record<string, FunctionDefinition>;
before(async () => {
  fns = await inspectUdafFixtures(['weighted_avg', 'mean_udaf', 'top2']);
});
after(() => closeInspectors());

const udaf = (name: string, args: number[], alias = name): AggregateCall => udafCall(fns[name], args, { name: alias });

// Accumulators and kept pandas rows through msgpack: test/udf/accumulator-state.test.ts; LMDB: group aggregation.
describe('window aggregation with UDAFs', () => {
  it('TUMBLE: general, pandas, TypeScript and built-in calls; every window of a firing in one request per UDAF', async () => {
    const aggs = [call(s, 'COUNT', [], { name: 'c' }), udaf('weighted_avg', [1, 2]), udaf('mean_udaf', [3]), udaf('tsWeightedAvg', [3, 2]), udaf('top2', [1])];
    const h = await windowHarness(windowAggNode(s, [0], tumble10, aggs), s, { config: CONFIG });
    try {
      await h.feed([['a', 1, 1, 1, at('00:01')], ['b', 4, 2, 4, at('00:02')], ['a', 3, 3, 3, at('00:12')]]);
      await h.feed([['a', 5, 1, null, at('00:05')], ['b', 2, null, 2, at('00:08')]]);
      await h.watermark(at('00:10') - 1);
      assert.deepEqual(short(h.drain()), [
        '+I[a, 00:00, 00:10, 00:09, 2, 3.0, 1.0, 1.0, [5, 1]]',
        '+I[b, 00:00, 00:10, 00:09, 2, 4.0, 3.0, 4.0, [4, 2]]',
      ]);
      await h.watermark(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:10, 00:20, 00:19, 1, 3.0, 3.0, 3.0, [3]]']);
      const m = (h.op as unknown as { ctx: { metrics: { snapshot(): Record<string, unknown> } } }).ctx.metrics.snapshot();
      // Two input batches, folded together at the first watermark (the window aggregation buffers its input until
      // a watermark), and two firings: one accumulate request plus two read-outs; pandas: one complete per firing.
      assert.equal(m['udf.weighted_avg.batches'], 3);
      assert.equal(m['udf.mean_udaf.batches'], 2);
      assert.equal(stateEntries(h), 0);
    } finally {
      await h.close();
    }
  });
});

describe('HOP window aggregation with UDAFs', () => {
  const hop = { kind: 'hop', timeIndex: 4, sizeMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 } as const;

  it('runs sliced when every UDAF has merge(): a window merges its slices, one merge request per firing', async () => {
    const aggs = [call(s, 'COUNT', [], { name: 'c' }), udaf('weighted_avg', [1, 2]), udaf('tsWeightedAvg', [3, 2])];
    const h = await windowHarness(windowAggNode(s, [0], hop, aggs), s, { config: CONFIG });
    try {
      assert.ok(h.op instanceof SlicingWindowAggregateOperator);
      await h.feed([['a', 1, 1, 1, at('00:01')], ['a', 4, 3, 4, at('00:06')], ['b', 2, 1, 2, at('00:07')]]);
      await h.watermark(MAX);
      assert.deepEqual(short(h.drain()), [
        '+I[a, 23:55, 00:05, 00:04, 1, 1.0, 1.0]',
        '+I[a, 00:00, 00:10, 00:09, 2, 3.25, 3.25]',
        '+I[b, 00:00, 00:10, 00:09, 1, 2.0, 2.0]',
        '+I[a, 00:05, 00:15, 00:14, 1, 4.0, 4.0]',
        '+I[b, 00:05, 00:15, 00:14, 1, 2.0, 2.0]',
      ].map((l) => l.replace('23:55', '1969-12-31T23:55')));
      const m = (h.op as unknown as { ctx: { metrics: { snapshot(): Record<string, unknown> } } }).ctx.metrics.snapshot();
      // One accumulate request (a row goes to its slice only), then one firing: a merge and a read-out.
      assert.equal(m['udf.weighted_avg.batches'], 3);
      assert.equal(stateEntries(h), 0);
    } finally {
      await h.close();
    }
  });

  it('keeps accumulators per window for a pandas UDAF (it needs each window\'s rows)', async () => {
    const aggs = [udaf('mean_udaf', [3]), call(s, 'SUM', [1], { name: 'sm' })];
    const h = await windowHarness(windowAggNode(s, [0], hop, aggs), s, { config: CONFIG });
    try {
      assert.ok(h.op instanceof WindowAggregateOperator);
      await h.feed([['a', 1, 1, 1, at('00:01')], ['a', 4, 3, 4, at('00:06')]]);
      await h.watermark(MAX);
      assert.deepEqual(short(h.drain()).slice(1), ['+I[a, 00:00, 00:10, 00:09, 2.5, 5]', '+I[a, 00:05, 00:15, 00:14, 4.0, 4]']);
    } finally {
      await h.close();
    }
  });
});

describe('SESSION window aggregation with UDAFs', () => {
  it('merges general UDAF accumulators (merge()) and pandas rows when a row bridges two sessions', async () => {
    const session = { kind: 'session', timeIndex: 4, gapMs: 5 * MIN, partitionKeys: [0] } as const;
    const aggs = [udaf('weighted_avg', [1, 2]), udaf('mean_udaf', [3]), call(s, 'SUM', [1], { name: 'sm' })];
    const h = await windowHarness(windowAggNode(s, [0], session, aggs), s, { config: CONFIG });
    try {
      await h.feed([['a', 2, 1, 2, at('00:00')], ['a', 6, 1, 6, at('00:08')]]);
      await h.feed([['a', 4, 2, 4, at('00:04')]]);
      await h.watermark(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:13, 00:12, 4.0, 4.0, 12]']);
    } finally {
      await h.close();
    }
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, call, rows } from '../../aggregate/helpers.ts';
import { MIN, at, stateEntries, windowAggNode, windowHarness } from './window-harness.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.INT(), ts: DataTypes.TIMESTAMP(3) });
const tumble10 = { kind: 'tumble', timeIndex: 2, sizeMs: 10 * MIN, offsetMs: 0 } as const;
const countSum = [call(s, 'COUNT', [], { name: 'c' }), call(s, 'SUM', [1], { name: 'sm' })];
const MAX = Number.MAX_SAFE_INTEGER;

/** `[a, 00:00, 00:10, c, sm]`-style summaries of output rows (window columns shortened to HH:MM). */
const short = (lines: string[]): string[] => lines.map((l) => l.replace(/1970-01-01T(\d\d:\d\d)(:\d\d\.\d+)?/g, (_, hm, frac) => (frac ? `${hm}${frac}` : hm)));

for (const backend of BACKENDS) {
  describe(`window aggregate TUMBLE (${backend})`, () => {
    it('fires each window once the watermark reaches window_end - 1, all keys of a firing in one batch', async () => {
      const h = await windowHarness(windowAggNode(s, [0], tumble10, countSum), s, { backend });
      // Out of order within the watermark: 00:12 arrives before 00:03.
      await h.feed([['a', 1, at('00:01')], ['a', 3, at('00:12')], ['b', 2, at('00:03')]]);
      await h.feed([['a', 4, at('00:09')]]);
      await h.watermark(at('00:09'));
      assert.deepEqual(h.drain(), []);
      await h.watermark(at('00:10') - 1);
      assert.equal(h.batches.length, 1);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:10, 00:09:59.999, 2, 5]', '+I[b, 00:00, 00:10, 00:09:59.999, 1, 2]']);
      await h.watermark(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:10, 00:20, 00:19:59.999, 1, 3]']);
      assert.equal(stateEntries(h), 0);
      await h.close();
    });

    it('reports rows whose window has fired as late and keeps counting the others', async () => {
      const h = await windowHarness(windowAggNode(s, [0], tumble10, countSum), s, { backend });
      await h.feed([['a', 1, at('00:01')]]);
      await h.watermark(at('00:10'));
      h.drain();
      await h.feed([['a', 5, at('00:05')], ['a', 6, at('00:15')], ['b', 7, at('00:09')]]);
      // Rows are buffered until the next watermark (or checkpoint), and judged against the one they arrived under.
      assert.deepEqual(h.late(), []);
      await h.op.prepareSnapshot!(1);
      assert.deepEqual(short(h.late()), ['+I[a, 5, 00:05]', '+I[b, 7, 00:09]']);
      await h.watermark(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:10, 00:20, 00:19:59.999, 1, 6]']);
      await h.close();
    });
  });
}

describe('window aggregate windows', () => {
  it('TUMBLE with an offset, and times before the epoch', async () => {
    const w = { kind: 'tumble', timeIndex: 2, sizeMs: 10 * MIN, offsetMs: 2 * MIN } as const;
    const h = await windowHarness(windowAggNode(s, [], w, countSum), s);
    await h.feed([['a', 1, at('00:01')], ['a', 2, at('00:02')], ['a', 3, at('00:11')], ['a', 4, at('00:12')], ['a', 8, -3 * MIN]]);
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()).sort(), [
      '+I[1969-12-31T23:52, 00:02, 00:01:59.999, 2, 9]',
      '+I[00:02, 00:12, 00:11:59.999, 2, 5]',
      '+I[00:12, 00:22, 00:21:59.999, 1, 4]',
    ].sort());
    await h.close();
  });

  it('HOP puts a row in every window containing it; a row late for one window still counts in the next', async () => {
    const hop = { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 } as const;
    const h = await windowHarness(windowAggNode(s, [0], hop, countSum), s);
    await h.feed([['a', 1, at('00:07')], ['a', 2, at('00:02')]]);
    await h.watermark(at('00:10') - 1);
    assert.deepEqual(short(h.drain()), ['+I[a, 23:55, 00:05, 00:04:59.999, 1, 2]'.replace('23:55', '1969-12-31T23:55'), '+I[a, 00:00, 00:10, 00:09:59.999, 2, 3]']);
    // 00:08 is late for [00:00, 00:10) but on time for [00:05, 00:15): not reported, counted there.
    await h.feed([['a', 4, at('00:08')]]);
    await h.watermark(at('00:10') - 1);
    assert.deepEqual(h.late(), []);
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()), ['+I[a, 00:05, 00:15, 00:14:59.999, 2, 5]']);
    await h.close();
  });

  it('HOP with a size that is not a multiple of the slide', async () => {
    const hop = { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 4 * MIN, offsetMs: 0 } as const;
    const h = await windowHarness(windowAggNode(s, [], hop, countSum), s);
    await h.feed([['a', 1, at('00:09')]]);
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()), ['+I[00:00, 00:10, 00:09:59.999, 1, 1]', '+I[00:04, 00:14, 00:13:59.999, 1, 1]', '+I[00:08, 00:18, 00:17:59.999, 1, 1]']);
    await h.close();
  });

  it('CUMULATE emits growing windows sharing a start', async () => {
    const cum = { kind: 'cumulate', timeIndex: 2, maxSizeMs: 15 * MIN, stepMs: 5 * MIN, offsetMs: 0 } as const;
    const h = await windowHarness(windowAggNode(s, [0], cum, countSum), s);
    await h.feed([['a', 1, at('00:03')], ['a', 2, at('00:12')], ['a', 4, at('00:16')]]);
    await h.watermark(at('00:10') - 1);
    assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:05, 00:04:59.999, 1, 1]', '+I[a, 00:00, 00:10, 00:09:59.999, 1, 1]']);
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:15, 00:14:59.999, 2, 3]', '+I[a, 00:15, 00:20, 00:19:59.999, 1, 4]',
      '+I[a, 00:15, 00:25, 00:24:59.999, 1, 4]', '+I[a, 00:15, 00:30, 00:29:59.999, 1, 4]']);
    await h.close();
  });
});

describe('window aggregate values', () => {
  it('NULL keys form their own group; NULL values are skipped by SUM and COUNT(v), FILTER and DISTINCT apply', async () => {
    const t = Schema.of({ k: DataTypes.STRING(), v: DataTypes.INT(), ts: DataTypes.TIMESTAMP(3), ok: DataTypes.BOOLEAN() });
    const aggs = [
      call(t, 'COUNT', [], { name: 'c' }), call(t, 'COUNT', [1], { name: 'cv' }), call(t, 'SUM', [1], { name: 'sm' }),
      call(t, 'SUM', [1], { name: 'sf', filter: 3 }), call(t, 'COUNT', [1], { name: 'cd', distinct: true }),
    ];
    const h = await windowHarness(windowAggNode(t, [0], { ...tumble10 }, aggs), t);
    await h.feed([[null, 1, at('00:01'), true], [null, null, at('00:02'), true], ['a', 2, at('00:03'), false], ['a', 2, at('00:04'), null], ['a', null, at('00:05'), true]]);
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()), ['+I[null, 00:00, 00:10, 00:09:59.999, 2, 1, 1, 1, 1]', '+I[a, 00:00, 00:10, 00:09:59.999, 3, 2, 4, null, 1]']);
    await h.close();
  });

  it('retractions undo rows of their window; a window whose rows were all retracted emits nothing', async () => {
    const h = await windowHarness(windowAggNode(s, [0], tumble10, countSum, { inputUpdates: true }), s);
    await h.feed(rows(s, ['+I', 'a', 1, at('00:01')], ['+I', 'a', 2, at('00:02')], ['+I', 'b', 5, at('00:03')]));
    await h.feed(rows(s, ['-U', 'a', 2, at('00:02')], ['+U', 'a', 7, at('00:02')], ['-D', 'b', 5, at('00:03')], ['-D', 'c', 1, at('00:04')]));
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:10, 00:09:59.999, 2, 8]']);
    await h.close();
  });

  it('a NULL time is an error naming the operator', async () => {
    const h = await windowHarness(windowAggNode(s, [0], tumble10, countSum), s);
    await assert.rejects(h.feed([['a', 1, null]]), /time attribute of a window is NULL .*WindowAggregate\(test\)/);
    await h.close();
  });
});

describe('window aggregate on processing time', () => {
  it('assigns rows by the clock, fires when the clock passes the window end, and fires the rest at end of input', async () => {
    const node = windowAggNode(s, [0], tumble10, countSum, { timeDomain: 'processing' });
    const h = await windowHarness(node, s, { clock: at('00:01') });
    await h.feed([['a', 1, null], ['b', 2, null]]);
    await h.clock(at('00:09'));
    await h.feed([['a', 3, null]]);
    await h.clock(at('00:10'));
    assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:10, 00:09:59.999, 2, 4]', '+I[b, 00:00, 00:10, 00:09:59.999, 1, 2]']);
    await h.feed([['a', 9, null]]);
    await h.watermark(MAX);
    assert.deepEqual(h.drain(), []);
    await h.end();
    assert.deepEqual(short(h.drain()), ['+I[a, 00:10, 00:20, 00:19:59.999, 1, 9]']);
    await h.close();
  });
});

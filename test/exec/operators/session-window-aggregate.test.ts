import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, call } from '../../aggregate/helpers.ts';
import { MIN, at, windowAggNode, windowHarness } from './window-harness.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.INT(), ts: DataTypes.TIMESTAMP(3) });
const session5 = { kind: 'session', timeIndex: 2, gapMs: 5 * MIN, partitionKeys: [0] } as const;
const aggs = [call(s, 'COUNT', [], { name: 'c' }), call(s, 'SUM', [1], { name: 'sm' }), call(s, 'MAX', [1], { name: 'mx' })];
const MAX = Number.MAX_SAFE_INTEGER;
const short = (lines: string[]): string[] => lines.map((l) => l.replace(/1970-01-01T(\d\d:\d\d)(:\d\d\.\d+)?/g, (_, hm, frac) => (frac ? `${hm}${frac}` : hm)));

for (const backend of BACKENDS) {
  describe(`session window aggregate (${backend})`, () => {
    it('rows less than a gap apart form one session per key; a session fires at its end - 1', async () => {
      const h = await windowHarness(windowAggNode(s, [0], session5, aggs), s, { backend });
      await h.feed([['a', 1, at('00:01')], ['a', 2, at('00:04')], ['b', 3, at('00:02')], ['a', 4, at('00:20')]]);
      await h.watermark(at('00:07'));
      assert.deepEqual(short(h.drain()), ['+I[b, 00:02, 00:07, 00:06:59.999, 1, 3, 3]']);
      await h.watermark(at('00:09') - 1);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:01, 00:09, 00:08:59.999, 2, 3, 2]']);
      await h.watermark(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:20, 00:25, 00:24:59.999, 1, 4, 4]']);
      assert.equal(h.state()!.stateSizes().find((t) => t.table === 'session-window-aggregate')!.entries, 0);
      await h.close();
    });

    it('a row arriving later bridges two pending sessions into one, moving the firing time', async () => {
      const h = await windowHarness(windowAggNode(s, [0], session5, aggs), s, { backend });
      await h.feed([['a', 1, at('00:00')], ['a', 2, at('00:10')]]);
      await h.feed([['a', 5, at('00:05')]]); // [00:05, 00:10) touches both [00:00, 00:05) and [00:10, 00:15)
      await h.watermark(at('00:05'));
      assert.deepEqual(h.drain(), []);
      await h.watermark(at('00:15') - 1);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:15, 00:14:59.999, 3, 8, 5]']);
      await h.close();
    });

    it('a new session that already ended is late; a late row that bridges into a pending session is taken', async () => {
      const h = await windowHarness(windowAggNode(s, [0], session5, aggs), s, { backend });
      await h.feed([['a', 1, at('00:20')]]);
      await h.watermark(at('00:18'));
      await h.feed([['a', 2, at('00:01')], ['a', 3, at('00:16')], ['b', 4, at('00:02')]]);
      assert.deepEqual(short(h.late()), ['+I[a, 2, 00:01]', '+I[b, 4, 00:02]']);
      await h.watermark(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 00:16, 00:25, 00:24:59.999, 2, 4, 3]']);
      await h.close();
    });
  });
}

describe('session window aggregate keys and time', () => {
  it('without keys all rows share the sessions; NULL keys are a key of their own', async () => {
    const global = windowAggNode(s, [], { ...session5, partitionKeys: [] }, aggs);
    const h = await windowHarness(global, s);
    await h.feed([['a', 1, at('00:00')], ['b', 2, at('00:03')], [null, null, at('00:30')]]);
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()), ['+I[00:00, 00:08, 00:07:59.999, 2, 3, 2]', '+I[00:30, 00:35, 00:34:59.999, 1, null, null]']);
    await h.close();
    const keyed = await windowHarness(windowAggNode(s, [0], session5, aggs), s);
    await keyed.feed([[null, 1, at('00:00')], [null, 2, at('00:04')], ['a', 3, at('00:01')]]);
    await keyed.watermark(MAX);
    assert.deepEqual(short(keyed.drain()), ['+I[a, 00:01, 00:06, 00:05:59.999, 1, 3, 3]', '+I[null, 00:00, 00:09, 00:08:59.999, 2, 3, 2]']);
    await keyed.close();
  });

  it('processing-time sessions close after a gap of wall-clock time', async () => {
    const h = await windowHarness(windowAggNode(s, [0], session5, aggs, { timeDomain: 'processing' }), s, { clock: at('00:00') });
    await h.feed([['a', 1, null]]);
    await h.clock(at('00:03'));
    await h.feed([['a', 2, null]]);
    await h.clock(at('00:07'));
    assert.deepEqual(h.drain(), []);
    await h.clock(at('00:08'));
    assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:08, 00:07:59.999, 2, 3, 2]']);
    await h.feed([['a', 9, null]]);
    await h.end();
    assert.deepEqual(short(h.drain()), ['+I[a, 00:08, 00:13, 00:12:59.999, 1, 9, 9]']);
    await h.close();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExpandNode } from '../../../src/plan/physical/physical-node.ts';
import { DataTypes, withNullable } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { rows } from '../../aggregate/helpers.ts';
import { MIN, at, windowHarness, windowTvfNode } from './window-harness.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.INT(), ts: DataTypes.TIMESTAMP(3) });
const short = (lines: string[]): string[] => lines.map((l) => l.replace(/1970-01-01T(\d\d:\d\d)(:\d\d\.\d+)?/g, (_, hm, frac) => (frac ? `${hm}${frac}` : hm)));

describe('window table function operator', () => {
  it('TUMBLE appends window_start, window_end and window_time; the time column stays a plain column', async () => {
    const node = windowTvfNode(s, { kind: 'tumble', timeIndex: 2, sizeMs: 10 * MIN, offsetMs: 0 });
    assert.deepEqual(node.outputSchema.map((c) => `${c.name}${c.timeAttribute ? `*${c.timeAttribute}*` : ''}`), ['k', 'v', 'ts', 'window_start', 'window_end', 'window_time*rowtime*']);
    const h = await windowHarness(node, s);
    await h.feed([['a', 1, at('00:01')], ['b', null, at('00:12')]]);
    assert.deepEqual(short(h.drain()), ['+I[a, 1, 00:01, 00:00, 00:10, 00:09:59.999]', '+I[b, null, 00:12, 00:10, 00:20, 00:19:59.999]']);
    await h.close();
  });

  it('HOP and CUMULATE repeat a row per window, keeping row kinds', async () => {
    const hop = await windowHarness(windowTvfNode(s, { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 }), s);
    await hop.feed(rows(s, ['+I', 'a', 1, at('00:07')], ['-D', 'b', 2, at('00:10')]));
    assert.deepEqual(short(hop.drain()), [
      '+I[a, 1, 00:07, 00:00, 00:10, 00:09:59.999]', '+I[a, 1, 00:07, 00:05, 00:15, 00:14:59.999]',
      '-D[b, 2, 00:10, 00:05, 00:15, 00:14:59.999]', '-D[b, 2, 00:10, 00:10, 00:20, 00:19:59.999]',
    ]);
    await hop.close();
    const cum = await windowHarness(windowTvfNode(s, { kind: 'cumulate', timeIndex: 2, maxSizeMs: 10 * MIN, stepMs: 5 * MIN, offsetMs: 0 }), s);
    await cum.feed([['a', 1, at('00:03')], ['a', 2, at('00:06')]]);
    assert.deepEqual(short(cum.drain()), [
      '+I[a, 1, 00:03, 00:00, 00:05, 00:04:59.999]', '+I[a, 1, 00:03, 00:00, 00:10, 00:09:59.999]', '+I[a, 2, 00:06, 00:00, 00:10, 00:09:59.999]',
    ]);
    await cum.close();
  });

  it('skips windows that have fired and reports rows without any window left', async () => {
    const h = await windowHarness(windowTvfNode(s, { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 }), s);
    await h.watermark(at('00:10') - 1);
    await h.feed([['a', 1, at('00:07')], ['b', 2, at('00:03')], ['c', 3, at('00:20')]]);
    assert.deepEqual(short(h.drain()), ['+I[a, 1, 00:07, 00:05, 00:15, 00:14:59.999]', '+I[c, 3, 00:20, 00:15, 00:25, 00:24:59.999]', '+I[c, 3, 00:20, 00:20, 00:30, 00:29:59.999]']);
    assert.deepEqual(short(h.late()), ['+I[b, 2, 00:03]']);
    await h.close();
  });

  it('processing time: every row gets the windows of the clock at arrival', async () => {
    const h = await windowHarness(windowTvfNode(s, { kind: 'tumble', timeIndex: 2, sizeMs: 10 * MIN, offsetMs: 0 }, 'processing'), s, { clock: at('00:13') });
    await h.feed([['a', 1, null]]);
    assert.deepEqual(short(h.drain()), ['+I[a, 1, null, 00:10, 00:20, 00:19:59.999]']);
    await h.close();
  });
});

describe('expand operator', () => {
  it('emits each row once per grouping set with the other keys NULL and the set id in $e', async () => {
    const t = Schema.of({ a: DataTypes.STRING(), b: DataTypes.INT(), v: DataTypes.INT() });
    const outputSchema = [
      { name: 'a', type: t.columns[0].type }, { name: 'b', type: withNullable(t.columns[1].type, true) }, { name: 'v', type: t.columns[2].type },
      { name: '$e', type: { kind: 'BIGINT', nullable: false } as const },
    ];
    const node: ExpandNode = { kind: 'expand', id: 'e', name: 'Expand', outputSchema, keys: [0, 1], sets: [[0, 1], [0], []] };
    const h = await windowHarness(node, t);
    await h.feed(rows(t, ['+I', 'x', 1, 10], ['-D', null, 2, 20]));
    assert.deepEqual(h.drain(), [
      '+I[x, 1, 10, 0]', '-D[null, 2, 20, 0]',
      '+I[x, null, 10, 1]', '-D[null, null, 20, 1]',
      '+I[null, null, 10, 3]', '-D[null, null, 20, 3]',
    ]);
    await h.close();
  });
});

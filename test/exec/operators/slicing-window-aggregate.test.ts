import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchFromRows } from '../../../src/batch/values/index.ts';
import { encodeKeys } from '../../../src/exec/operators/group-aggregate-keys.ts';
import { canSlice, SlicingWindowAggregateOperator } from '../../../src/exec/operators/slicing-window-aggregate.ts';
import { keySlicesSerializer } from '../../../src/exec/operators/window/key-slices.ts';
import { WindowAggregateOperator } from '../../../src/exec/operators/window-aggregate.ts';
import type { WindowAggregateNode } from '../../../src/plan/physical/physical-node.ts';
import type { WindowSpec } from '../../../src/plan/window-spec.ts';
import { hashRows } from '../../../src/state/row-hash.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, call, rows } from '../../aggregate/helpers.ts';
import { MIN, at, stateEntries, windowAggNode, windowHarness, type WindowHarness } from './window-harness.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.INT(), ts: DataTypes.TIMESTAMP(3), ok: DataTypes.BOOLEAN() });
const MAX = Number.MAX_SAFE_INTEGER;
const short = (lines: string[]): string[] => lines.map((l) => l.replace(/1970-01-01T(\d\d:\d\d)(:\d\d\.\d+)?/g, (_, hm, frac) => (frac ? `${hm}${frac}` : hm)));
const countSum = [call(s, 'COUNT', [], { name: 'c' }), call(s, 'SUM', [1], { name: 'sm' })];

/** Every built-in that merges: the calls the sliced and the per-window operators must agree on. */
function mergingCalls(retractable: boolean) {
  return [
    call(s, 'COUNT', [], { name: 'c' }), call(s, 'COUNT', [1], { name: 'cv' }), call(s, 'SUM', [1], { name: 'sm' }),
    call(s, 'MIN', [1], { name: 'mn' }), call(s, 'MAX', [1], { name: 'mx' }), call(s, 'AVG', [1], { name: 'av' }),
    call(s, 'SUM', [1], { name: 'sf', filter: 3 }), ...(retractable ? [] : [call(s, 'COUNT', [1], { name: 'cd', distinct: true })]),
  ];
}

/** A seeded xorshift generator in [0, 1). */
function random(seed: number): () => number {
  let x = seed | 1;
  return () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return (x >>> 0) / 4294967296; };
}

/**
 * Seeded input in rounds: rows of keys a..e (and NULL) at minutes 0..60, out of order, each round followed by a
 * watermark that makes some of the next round's rows late. With `retract`, later rounds retract (-D, or -U/+U)
 * some rows inserted before.
 */
function rounds(seed: number, retract: boolean): { batch: ReturnType<typeof rows>; watermark: number }[] {
  const r = random(seed);
  const inserted: unknown[][] = [];
  const out: { batch: ReturnType<typeof rows>; watermark: number }[] = [];
  let watermark = -1;
  for (let round = 0; round < 8; round++) {
    const input: [string, ...unknown[]][] = [];
    for (let i = 0; i < 25; i++) {
      const row = [r() < 0.1 ? null : 'abcde'[Math.floor(r() * 5)], r() < 0.1 ? null : Math.floor(r() * 40) - 10,
        Math.floor((round * 7 + r() * 26 - 18) * MIN + r() * 1000), r() < 0.2 ? null : r() < 0.5];
      input.push(['+I', ...row]);
      inserted.push(row);
    }
    if (retract) {
      for (let i = 0; i < 6; i++) {
        const victim = inserted.splice(Math.floor(r() * inserted.length), 1)[0];
        if (r() < 0.5) input.push(['-D', ...victim]);
        else input.push(['-U', ...victim], ['+U', victim[0], 99, victim[2], victim[3]]);
      }
    }
    watermark = Math.max(watermark, (round * 7 - 2) * MIN);
    out.push({ batch: rows(s, ...input), watermark });
  }
  return out;
}

/** The slice ends held in a key's state (read through the operator's state table). */
function sliceEndsOf(h: WindowHarness, key: string): number[] {
  const batch = batchFromRows(s, [[key, 0, 0, true]]);
  const keys = encodeKeys(batch.data, [0]);
  const state = h.state()!.declareValueState('window-key-slices', keySlicesSerializer(''));
  const [value] = state.getMany([keys.bytes.subarray(keys.offsets[0], keys.offsets[1])], hashRows(batch.data, [0]));
  return value?.[1].map((slice) => slice[0]) ?? [];
}

async function run(node: WindowAggregateNode, input: ReturnType<typeof rounds>, backend: string, perWindow: boolean): Promise<{ out: string[]; late: string[]; h: WindowHarness }> {
  const h = await windowHarness(node, s, { backend, operator: perWindow ? (n) => new WindowAggregateOperator(n as WindowAggregateNode) : undefined });
  const out: string[] = [];
  for (const { batch, watermark } of input) {
    await h.feed(batch);
    await h.watermark(watermark);
    out.push(...h.drain());
  }
  await h.watermark(MAX);
  out.push(...h.drain());
  return { out: out.sort(), late: h.late().sort(), h };
}

const WINDOWS: Record<string, WindowSpec> = {
  'HOP(4, 10, offset 1)': { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 4 * MIN, offsetMs: MIN },
  'HOP(2, 6)': { kind: 'hop', timeIndex: 2, sizeMs: 6 * MIN, slideMs: 2 * MIN, offsetMs: 0 },
  'CUMULATE(3, 12, offset -5)': { kind: 'cumulate', timeIndex: 2, maxSizeMs: 12 * MIN, stepMs: 3 * MIN, offsetMs: -5 * MIN },
  'TUMBLE(10, offset 3)': { kind: 'tumble', timeIndex: 2, sizeMs: 10 * MIN, offsetMs: 3 * MIN },
};

for (const backend of BACKENDS) {
  describe(`sliced window aggregation equals the per-window one (${backend})`, () => {
    for (const [name, window] of Object.entries(WINDOWS)) {
      for (const retract of [false, true]) {
        it(`${name}${retract ? ', with retractions' : ''}: same results and late rows, and no state left`, async () => {
          const node = windowAggNode(s, [0], window, mergingCalls(retract), { inputUpdates: retract });
          assert.ok(canSlice(node));
          for (const seed of [3, 11]) {
            const input = rounds(seed, retract);
            const sliced = await run(node, input, backend, false);
            const perWindow = await run(node, input, backend, true);
            assert.ok(sliced.h.op instanceof SlicingWindowAggregateOperator);
            assert.deepEqual(sliced.out, perWindow.out);
            assert.deepEqual(sliced.late, perWindow.late);
            assert.ok(sliced.out.length > 20 && sliced.late.length > 0, 'the input makes windows and late rows');
            assert.equal(stateEntries(sliced.h), 0);
            assert.equal(sliced.h.timers().size, 0);
            await sliced.h.close();
            await perWindow.h.close();
          }
        });
      }
    }
  });
}

describe('sliced window aggregation', () => {
  it('CUMULATE keeps a fired window as its last slice; a row for an already merged slice counts in the rest of the cycle', async () => {
    const cum = { kind: 'cumulate', timeIndex: 2, maxSizeMs: 20 * MIN, stepMs: 5 * MIN, offsetMs: 0 } as const;
    const h = await windowHarness(windowAggNode(s, [0], cum, countSum), s);
    await h.feed([['a', 1, at('00:01'), true], ['a', 2, at('00:06'), true], ['b', 7, at('00:02'), true]]);
    await h.watermark(at('00:10') - 1);
    assert.deepEqual(short(h.drain()), [
      '+I[a, 00:00, 00:05, 00:04:59.999, 1, 1]', '+I[b, 00:00, 00:05, 00:04:59.999, 1, 7]',
      '+I[a, 00:00, 00:10, 00:09:59.999, 2, 3]', '+I[b, 00:00, 00:10, 00:09:59.999, 1, 7]',
    ]);
    // The merge of [00:00, 00:10) is kept as the slice ending 00:10: one slice per key left, not two.
    assert.deepEqual(sliceEndsOf(h, 'a'), [at('00:10')]);
    // 00:03 is late for the windows ending 00:05 and 00:10, on time for 00:15 and 00:20: it joins the kept merge.
    await h.feed([['a', 4, at('00:03'), true], ['a', 8, at('00:12'), true]]);
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()), [
      '+I[a, 00:00, 00:15, 00:14:59.999, 4, 15]', '+I[b, 00:00, 00:15, 00:14:59.999, 1, 7]',
      '+I[a, 00:00, 00:20, 00:19:59.999, 4, 15]', '+I[b, 00:00, 00:20, 00:19:59.999, 1, 7]',
    ]);
    assert.deepEqual(h.late(), []);
    assert.equal(stateEntries(h), 0);
    await h.close();
  });

  it('drops a slice once its last window has fired, and timers are per key group, not per key', async () => {
    const hop = { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 } as const;
    const h = await windowHarness(windowAggNode(s, [0], hop, countSum), s);
    const keys = Array.from({ length: 300 }, (_, i) => `k${i}`);
    await h.feed(keys.map((k, i) => [k, i, at('00:01'), true]));
    await h.watermark(0);
    // 300 keys in one slice: two windows (ending 00:05 and 00:10) per key group, not per key.
    const groups = h.timers().size / 2;
    assert.ok(groups <= 128 && groups > 50, `${h.timers().size} timers`);
    const entries = stateEntries(h);
    assert.equal(entries, keys.length + groups);
    await h.feed(keys.slice(0, 10).map((k) => [k, 1, at('00:07'), true]));
    await h.watermark(at('00:05'));
    assert.equal(h.drain().length, keys.length);
    // The slice [00:00, 00:05) is still in the window ending 00:10.
    assert.ok(stateEntries(h) >= entries);
    await h.watermark(at('00:10'));
    assert.equal(h.drain().length, keys.length);
    // Only the 10 keys with rows in [00:05, 00:10), and that slice's index entries, are left.
    assert.ok(stateEntries(h) <= 10 + 10, `${stateEntries(h)} entries`);
    await h.watermark(MAX);
    assert.deepEqual(short(h.drain()).slice(0, 1), ['+I[k0, 00:05, 00:15, 00:14:59.999, 1, 1]']);
    assert.equal(stateEntries(h), 0);
    assert.equal(h.timers().size, 0);
    await h.close();
  });

  it('HOP on processing time: rows take the clock, windows fire when it passes their end, the rest at end of input', async () => {
    const hop = { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 } as const;
    const h = await windowHarness(windowAggNode(s, [0], hop, countSum, { timeDomain: 'processing' }), s, { clock: at('00:01') });
    await h.feed([['a', 1, null, true]]);
    await h.clock(at('00:06'));
    await h.feed([['a', 2, null, true], ['b', 3, null, true]]);
    assert.deepEqual(short(h.drain()), ['+I[a, 23:55, 00:05, 00:04:59.999, 1, 1]'.replace('23:55', '1969-12-31T23:55')]);
    await h.clock(at('00:10'));
    assert.deepEqual(short(h.drain()), ['+I[a, 00:00, 00:10, 00:09:59.999, 2, 3]', '+I[b, 00:00, 00:10, 00:09:59.999, 1, 3]']);
    await h.end();
    assert.deepEqual(short(h.drain()).sort(), ['+I[a, 00:05, 00:15, 00:14:59.999, 1, 2]', '+I[b, 00:05, 00:15, 00:14:59.999, 1, 3]']);
    assert.equal(stateEntries(h), 0);
    await h.close();
  });

  it('aggregates whose result depends on arrival order keep accumulators per HOP / CUMULATE window', () => {
    const hop = { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 } as const;
    const tumble = { kind: 'tumble', timeIndex: 2, sizeMs: 10 * MIN, offsetMs: 0 } as const;
    for (const fn of ['FIRST_VALUE', 'LAST_VALUE', 'LISTAGG']) {
      const calls = [call(s, fn, fn === 'LISTAGG' ? [0] : [1])];
      assert.equal(canSlice(windowAggNode(s, [0], hop, calls)), false, fn);
      assert.equal(canSlice(windowAggNode(s, [0], tumble, calls)), true, `${fn} over TUMBLE: one slice per window`);
    }
    assert.equal(canSlice(windowAggNode(s, [0], hop, mergingCalls(false))), true);
  });
});

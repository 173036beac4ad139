import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createWindowRankOperator } from '../../../src/exec/operators/window-rank.ts';
import type { SortKey } from '../../../src/plan/aggregate-call.ts';
import type { WindowRankNode } from '../../../src/plan/physical/physical-node.ts';
import { windowTvfSchema } from '../../../src/plan/window-schema.ts';
import { DataTypes, notNull } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, harness, inserts } from './join-harness.ts';

const MIN = 60_000;
const at = (m: number): number => m * MIN;
const MAX = Number.MAX_SAFE_INTEGER;
const base = new Schema([{ name: 'k', type: DataTypes.STRING() }, { name: 'price', type: DataTypes.INT() }, { name: 'ts', type: DataTypes.TIMESTAMP(3), timeAttribute: 'rowtime' }]);
const tumble10 = { kind: 'tumble', timeIndex: 2, sizeMs: 10 * MIN, offsetMs: 0 } as const;
/** k, price, ts, window_start, window_end, window_time: what TUMBLE(ts, 10 min) produces. */
const input = windowTvfSchema(base, tumble10, 'event');
const WINDOW = { start: 3, end: 4 };

/** A TUMBLE(10 min) output row for (k, price, minute). */
const row = (k: string | null, price: number | null, minute: number): unknown[] => {
  const start = Math.floor(minute / 10) * 10;
  return [k, price, at(minute), at(start), at(start + 10), at(start + 10) - 1];
};

function node(opts: { partition?: number[]; order?: SortKey[]; start?: number; end?: number; rn?: boolean; keep?: 'first' | 'last' | null } = {}): WindowRankNode {
  const rn = opts.rn ?? true;
  return {
    kind: 'window-rank', id: 'wr', name: 'WindowRank(test)', inputSchema: input.columns,
    outputSchema: [...input.columns, ...(rn ? [{ name: 'rn', type: notNull(DataTypes.BIGINT()) }] : [])],
    window: WINDOW, partitionKeys: opts.partition ?? [0], orderKeys: opts.order ?? [{ index: 1, ascending: false, nullsFirst: false }],
    rankStart: opts.start ?? 1, rankEnd: opts.end ?? 2, outputRankNumber: rn, keep: opts.keep ?? null,
  };
}

/** Printed rows with the window columns cut to minutes: `+I[a, 5, 3, 0, 10, rn]`. */
function short(lines: string[]): string[] {
  return lines.map((l) => l.replace(/1970-01-01T(\d\d):(\d\d)(:\d\d\.\d+)?/g, (_, h, m, frac) => (frac ? '~' : String(Number(h) * 60 + Number(m)))).replace(/, ~/, ''));
}

async function open(n: WindowRankNode, backend = 'hashmap') {
  return harness(createWindowRankOperator(n), backend, n.outputSchema);
}

for (const backend of BACKENDS) {
  describe(`window Top-N (${backend})`, () => {
    it('emits each window\'s top rows once, when the watermark reaches window_end - 1, and then forgets the window', async () => {
      const h = await open(node(), backend);
      // Out of order within the watermark; a later window (10..20) interleaved.
      await h.op.processBatch(inserts(input, row('a', 5, 3), row('a', 9, 12), row('b', 7, 1), row('a', 8, 8)), 0);
      await h.op.processBatch(inserts(input, row('a', 6, 2), row('b', 1, 9), row('a', 1, 11)), 0);
      await h.op.processWatermark!(at(9));
      assert.deepEqual(h.drain(), []);
      await h.op.processWatermark!(at(10) - 1);
      assert.deepEqual(short(h.drain()), ['+I[a, 8, 8, 0, 10, 1]', '+I[a, 6, 2, 0, 10, 2]', '+I[b, 7, 1, 0, 10, 1]', '+I[b, 1, 9, 0, 10, 2]']);
      // Only (a, 10..20) is left.
      assert.equal(h.state()!.stateSizes().find((t) => t.table === 'window-rank-rows')!.entries, 1);
      await h.op.processWatermark!(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 9, 12, 10, 20, 1]', '+I[a, 1, 11, 10, 20, 2]']);
      assert.equal(h.state()!.stateSizes().find((t) => t.table === 'window-rank-rows')!.entries, 0);
      await h.close();
    });

    it('reports rows of fired windows as late, and still ranks rows of open windows from the same batch', async () => {
      const h = await open(node({ end: 1 }), backend);
      await h.op.processBatch(inserts(input, row('a', 5, 3)), 0);
      await h.op.processWatermark!(at(10));
      h.drain();
      await h.op.processBatch(inserts(input, row('a', 99, 4), row('a', 2, 15), row('b', 3, 9)), 0);
      assert.deepEqual(h.time.late.map((l) => l.rows), [[0, 2]]);
      await h.op.processWatermark!(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 2, 15, 10, 20, 1]']);
      await h.close();
    });
  });
}

describe('window Top-N cases', () => {
  it('groups NULL partition keys together and places NULL order values as asked', async () => {
    const h = await open(node({ end: 3 }));
    await h.op.processBatch(inserts(input, row(null, 5, 1), row(null, null, 2), row(null, 7, 3), row('a', null, 4)), 0);
    await h.op.processWatermark!(MAX);
    assert.deepEqual(short(h.drain()), ['+I[null, 7, 3, 0, 10, 1]', '+I[null, 5, 1, 0, 10, 2]', '+I[null, null, 2, 0, 10, 3]', '+I[a, null, 4, 0, 10, 1]']);
    await h.close();
  });

  it('ranks globally without partition keys, emits a rank range without the row number, ties in arrival order', async () => {
    const h = await open(node({ partition: [], start: 2, end: 3, rn: false }));
    await h.op.processBatch(inserts(input, row('a', 5, 1), row('b', 9, 2), row('c', 5, 3)), 0);
    await h.op.processBatch(inserts(input, row('d', 1, 4), row('e', 5, 5)), 0);
    await h.op.processWatermark!(MAX);
    assert.deepEqual(short(h.drain()), ['+I[a, 5, 1, 0, 10]', '+I[c, 5, 3, 0, 10]']);
    await h.close();
  });

  it('orders by several keys (ASC then DESC)', async () => {
    const h = await open(node({ partition: [], order: [{ index: 1, ascending: true, nullsFirst: true }, { index: 0, ascending: false, nullsFirst: false }], end: 3 }));
    await h.op.processBatch(inserts(input, row('a', 5, 1), row('b', 5, 2), row('c', 4, 3), row('d', 6, 4)), 0);
    await h.op.processWatermark!(MAX);
    assert.deepEqual(short(h.drain()), ['+I[c, 4, 3, 0, 10, 1]', '+I[b, 5, 2, 0, 10, 2]', '+I[a, 5, 1, 0, 10, 3]']);
    await h.close();
  });
});

for (const backend of BACKENDS) {
  describe(`window deduplication (${backend})`, () => {
    const byTime = (ascending: boolean): SortKey[] => [{ index: 2, ascending, nullsFirst: ascending }];

    it('keeps the first row per key and window by the time attribute, whatever the arrival order', async () => {
      const h = await open(node({ order: byTime(true), end: 1, rn: false, keep: 'first' }), backend);
      await h.op.processBatch(inserts(input, row('a', 1, 5), row('a', 2, 3), row('b', 3, 7), row('a', 4, 13)), 0);
      await h.op.processBatch(inserts(input, row('a', 5, 3), row('a', 6, 1), row('b', 7, 8)), 0);
      await h.op.processWatermark!(at(10) - 1);
      // a: 1 (minute 1) wins; the tie at minute 3 does not matter. b: minute 7.
      assert.deepEqual(short(h.drain()).sort(), ['+I[a, 6, 1, 0, 10]', '+I[b, 3, 7, 0, 10]']);
      await h.op.processWatermark!(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 4, 13, 10, 20]']);
      assert.equal(h.state()!.stateSizes().find((t) => t.table === 'window-dedup-row')!.entries, 0);
      await h.close();
    });

    it('keeps the last row, ties going to the later arrival; late rows are reported', async () => {
      const h = await open(node({ order: byTime(false), end: 1, rn: false, keep: 'last' }), backend);
      await h.op.processBatch(inserts(input, row('a', 1, 5), row('a', 2, 8), row('a', 3, 8)), 0);
      await h.op.processBatch(inserts(input, row('a', 4, 8), row('a', 5, 6), row(null, 6, 2)), 0);
      await h.op.processWatermark!(at(10) - 1);
      assert.deepEqual(short(h.drain()).sort(), ['+I[a, 4, 8, 0, 10]', '+I[null, 6, 2, 0, 10]']);
      await h.op.processBatch(inserts(input, row('a', 7, 9), row('a', 8, 10)), 0);
      assert.deepEqual(h.time.late.map((l) => l.rows), [[0]]);
      await h.op.processWatermark!(MAX);
      assert.deepEqual(short(h.drain()), ['+I[a, 8, 10, 10, 20]']);
      await h.close();
    });
  });
}

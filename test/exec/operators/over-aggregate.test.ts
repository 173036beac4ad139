import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { OverWorkBuilder } from '../../../src/exec/operators/over-aggregate-frames.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS } from './join-harness.ts';
import { agg, overHarness, overNode } from './over-aggregate-harness.ts';

const S = new Schema([
  { name: 'k', type: DataTypes.STRING() },
  { name: 'ts', type: DataTypes.TIMESTAMP(3), timeAttribute: 'rowtime' },
  { name: 'v', type: DataTypes.INT() },
]);
const sum = agg(S, 'SUM', [2], 's');
const count = agg(S, 'COUNT', [], 'c');
const rows1 = { unit: 'rows', preceding: 1 } as const;

const byKey = (lines: string[], k: string): string[] => lines.filter((l) => l.startsWith(`${k}|`));

describe('OVER frames', () => {
  it('ROWS frames slide by row; RANGE frames include peers and rows within the interval', () => {
    const rows = (n: number) => Array.from({ length: n }, (_, i) => [i]);
    const r = new OverWorkBuilder({ unit: 'rows', preceding: 2 }, [DataTypes.INT()]);
    assert.equal(r.add({ history: rows(2), historyTimes: [1, 2], rows: rows(3), times: [3, 4, 5] }), 3);
    const w = r.build();
    assert.deepEqual([...w.frameStart], [0, 1, 2]);
    assert.deepEqual([...w.frameEnd], [3, 4, 5]);
    const g = new OverWorkBuilder({ unit: 'range', precedingMs: 10 }, [DataTypes.INT()]);
    assert.equal(g.add({ history: [], historyTimes: [], rows: rows(5), times: [0, 10, 10, 15, 30] }), 1);
    const x = g.build();
    assert.deepEqual([...x.frameStart], [0, 0, 0, 1, 4]);
    assert.deepEqual([...x.frameEnd], [1, 3, 3, 4, 5]);
    const u = new OverWorkBuilder({ unit: 'range', precedingMs: null }, [DataTypes.INT()]);
    assert.equal(u.add({ history: [], historyTimes: [], rows: rows(3), times: [1, 1, 2] }), 0, 'unbounded frames keep no rows');
    assert.deepEqual([...u.build().frameEnd], [2, 2, 3]);
  });
});

for (const backend of BACKENDS) {
  describe(`OVER aggregation, event time (${backend})`, () => {
    it('ROWS 1 PRECEDING: rows wait for the watermark and are emitted in time order, out-of-order input sorted', async () => {
      const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: rows1, calls: [sum, count] }), backend);
      await h.feed(['a', 3000, 3], ['a', 1000, 1], ['b', 2000, 20], ['a', 2000, 2]);
      assert.deepEqual(h.drain(), [], 'nothing before a watermark');
      await h.watermark(1500);
      assert.deepEqual(h.drain(), ['a|1000|1|1|1']);
      await h.watermark(3000);
      const out = h.drain();
      assert.deepEqual(byKey(out, 'a'), ['a|2000|2|3|2', 'a|3000|3|5|2']);
      assert.deepEqual(byKey(out, 'b'), ['b|2000|20|20|1']);
      assert.equal(h.batches(), 2, 'one output batch per watermark');
      await h.close();
    });

    it('late rows (at or before the last time emitted for their partition, or without a time) are reported, not emitted', async () => {
      const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: rows1, calls: [sum] }), backend);
      await h.feed(['a', 3000, 3], ['b', 2000, 20]);
      await h.watermark(3000);
      h.drain();
      await h.feed(['a', 2500, 9], ['a', 3000, 7], ['b', 2500, 5], ['c', 100, 1], ['a', null, 4], ['a', 4000, 4]);
      assert.deepEqual(h.late(), ['a|2500|9', 'a|3000|7', 'a|null|4']);
      await h.watermark(3500);
      assert.deepEqual(h.drain().sort(), ['b|2500|5|25', 'c|100|1|1'], 'rows behind the watermark but after their partition\'s last row still count');
      await h.watermark(5000);
      assert.deepEqual(h.drain(), ['a|4000|4|7']);
      await h.close();
    });

    it('RANGE 1 s PRECEDING: peers of equal time share one frame; rows leave the frame by time across firings', async () => {
      const range = { unit: 'range', precedingMs: 1000 } as const;
      const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: range, calls: [sum, count] }), backend);
      await h.feed(['a', 2000, 3], ['a', 1000, 1], ['a', 2000, 2]);
      await h.watermark(2000);
      assert.deepEqual(h.drain(), ['a|1000|1|1|1', 'a|2000|3|6|3', 'a|2000|2|6|3']);
      await h.feed(['a', 3500, 5], ['a', 3000, 4]);
      await h.watermark(4000);
      assert.deepEqual(h.drain(), ['a|3000|4|9|3', 'a|3500|5|9|2']);
      await h.feed(['a', 9000, 6]);
      await h.watermark(9000);
      assert.deepEqual(h.drain(), ['a|9000|6|6|1']);
      await h.close();
    });

    it('MIN/MAX over ROWS 2 PRECEDING retract correctly, within and across firings', async () => {
      const calls = [agg(S, 'MIN', [2], 'mn'), agg(S, 'MAX', [2], 'mx')];
      const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: { unit: 'rows', preceding: 2 }, calls }), backend);
      const values = [5, 1, 3, 2, 0, 4, 4, 7];
      await h.feed(...values.slice(0, 4).map((v, i) => ['a', (i + 1) * 1000, v]));
      await h.watermark(2500);
      await h.feed(...values.slice(4).map((v, i) => ['a', (i + 5) * 1000, v]));
      await h.watermark(100_000);
      assert.deepEqual(h.drain().map((l) => l.split('|').slice(2).join('|')), [
        '5|5|5', '1|1|5', '3|1|5', '2|1|3', '0|0|3', '4|0|4', '4|0|4', '7|4|7',
      ]);
      await h.close();
    });

    it('NULL arguments: SUM/MIN skip them, COUNT(v) does not count them, COUNT(*) does; FIRST/LAST_VALUE skip them', async () => {
      const calls = [agg(S, 'SUM', [2], 's'), agg(S, 'COUNT', [2], 'cv'), agg(S, 'COUNT', [], 'c'), agg(S, 'FIRST_VALUE', [2], 'f'), agg(S, 'LAST_VALUE', [2], 'l'), agg(S, 'AVG', [2], 'a')];
      const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: rows1, calls }), backend);
      await h.feed(['a', 1, 6], ['a', 2, null], ['a', 3, null], ['a', 4, 2]);
      await h.watermark(10);
      assert.deepEqual(h.drain(), ['a|1|6|6|1|1|6|6|6', 'a|2|null|6|1|2|6|6|6', 'a|3|null|null|0|2|null|null|null', 'a|4|2|2|1|2|2|2|2']);
      await h.close();
    });

    it('UNBOUNDED PRECEDING (ROWS and RANGE) keeps only accumulators; several partitions; NULL partition key', async () => {
      for (const frame of [{ unit: 'rows', preceding: null }, { unit: 'range', precedingMs: null }] as const) {
        const h = await overHarness(overNode(S, { partition: [0], order: 1, frame, calls: [sum] }), backend);
        await h.feed(['a', 1, 1], ['b', 1, 10], [null, 2, 100], ['a', 2, 2], ['a', 2, 3]);
        await h.watermark(5);
        await h.feed(['a', 6, 4], [null, 7, 200]);
        await h.watermark(10);
        const out = h.drain();
        const peers = frame.unit === 'range' ? ['a|2|2|6', 'a|2|3|6'] : ['a|2|2|3', 'a|2|3|6'];
        assert.deepEqual(byKey(out, 'a'), ['a|1|1|1', ...peers, 'a|6|4|10'], frame.unit);
        assert.deepEqual(byKey(out, 'b'), ['b|1|10|10']);
        assert.deepEqual(byKey(out, 'null'), ['null|2|100|100', 'null|7|200|300']);
        const sizes = h.state()!.stateSizes().find((t) => t.table === 'over-aggregate');
        assert.ok(sizes, 'state table exists');
        await h.close();
      }
    });

    it('a restore from a snapshot (keyed state and timers) continues pending rows, frames and lateness exactly', async () => {
      const calls = [agg(S, 'SUM', [2], 's'), agg(S, 'MAX', [2], 'mx'), agg(S, 'FIRST_VALUE', [2], 'f')];
      const node = overNode(S, { partition: [0], order: 1, frame: { unit: 'rows', preceding: 2 }, calls });
      const first = [['a', 1, 5], ['a', 2, 9], ['b', 1, 1], ['a', 5, 2], ['b', 7, 3]];
      const second = [['a', 2, 100], ['a', 6, 4], ['b', 6, 8]];
      const straight = await overHarness(node, backend);
      await straight.feed(...first);
      await straight.watermark(3);
      await straight.feed(...second);
      await straight.watermark(100);
      const expected = straight.drain();
      const late = straight.late();
      await straight.close();

      const before = await overHarness(node, backend);
      await before.feed(...first);
      await before.watermark(3);
      const emitted = before.drain();
      const snap = before.snapshot();
      await before.close();
      const after = await overHarness(node, 'hashmap');
      after.restore(snap);
      await after.feed(...second);
      await after.watermark(100);
      assert.deepEqual([...emitted, ...after.drain()], expected);
      assert.deepEqual(after.late(), late);
      assert.deepEqual(late, ['a|2|100']);
      await after.close();
    });

    it('no PARTITION BY: one global partition; DISTINCT and FILTER', async () => {
      const S2 = new Schema([...S.columns, { name: 'ok', type: DataTypes.BOOLEAN() }]);
      const calls = [agg(S2, 'COUNT', [2], 'd', null, true), agg(S2, 'SUM', [2], 'f', 3)];
      const h = await overHarness(overNode(S2, { partition: [], order: 1, frame: { unit: 'rows', preceding: 2 }, calls }), backend);
      await h.feed(['a', 1, 5, true], ['b', 2, 5, false], ['c', 3, 7, true], ['d', 4, 5, null], ['e', 5, 8, true]);
      await h.watermark(5);
      assert.deepEqual(h.drain(), ['a|1|5|true|1|5', 'b|2|5|false|1|5', 'c|3|7|true|2|12', 'd|4|5|null|2|7', 'e|5|8|true|3|15']);
      await h.close();
    });
  });
}

describe('OVER aggregation, processing time', () => {
  it('ROWS: every batch is emitted on arrival, frames continue across batches', async () => {
    const h = await overHarness(overNode(S, { partition: [0], order: 1, frame: rows1, calls: [sum], domain: 'processing' }));
    await h.feed(['a', 0, 1], ['b', 0, 10], ['a', 0, 2]);
    assert.deepEqual(h.drain().sort(), ['a|0|1|1', 'a|0|2|3', 'b|0|10|10']);
    await h.feed(['a', 0, 3]);
    assert.deepEqual(h.drain(), ['a|0|3|5']);
    await h.watermark(Number.MAX_SAFE_INTEGER);
    assert.deepEqual(h.drain(), [], 'watermarks do not matter');
    await h.close();
  });

  it('RANGE 1 s PRECEDING: a batch\'s rows are peers; earlier rows count while within the interval', async () => {
    const frame = { unit: 'range', precedingMs: 1000 } as const;
    const h = await overHarness(overNode(S, { partition: [0], order: 1, frame, calls: [sum], domain: 'processing' }));
    await h.feed(['a', 0, 1], ['a', 0, 2]);
    assert.deepEqual(h.drain(), ['a|0|1|3', 'a|0|2|3']);
    await h.time.clock.advanceTo(500);
    await h.feed(['a', 0, 3]);
    assert.deepEqual(h.drain(), ['a|0|3|6']);
    await h.time.clock.advanceTo(1400);
    await h.feed(['a', 0, 4]);
    assert.deepEqual(h.drain(), ['a|0|4|7']);
    await h.close();
  });

  it('RANGE UNBOUNDED is processed per row, as Flink does for processing time', async () => {
    const frame = { unit: 'range', precedingMs: null } as const;
    const h = await overHarness(overNode(S, { partition: [0], order: 1, frame, calls: [sum], domain: 'processing' }));
    await h.feed(['a', 0, 1], ['a', 0, 2]);
    assert.deepEqual(h.drain(), ['a|0|1|1', 'a|0|2|3']);
    await h.close();
  });
});

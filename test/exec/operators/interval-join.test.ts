import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IntervalJoinOperator } from '../../../src/exec/operators/interval-join.ts';
import { col } from '../../../src/expr/api.ts';
import { resolveExpression } from '../../../src/expr/index.ts';
import type { JoinType } from '../../../src/plan/logical/logical-node.ts';
import type { IntervalJoinNode } from '../../../src/plan/physical/physical-node.ts';
import { DataTypes, withNullable } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, harness, inserts, sorted } from './join-harness.ts';

const MIN = 60_000;
const at = (m: number): number => m * MIN;
const MAX = Number.MAX_SAFE_INTEGER;
const L = new Schema([{ name: 'id', type: DataTypes.INT() }, { name: 'lv', type: DataTypes.STRING() }, { name: 'lts', type: DataTypes.TIMESTAMP(3), timeAttribute: 'rowtime' }]);
const R = new Schema([{ name: 'rid', type: DataTypes.INT() }, { name: 'rv', type: DataTypes.STRING() }, { name: 'rts', type: DataTypes.TIMESTAMP(3), timeAttribute: 'rowtime' }]);
const LEFT = 0;
const RIGHT = 1;

interface Opts { lower?: number; upper?: number; condition?: 'lv<rv'; timeDomain?: 'event' | 'processing' }

/** Default bound: `l.lts BETWEEN r.rts - INTERVAL '4' MINUTE AND r.rts`. */
function node(joinType: JoinType, opts: Opts = {}): IntervalJoinNode {
  const nullL = joinType === 'right' || joinType === 'full';
  const nullR = joinType === 'left' || joinType === 'full';
  const outputSchema = [
    ...L.columns.map((c) => ({ name: c.name, type: withNullable(c.type, nullL || c.type.nullable) })),
    ...R.columns.map((c) => ({ name: c.name, type: withNullable(c.type, nullR || c.type.nullable) })),
  ];
  return {
    kind: 'interval-join', id: 'ij', name: `IntervalJoin(${joinType})`, outputSchema, leftSchema: L.columns, rightSchema: R.columns, joinType,
    timeDomain: opts.timeDomain ?? 'event', leftTimeIndex: 2, rightTimeIndex: 2, lowerBoundMs: opts.lower ?? -4 * MIN, upperBoundMs: opts.upper ?? 0,
    leftKeys: [0], rightKeys: [0],
    condition: opts.condition ? resolveExpression(col('lv').isLess(col('rv')).node, new Schema(outputSchema)) : null,
  };
}

/** `+I[1, a, 3, 1, x, 5]` with times as minutes. */
function short(lines: string[]): string[] {
  return lines.map((l) => l.replace(/1970-01-01T(\d\d):(\d\d)(:\d\d(\.\d+)?)?/g, (_, h, m) => String(Number(h) * 60 + Number(m))));
}

async function open(joinType: JoinType, backend = 'hashmap', opts: Opts = {}) {
  const n = node(joinType, opts);
  return harness(new IntervalJoinOperator(n), backend, n.outputSchema);
}

for (const backend of BACKENDS) {
  describe(`interval join (${backend})`, () => {
    it('inner: joins rows of the same key within the interval, whichever side comes first', async () => {
      const h = await open('inner', backend);
      await h.op.processBatch(inserts(L, [1, 'a', at(10)], [1, 'b', at(3)], [2, 'c', at(10)]), LEFT);
      // r=12 matches l in [8, 12]: a(10); r=5 matches [1, 5]: b(3).
      await h.op.processBatch(inserts(R, [1, 'x', at(12)], [1, 'y', at(5)], [1, 'z', at(20)]), RIGHT);
      assert.deepEqual(sorted(short(h.drain())), ['+I[1, a, 10, 1, x, 12]', '+I[1, b, 3, 1, y, 5]']);
      // l=18 matches r in [18, 22]: z(20).
      await h.op.processBatch(inserts(L, [1, 'd', at(18)], [1, 'e', at(25)]), LEFT);
      assert.deepEqual(short(h.drain()), ['+I[1, d, 18, 1, z, 20]']);
      await h.op.processWatermark!(MAX);
      assert.deepEqual(h.drain(), []);
      for (const t of h.state()!.stateSizes()) assert.equal(t.entries, 0, t.table);
      await h.close();
    });

    it('left outer: an unmatched left row is padded once no right row can match it any more (watermark >= l + 4 min)', async () => {
      const h = await open('left', backend);
      await h.op.processBatch(inserts(L, [1, 'a', at(10)], [1, 'b', at(11)]), LEFT);
      await h.op.processBatch(inserts(R, [1, 'x', at(11)]), RIGHT);
      assert.deepEqual(sorted(short(h.drain())), ['+I[1, a, 10, 1, x, 11]', '+I[1, b, 11, 1, x, 11]']);
      await h.op.processBatch(inserts(L, [1, 'c', at(12)]), LEFT);
      await h.op.processWatermark!(at(15));
      assert.deepEqual(h.drain(), []);
      await h.op.processWatermark!(at(16));
      assert.deepEqual(short(h.drain()), ['+I[1, c, 12, null, null, null]']);
      await h.close();
    });
  });
}

describe('interval join cases', () => {
  it('right outer: an unmatched right row is padded once the watermark reaches r + upper', async () => {
    const h = await open('right');
    await h.op.processBatch(inserts(R, [1, 'x', at(10)], [2, 'y', at(10)]), RIGHT);
    await h.op.processBatch(inserts(L, [1, 'a', at(7)]), LEFT);
    assert.deepEqual(short(h.drain()), ['+I[1, a, 7, 1, x, 10]']);
    await h.op.processWatermark!(at(9));
    assert.deepEqual(h.drain(), []);
    await h.op.processWatermark!(at(10));
    assert.deepEqual(short(h.drain()), ['+I[null, null, null, 2, y, 10]']);
    await h.close();
  });

  it('holds the emitted watermark back by the largest interval offset', async () => {
    const h = await open('inner');
    await h.op.processWatermark!(at(10));
    await h.op.processWatermark!(at(12));
    await h.op.processWatermark!(MAX);
    assert.deepEqual(h.time.watermarks, [at(6), at(8), MAX]);
    await h.close();
  });

  it('reports rows at or behind the watermark as late; NULL keys pad at once on an outer side and vanish on an inner one', async () => {
    const h = await open('full');
    await h.op.processWatermark!(at(10));
    await h.op.processBatch(inserts(L, [1, 'a', at(10)], [null, 'n', at(11)], [1, 'b', at(11)]), LEFT);
    assert.deepEqual(h.time.late.map((l) => l.rows), [[0]]);
    assert.deepEqual(short(h.drain()), ['+I[null, n, 11, null, null, null]']);
    await h.op.processBatch(inserts(R, [null, 'm', at(12)], [1, 'x', at(12)]), RIGHT);
    assert.deepEqual(sorted(short(h.drain())), ['+I[1, b, 11, 1, x, 12]', '+I[null, null, null, null, m, 12]']);
    await h.close();

    const inner = await open('inner');
    await inner.op.processBatch(inserts(L, [null, 'n', at(11)]), LEFT);
    await inner.op.processBatch(inserts(R, [null, 'm', at(12)]), RIGHT);
    await inner.op.processWatermark!(MAX);
    assert.deepEqual(inner.drain(), []);
    await inner.close();
  });

  it('evaluates the remaining condition per pair; outer rows count only condition-passing matches', async () => {
    const h = await open('full', 'hashmap', { condition: 'lv<rv' });
    await h.op.processBatch(inserts(L, [1, 'b', at(10)], [1, 'z', at(10)]), LEFT);
    await h.op.processBatch(inserts(R, [1, 'c', at(11)]), RIGHT);
    assert.deepEqual(short(h.drain()), ['+I[1, b, 10, 1, c, 11]']);
    await h.op.processWatermark!(MAX);
    assert.deepEqual(short(h.drain()), ['+I[1, z, 10, null, null, null]']);
    await h.close();
  });

  it('a positive interval (l BETWEEN r + 1 min AND r + 3 min): left rows that can no longer match are emitted at once', async () => {
    const h = await open('left', 'hashmap', { lower: MIN, upper: 3 * MIN });
    await h.op.processBatch(inserts(R, [1, 'x', at(10)]), RIGHT);
    await h.op.processWatermark!(at(12));
    // x (10) waits until the watermark reaches 13. a (13) needs r in [10, 12]: it matches x.
    await h.op.processBatch(inserts(L, [1, 'a', at(13)], [1, 'b', at(14)]), LEFT);
    assert.deepEqual(short(h.drain()), ['+I[1, a, 13, 1, x, 10]']);
    // b (14) needs r in [11, 13]: once the watermark is 13 no such row can come.
    await h.op.processWatermark!(at(13) - 1);
    assert.deepEqual(short(h.drain()), []);
    await h.op.processWatermark!(at(13));
    assert.deepEqual(short(h.drain()), ['+I[1, b, 14, null, null, null]']);
    await h.close();
  });

  it('processing time: rows take the arrival time, expire on the wall clock, and end of input pads the rest', async () => {
    const h = await open('left', 'hashmap', { timeDomain: 'processing', lower: -2 * MIN, upper: 0 });
    await h.time.clock.advanceTo(at(10));
    await h.op.processBatch(inserts(L, [1, 'a', 0], [2, 'b', 0]), LEFT);
    await h.time.clock.advanceTo(at(11));
    await h.op.processBatch(inserts(R, [1, 'x', 0]), RIGHT);
    assert.deepEqual(short(h.drain()), ['+I[1, a, 0, 1, x, 0]']);
    // b (arrived at 10) can match right rows until 12.
    await h.time.clock.advanceTo(at(12));
    assert.deepEqual(h.drain(), []);
    await h.time.clock.advanceTo(at(12) + 1);
    assert.deepEqual(short(h.drain()), ['+I[2, b, 0, null, null, null]']);
    await h.op.processBatch(inserts(L, [3, 'c', 0]), LEFT);
    await h.op.endInput!();
    assert.deepEqual(short(h.drain()), ['+I[3, c, 0, null, null, null]']);
    await h.close();
  });
});

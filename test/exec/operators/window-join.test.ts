import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { WindowJoinOperator } from '../../../src/exec/operators/window-join.ts';
import { col } from '../../../src/expr/api.ts';
import { resolveExpression } from '../../../src/expr/index.ts';
import type { JoinType } from '../../../src/plan/logical/logical-node.ts';
import type { WindowJoinNode } from '../../../src/plan/physical/physical-node.ts';
import { windowTvfSchema } from '../../../src/plan/window-schema.ts';
import { DataTypes, withNullable } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { WeirError } from '../../../src/errors/weir-error.ts';
import { BACKENDS, harness, inserts, rows, sorted } from './join-harness.ts';

const MIN = 60_000;
const at = (m: number): number => m * MIN;
const MAX = Number.MAX_SAFE_INTEGER;
const tumble10 = { kind: 'tumble', timeIndex: 2, sizeMs: 10 * MIN, offsetMs: 0 } as const;
const L = windowTvfSchema(new Schema([{ name: 'id', type: DataTypes.INT() }, { name: 'lv', type: DataTypes.STRING() }, { name: 'lts', type: DataTypes.TIMESTAMP(3), timeAttribute: 'rowtime' }]), tumble10, 'event');
const R = windowTvfSchema(new Schema([{ name: 'rid', type: DataTypes.INT() }, { name: 'rv', type: DataTypes.STRING() }, { name: 'rts', type: DataTypes.TIMESTAMP(3), timeAttribute: 'rowtime' }]), tumble10, 'event');
const LEFT = 0;
const RIGHT = 1;

const row = (id: number | null, v: string, minute: number): unknown[] => {
  const start = Math.floor(minute / 10) * 10;
  return [id, v, at(minute), at(start), at(start + 10), at(start + 10) - 1];
};

function node(joinType: JoinType, condition?: 'lv<rv'): WindowJoinNode {
  const nullL = joinType === 'right' || joinType === 'full';
  const nullR = joinType === 'left' || joinType === 'full';
  const outNames = [...L.names, ...R.names.map((n) => (L.names.includes(n) ? `${n}0` : n))];
  const outputSchema = [...L.columns.map((c) => ({ ...c, type: withNullable(c.type, nullL || c.type.nullable) })), ...R.columns.map((c) => ({ ...c, type: withNullable(c.type, nullR || c.type.nullable) }))]
    .map((c, i) => ({ name: outNames[i], type: c.type }));
  const joined = new Schema(outputSchema);
  return {
    kind: 'window-join', id: 'wj', name: `WindowJoin(${joinType})`, outputSchema, leftSchema: L.columns, rightSchema: R.columns, joinType,
    leftWindow: { start: 3, end: 4 }, rightWindow: { start: 3, end: 4 }, leftKeys: [0], rightKeys: [0],
    condition: condition ? resolveExpression(col('lv').isLess(col('rv')).node, joined) : null,
  };
}

/** `+I[1, a, 1, x, 3]`: ids, values and minutes of the two rows; NULL-padded sides print `null`. */
function short(lines: string[]): string[] {
  return lines.map((l) => {
    const f = l.slice(3, -1).split(', ');
    const minute = (s: string): string => (s === 'null' ? 'null' : String(Number(s.slice(11, 13)) * 60 + Number(s.slice(14, 16))));
    return `${l.slice(0, 3)}${[f[0], f[1], minute(f[2]), minute(f[3]), f[6], f[7], minute(f[8])].join(', ')}]`;
  });
}

async function open(joinType: JoinType, backend = 'hashmap', condition?: 'lv<rv') {
  const n = node(joinType, condition);
  return harness(new WindowJoinOperator(n), backend, n.outputSchema);
}

for (const backend of BACKENDS) {
  describe(`window join (${backend})`, () => {
    it('inner: joins each window\'s rows of a key once the window fires, in either arrival order, then forgets them', async () => {
      const h = await open('inner', backend);
      await h.op.processBatch(inserts(R, row(1, 'x', 4), row(2, 'y', 5), row(1, 'z', 12)), RIGHT);
      await h.op.processBatch(inserts(L, row(1, 'a', 3), row(1, 'b', 9), row(1, 'c', 11), row(3, 'd', 1)), LEFT);
      await h.op.processBatch(inserts(R, row(1, 'w', 8)), RIGHT);
      await h.op.processWatermark!(at(10) - 2);
      assert.deepEqual(h.drain(), []);
      await h.op.processWatermark!(at(10) - 1);
      assert.deepEqual(sorted(short(h.drain())), ['+I[1, a, 3, 0, 1, w, 8]', '+I[1, a, 3, 0, 1, x, 4]', '+I[1, b, 9, 0, 1, w, 8]', '+I[1, b, 9, 0, 1, x, 4]']);
      await h.op.processWatermark!(MAX);
      assert.deepEqual(short(h.drain()), ['+I[1, c, 11, 10, 1, z, 12]']);
      for (const t of h.state()!.stateSizes()) assert.equal(t.entries, 0, t.table);
      await h.close();
    });

    it('full outer: pads unmatched rows of both sides when the window fires; NULL keys never match', async () => {
      const h = await open('full', backend);
      await h.op.processBatch(inserts(L, row(1, 'a', 3), row(2, 'b', 4), row(null, 'n', 5)), LEFT);
      await h.op.processBatch(inserts(R, row(1, 'x', 4), row(3, 'y', 6), row(null, 'm', 5), row(2, 'z', 14)), RIGHT);
      await h.op.processWatermark!(MAX);
      assert.deepEqual(sorted(short(h.drain())), sorted([
        '+I[1, a, 3, 0, 1, x, 4]',
        '+I[2, b, 4, 0, null, null, null]',
        '+I[null, n, 5, 0, null, null, null]',
        '+I[null, null, null, null, 3, y, 6]',
        '+I[null, null, null, null, null, m, 5]',
        '+I[null, null, null, null, 2, z, 14]',
      ]));
      await h.close();
    });
  });
}

describe('window join cases', () => {
  it('left and right outer with a remaining ON condition decide matches per pair', async () => {
    for (const [type, expected] of [
      ['left', ['+I[1, a, 1, 0, 1, b, 2]', '+I[1, c, 3, 0, null, null, null]']],
      ['right', ['+I[1, a, 1, 0, 1, b, 2]', '+I[null, null, null, null, 1, a, 4]']],
      ['inner', ['+I[1, a, 1, 0, 1, b, 2]']],
    ] as const) {
      const h = await open(type, 'hashmap', 'lv<rv');
      await h.op.processBatch(inserts(L, row(1, 'a', 1), row(1, 'c', 3)), LEFT);
      await h.op.processBatch(inserts(R, row(1, 'b', 2), row(1, 'a', 4)), RIGHT);
      await h.op.processWatermark!(MAX);
      assert.deepEqual(sorted(short(h.drain())), sorted(expected), type);
      await h.close();
    }
  });

  it('refuses a retraction (its input must be append-only)', async () => {
    const h = await open('inner');
    await assert.rejects(h.op.processBatch(rows(L, ['+I', ...row(1, 'a', 1)], ['-D', ...row(1, 'a', 1)]), LEFT), (e: WeirError) => e.code === 'INTERNAL' && /received a -D row/.test(e.message));
    await h.close();
  });

  it('reports rows of fired windows late on either side', async () => {
    const h = await open('left');
    await h.op.processBatch(inserts(L, row(1, 'a', 1)), LEFT);
    await h.op.processWatermark!(at(10));
    assert.deepEqual(short(h.drain()), ['+I[1, a, 1, 0, null, null, null]']);
    await h.op.processBatch(inserts(R, row(1, 'x', 2), row(1, 'y', 11)), RIGHT);
    await h.op.processBatch(inserts(L, row(1, 'b', 9), row(1, 'c', 15)), LEFT);
    assert.deepEqual(h.time.late.map((l) => l.rows), [[0], [0]]);
    await h.op.processWatermark!(MAX);
    assert.deepEqual(short(h.drain()), ['+I[1, c, 15, 10, 1, y, 11]']);
    await h.close();
  });
});

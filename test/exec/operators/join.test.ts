import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JoinOperator } from '../../../src/exec/operators/join.ts';
import { col } from '../../../src/expr/api.ts';
import { resolveExpression } from '../../../src/expr/index.ts';
import type { JoinType } from '../../../src/plan/logical/logical-node.ts';
import type { JoinNode } from '../../../src/plan/physical/physical-node.ts';
import { DataTypes, withNullable } from '../../../src/types/data-type.ts';
import { Schema, type Column } from '../../../src/types/schema.ts';
import { WeirError } from '../../../src/errors/weir-error.ts';
import { BACKENDS, harness, inserts, rows, sorted } from './join-harness.ts';

const L = new Schema([{ name: 'id', type: DataTypes.INT() }, { name: 'lk', type: DataTypes.INT() }, { name: 'lv', type: DataTypes.STRING() }]);
const R = new Schema([{ name: 'rk', type: DataTypes.INT() }, { name: 'rv', type: DataTypes.STRING() }]);
const LEFT = 0;
const RIGHT = 1;

function node(joinType: JoinType, opts: { condition?: string; keys?: boolean } = {}): JoinNode {
  const nullableLeft = joinType === 'right' || joinType === 'full';
  const nullableRight = joinType === 'left' || joinType === 'full';
  const outputSchema: Column[] = [
    ...L.columns.map((c) => ({ name: c.name, type: withNullable(c.type, nullableLeft || c.type.nullable) })),
    ...R.columns.map((c) => ({ name: c.name, type: withNullable(c.type, nullableRight || c.type.nullable) })),
  ];
  const joined = new Schema([...L.columns, ...R.columns]);
  const condition = opts.condition === 'lv<rv' ? resolveExpression(col('lv').isLess(col('rv')).node, joined) : null;
  const keyed = opts.keys ?? true;
  return {
    kind: 'join', id: 'j', name: `Join(${joinType})`, outputSchema, leftSchema: L.columns, rightSchema: R.columns, joinType,
    leftKeys: keyed ? [1] : [], rightKeys: keyed ? [0] : [], condition, leftUpdates: true, rightUpdates: true,
  };
}

async function open(joinType: JoinType, backend: string, opts: { condition?: string; keys?: boolean } = {}) {
  const n = node(joinType, opts);
  return harness(new JoinOperator(n), backend, n.outputSchema);
}

for (const backend of BACKENDS) {
  describe(`regular join (${backend})`, () => {
    it('inner join: left first, then right, and right first, then left', async () => {
      const h = await open('inner', backend);
      await h.op.processBatch(inserts(L, [1, 10, 'a'], [2, 20, 'b']), LEFT);
      assert.deepEqual(h.drain(), []);
      await h.op.processBatch(inserts(R, [10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['+I[1, 10, a, 10, x]']);
      await h.op.processBatch(inserts(R, [30, 'z']), RIGHT);
      await h.op.processBatch(inserts(L, [3, 30, 'c'], [4, 10, 'd']), LEFT);
      assert.deepEqual(h.drain(), ['+I[3, 30, c, 30, z]', '+I[4, 10, d, 10, x]']);
      await h.close();
    });

    it('inner join keeps the input kind (+U/-U/-D) and retracts matched rows', async () => {
      const h = await open('inner', backend);
      await h.op.processBatch(inserts(R, [10, 'x'], [10, 'y']), RIGHT);
      await h.op.processBatch(inserts(L, [1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['+I[1, 10, a, 10, x]', '+I[1, 10, a, 10, y]']);
      await h.op.processBatch(rows(L, ['-U', 1, 10, 'a'], ['+U', 1, 10, 'b']), LEFT);
      assert.deepEqual(h.drain(), ['-U[1, 10, a, 10, x]', '-U[1, 10, a, 10, y]', '+U[1, 10, b, 10, x]', '+U[1, 10, b, 10, y]']);
      await h.op.processBatch(rows(R, ['-D', 10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['-D[1, 10, b, 10, x]']);
      await h.op.processBatch(rows(L, ['-D', 1, 10, 'b']), LEFT);
      assert.deepEqual(h.drain(), ['-D[1, 10, b, 10, y]']);
      // State is empty for the left side now: a new right row matches nothing.
      await h.op.processBatch(inserts(R, [10, 'w']), RIGHT);
      assert.deepEqual(h.drain(), []);
      await h.close();
    });

    it('left join: padded row, then on a late match -D padded / +I joined, and back on retraction', async () => {
      const h = await open('left', backend);
      await h.op.processBatch(inserts(L, [1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['+I[1, 10, a, null, null]']);
      await h.op.processBatch(inserts(R, [10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, null, null]', '+I[1, 10, a, 10, x]']);
      await h.op.processBatch(inserts(R, [10, 'y']), RIGHT);
      assert.deepEqual(h.drain(), ['+I[1, 10, a, 10, y]']);
      await h.op.processBatch(rows(R, ['-D', 10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, 10, x]']);
      await h.op.processBatch(rows(R, ['-U', 10, 'y']), RIGHT);
      assert.deepEqual(h.drain(), ['-U[1, 10, a, 10, y]', '+I[1, 10, a, null, null]']);
      await h.op.processBatch(rows(L, ['-D', 1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, null, null]']);
      await h.close();
    });

    it('left join: outer row arriving after its match joins directly; its retraction is -D', async () => {
      const h = await open('left', backend);
      await h.op.processBatch(inserts(R, [10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), []);
      await h.op.processBatch(rows(L, ['+U', 1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['+I[1, 10, a, 10, x]']);
      await h.op.processBatch(rows(L, ['-U', 1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, 10, x]']);
      await h.close();
    });

    it('right join mirrors left join', async () => {
      const h = await open('right', backend);
      await h.op.processBatch(inserts(R, [10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['+I[null, null, null, 10, x]']);
      await h.op.processBatch(inserts(L, [1, 10, 'a'], [2, 10, 'b']), LEFT);
      assert.deepEqual(h.drain(), ['-D[null, null, null, 10, x]', '+I[1, 10, a, 10, x]', '+I[2, 10, b, 10, x]']);
      await h.op.processBatch(rows(L, ['-D', 1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, 10, x]']);
      await h.op.processBatch(rows(L, ['-D', 2, 10, 'b']), LEFT);
      assert.deepEqual(h.drain(), ['-D[2, 10, b, 10, x]', '+I[null, null, null, 10, x]']);
      await h.close();
    });

    it('full join pads both sides and swaps padded rows for joined ones', async () => {
      const h = await open('full', backend);
      await h.op.processBatch(inserts(L, [1, 10, 'a']), LEFT);
      await h.op.processBatch(inserts(R, [20, 'y']), RIGHT);
      assert.deepEqual(h.drain(), ['+I[1, 10, a, null, null]', '+I[null, null, null, 20, y]']);
      await h.op.processBatch(inserts(R, [10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, null, null]', '+I[1, 10, a, 10, x]']);
      await h.op.processBatch(inserts(L, [2, 20, 'b']), LEFT);
      assert.deepEqual(h.drain(), ['-D[null, null, null, 20, y]', '+I[2, 20, b, 20, y]']);
      await h.op.processBatch(rows(L, ['-D', 1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, 10, x]', '+I[null, null, null, 10, x]']);
      await h.op.processBatch(rows(R, ['-D', 20, 'y']), RIGHT);
      assert.deepEqual(h.drain(), ['-D[2, 20, b, 20, y]', '+I[2, 20, b, null, null]']);
      await h.close();
    });

    it('duplicate rows: multiplicity on both sides', async () => {
      const h = await open('full', backend);
      await h.op.processBatch(inserts(R, [10, 'x'], [10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['+I[null, null, null, 10, x]', '+I[null, null, null, 10, x]']);
      await h.op.processBatch(inserts(L, [1, 10, 'a'], [1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), [
        '-D[null, null, null, 10, x]', '-D[null, null, null, 10, x]', '+I[1, 10, a, 10, x]', '+I[1, 10, a, 10, x]',
        '+I[1, 10, a, 10, x]', '+I[1, 10, a, 10, x]',
      ]);
      await h.op.processBatch(rows(L, ['-D', 1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, 10, x]', '-D[1, 10, a, 10, x]']);
      await h.op.processBatch(rows(L, ['-D', 1, 10, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['-D[1, 10, a, 10, x]', '-D[1, 10, a, 10, x]', '+I[null, null, null, 10, x]', '+I[null, null, null, 10, x]']);
      await h.op.processBatch(rows(R, ['-D', 10, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['-D[null, null, null, 10, x]']);
      await h.close();
    });

    it('non-equi condition filters matches, and outer rows stay padded when it fails', async () => {
      const h = await open('left', backend, { condition: 'lv<rv' });
      await h.op.processBatch(inserts(R, [10, 'm']), RIGHT);
      await h.op.processBatch(inserts(L, [1, 10, 'a'], [2, 10, 'z'], [3, 10, null]), LEFT);
      assert.deepEqual(h.drain(), ['+I[1, 10, a, 10, m]', '+I[2, 10, z, null, null]', '+I[3, 10, null, null, null]']);
      await h.op.processBatch(inserts(R, [10, 'zz']), RIGHT);
      // Flink's order: first the padded rows that get their first match are retracted, then the joined rows.
      assert.deepEqual(h.drain(), ['-D[2, 10, z, null, null]', '+I[1, 10, a, 10, zz]', '+I[2, 10, z, 10, zz]']);
      await h.close();
    });

    it('condition only (no equi keys): every pair is a candidate', async () => {
      const h = await open('inner', backend, { condition: 'lv<rv', keys: false });
      await h.op.processBatch(inserts(L, [1, 10, 'a'], [2, 20, 'k']), LEFT);
      await h.op.processBatch(inserts(R, [99, 'c'], [98, 'z']), RIGHT);
      assert.deepEqual(sorted(h.drain()), sorted(['+I[1, 10, a, 99, c]', '+I[1, 10, a, 98, z]', '+I[2, 20, k, 98, z]']));
      await h.close();
    });

    it('NULL keys never match; outer rows with NULL keys are padded and retracted', async () => {
      const h = await open('full', backend);
      await h.op.processBatch(inserts(L, [1, null, 'a']), LEFT);
      await h.op.processBatch(inserts(R, [null, 'x']), RIGHT);
      assert.deepEqual(h.drain(), ['+I[1, null, a, null, null]', '+I[null, null, null, null, x]']);
      await h.op.processBatch(rows(L, ['-D', 1, null, 'a']), LEFT);
      assert.deepEqual(h.drain(), ['-D[1, null, a, null, null]']);
      await h.close();
      const inner = await open('inner', backend);
      await inner.op.processBatch(inserts(L, [1, null, 'a']), LEFT);
      await inner.op.processBatch(inserts(R, [null, 'x']), RIGHT);
      assert.deepEqual(inner.drain(), []);
      await inner.close();
    });
  });
}

describe('regular join on composite keys', () => {
  it('matches on STRING + DECIMAL + TIMESTAMP(9) keys exactly (sub-millisecond digits included)', async () => {
    const A = new Schema([{ name: 's', type: DataTypes.STRING() }, { name: 'd', type: DataTypes.DECIMAL(10, 2) }, { name: 't', type: DataTypes.TIMESTAMP(9) }]);
    const B = new Schema([{ name: 's2', type: DataTypes.STRING() }, { name: 'd2', type: DataTypes.DECIMAL(10, 2) }, { name: 't2', type: DataTypes.TIMESTAMP(9) }]);
    const n: JoinNode = {
      kind: 'join', id: 'j', name: 'Join', outputSchema: [...A.columns, ...B.columns], leftSchema: A.columns, rightSchema: B.columns,
      joinType: 'inner', leftKeys: [0, 1, 2], rightKeys: [0, 1, 2], condition: null, leftUpdates: false, rightUpdates: false,
    };
    for (const backend of BACKENDS) {
      const h = await harness(new JoinOperator(n), backend, n.outputSchema);
      await h.op.processBatch(inserts(A, ['é', '1.50', '2024-01-01 00:00:00.000000001'], ['é', '1.50', '2024-01-01 00:00:00.000000002'], ['e', '1.50', '2024-01-01 00:00:00.000000001']), LEFT);
      await h.op.processBatch(inserts(B, ['é', '1.5', '2024-01-01 00:00:00.000000001']), RIGHT);
      assert.deepEqual(h.drain(), ['+I[é, 1.50, 2024-01-01T00:00:00.000000001, é, 1.50, 2024-01-01T00:00:00.000000001]']);
      await h.close();
    }
  });
});

describe('regular join plan checks', () => {
  it('refuses join keys of different types (the planner must cast)', () => {
    const n = node('inner');
    const bad: JoinNode = { ...n, rightSchema: [{ name: 'rk', type: DataTypes.BIGINT() }, R.columns[1]] };
    assert.throws(() => new JoinOperator(bad), (e: WeirError) => e instanceof WeirError && /same type/.test(e.hint ?? ''));
  });
});

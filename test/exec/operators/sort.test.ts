import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SortOperator } from '../../../src/exec/operators/sort.ts';
import type { SortKey } from '../../../src/plan/aggregate-call.ts';
import type { SortNode } from '../../../src/plan/physical/physical-node.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { harness, inserts, rows } from './join-harness.ts';

const S = new Schema([
  { name: 'name', type: DataTypes.STRING() }, { name: 'score', type: DataTypes.DOUBLE() },
  { name: 'amount', type: DataTypes.DECIMAL(10, 2) }, { name: 'ts', type: DataTypes.TIMESTAMP(6) },
]);
const key = (index: number, ascending = true, nullsFirst = ascending): SortKey => ({ index, ascending, nullsFirst });

function node(keys: SortKey[], offset = 0, fetch: number | null = null): SortNode {
  return { kind: 'sort', id: 's', name: 'Sort', outputSchema: S.columns, keys, offset, fetch };
}

async function run(n: SortNode, ...batches: ReturnType<typeof inserts>[]): Promise<string[]> {
  const h = await harness(new SortOperator(n), 'hashmap', S.columns);
  for (const b of batches) await h.op.processBatch(b, 0);
  assert.deepEqual(h.drain(), [], 'nothing is emitted before the input ends');
  await h.op.endInput!();
  assert.ok(h.out.every((b) => b.isInsertOnly));
  const out = h.drain();
  await h.close();
  return out;
}

const data = () => [
  inserts(S, ['b', 2.5, '1.50', '2024-01-01 00:00:00.000001'], ['a', null, '3.00', null], ['c', 2.5, null, '2024-01-01 00:00:00.000003']),
  inserts(S, [null, 1, '0.10', '2023-12-31 23:59:59.999999'], ['d', -1, '-2.00', '2024-01-01 00:00:00.000002']),
];

describe('sort operator', () => {
  it('ASC NULLS FIRST and DESC NULLS LAST on doubles, exact decimals and micro timestamps', async () => {
    assert.deepEqual((await run(node([key(1)]), ...data())).map((r) => r.split(',')[0]), ['+I[a', '+I[d', '+I[null', '+I[b', '+I[c']);
    assert.deepEqual((await run(node([key(2, false)]), ...data())).map((r) => r.split(',')[2].trim()), ['3.00', '1.50', '0.10', '-2.00', 'null']);
    assert.deepEqual((await run(node([key(3)]), ...data())), [
      '+I[a, null, 3.00, null]', '+I[null, 1.0, 0.10, 2023-12-31T23:59:59.999999]', '+I[b, 2.5, 1.50, 2024-01-01T00:00:00.000001]',
      '+I[d, -1.0, -2.00, 2024-01-01T00:00:00.000002]', '+I[c, 2.5, null, 2024-01-01T00:00:00.000003]',
    ]);
  });

  it('multi-key: ties on the first key are ordered by the second; NULLS LAST on ASC when asked', async () => {
    const out = await run(node([key(1, false, false), key(0, true, false)]), ...data());
    assert.deepEqual(out.map((r) => r.split(',')[0]), ['+I[b', '+I[c', '+I[null', '+I[d', '+I[a']);
  });

  it('offset and fetch', async () => {
    assert.deepEqual((await run(node([key(0, true, false)], 1, 2), ...data())).map((r) => r.split(',')[0]), ['+I[b', '+I[c']);
    assert.deepEqual(await run(node([key(0)], 10, 5), ...data()), []);
    assert.deepEqual((await run(node([key(0)], 3, null), ...data())).map((r) => r.split(',')[0]), ['+I[c', '+I[d']);
    assert.deepEqual(await run(node([key(0)], 0, 0), ...data()), []);
  });

  it('updating input is materialized first: the sorted final table, insert-only', async () => {
    const out = await run(node([key(0)]),
      rows(S, ['+I', 'x', 1, '1.00', null], ['+I', 'y', 2, '2.00', null], ['+I', 'x', 1, '1.00', null]),
      rows(S, ['-U', 'x', 1, '1.00', null], ['+U', 'w', 3, '3.00', null], ['-D', 'y', 2, '2.00', null], ['-D', 'q', 0, '0.00', null]),
    );
    assert.deepEqual(out, ['+I[w, 3.0, 3.00, null]', '+I[x, 1.0, 1.00, null]']);
  });

  it('emits large results in several batches, in order', async () => {
    const n = 20_000;
    const big = Array.from({ length: n }, (_, i) => [`k${String((i * 7919) % n).padStart(5, '0')}`, i, null, null]);
    const h = await harness(new SortOperator(node([key(0)])), 'hashmap', S.columns);
    await h.op.processBatch(inserts(S, ...big.slice(0, 7000)), 0);
    await h.op.processBatch(inserts(S, ...big.slice(7000)), 0);
    await h.op.endInput!();
    assert.ok(h.out.length >= 3);
    const names = h.drain().map((r) => r.slice(3, 9));
    assert.equal(names.length, n);
    assert.deepEqual(names, [...names].sort());
    await h.close();
  });
});

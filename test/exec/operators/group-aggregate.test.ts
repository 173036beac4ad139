import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataTypes, notNull } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, aggHarness, aggNode, call, rows } from '../../aggregate/helpers.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.INT(), ok: DataTypes.BOOLEAN() });
const countSumMax = aggNode(s, [0], [call(s, 'COUNT', []), call(s, 'SUM', [1]), call(s, 'MAX', [1])]);

for (const backend of BACKENDS) {
  describe(`group-aggregate changelog (${backend})`, () => {
    it('+I for a new key, -U/+U for a change, keys in order of first appearance', async () => {
      const h = await aggHarness(countSumMax, backend);
      await h.feed(rows(s, ['+I', 'b', 1, true], ['+I', 'a', 2, true], ['+I', 'b', 3, true]));
      assert.deepEqual(h.drain(), ['+I[b, 1, 1, 1]', '-U[b, 1, 1, 1]', '+U[b, 2, 4, 3]', '+I[a, 1, 2, 2]']);
      await h.feed(rows(s, ['+I', 'a', 5, true]));
      assert.deepEqual(h.drain(), ['-U[a, 1, 2, 2]', '+U[a, 2, 7, 5]']);
      await h.close();
    });

    it('retracting every row of a key emits -D and clears its state; a new row starts over with +I', async () => {
      const h = await aggHarness(countSumMax, backend);
      await h.feed(rows(s, ['+I', 'a', 1, true], ['+I', 'a', 4, true]));
      h.drain();
      await h.feed(rows(s, ['-D', 'a', 4, true]));
      assert.deepEqual(h.drain(), ['-U[a, 2, 5, 4]', '+U[a, 1, 1, 1]']);
      await h.feed(rows(s, ['-D', 'a', 1, true]));
      assert.deepEqual(h.drain(), ['-D[a, 1, 1, 1]']);
      assert.equal(h.state()!.stateSizes().find((t) => t.table === 'group-aggregate')!.entries, 0);
      await h.feed(rows(s, ['+I', 'a', 9, true]));
      assert.deepEqual(h.drain(), ['+I[a, 1, 9, 9]']);
      await h.close();
    });

    it('an update pair -U/+U of the input within one batch, and -U/+U arriving in separate batches', async () => {
      const h = await aggHarness(countSumMax, backend);
      await h.feed(rows(s, ['+I', 'a', 1, true], ['+I', 'a', 2, true]));
      h.drain();
      await h.feed(rows(s, ['-U', 'a', 2, true], ['+U', 'a', 7, true]));
      assert.deepEqual(h.drain(), ['-U[a, 2, 3, 2]', '+U[a, 1, 1, 1]', '-U[a, 1, 1, 1]', '+U[a, 2, 8, 7]']);
      // A key's only row updated: its -U empties it (-D), its +U starts it again (+I), as Flink's GroupAggFunction.
      await h.feed(rows(s, ['+I', 'b', 1, true]));
      h.drain();
      await h.feed(rows(s, ['-U', 'b', 1, true]));
      await h.feed(rows(s, ['+U', 'b', 6, true]));
      assert.deepEqual(h.drain(), ['-D[b, 1, 1, 1]', '+I[b, 1, 6, 6]']);
      await h.close();
    });

    it('MIN/MAX retraction of the current extremum over an updating input', async () => {
      const node = aggNode(s, [0], [call(s, 'MIN', [1]), call(s, 'MAX', [1])]);
      const h = await aggHarness(node, backend);
      await h.feed(rows(s, ['+I', 'a', 5, true], ['+I', 'a', 1, true], ['+I', 'a', 9, true]));
      h.drain();
      await h.feed(rows(s, ['-D', 'a', 1, true], ['-D', 'a', 9, true]));
      assert.deepEqual(h.drain(), ['-U[a, 1, 9]', '+U[a, 5, 9]', '-U[a, 5, 9]', '+U[a, 5, 5]']);
      await h.close();
    });

    it('an unchanged result is not emitted (no TTL)', async () => {
      const node = aggNode(s, [0], [call(s, 'MAX', [1])]);
      const h = await aggHarness(node, backend);
      await h.feed(rows(s, ['+I', 'a', 5, true], ['+I', 'a', 3, true], ['+I', 'a', null, true]));
      assert.deepEqual(h.drain(), ['+I[a, 5]']);
      await h.feed(rows(s, ['-D', 'a', 3, true]));
      assert.deepEqual(h.drain(), []);
      await h.close();
    });

    it('a retraction for a key without state is dropped', async () => {
      const h = await aggHarness(countSumMax, backend);
      await h.feed(rows(s, ['-D', 'x', 1, true], ['-U', 'y', 1, true], ['+I', 'z', 1, true]));
      assert.deepEqual(h.drain(), ['+I[z, 1, 1, 1]']);
      await h.feed(rows(s, ['-D', 'x', 1, true], ['+I', 'x', 2, true]));
      assert.deepEqual(h.drain(), ['+I[x, 1, 2, 2]']);
      await h.close();
    });

    it('FILTER aggregates only rows whose flag is TRUE; the row count still decides -D', async () => {
      const node = aggNode(s, [0], [call(s, 'COUNT', [], { filter: 2, name: 'c' }), call(s, 'SUM', [1], { filter: 2, name: 'sm' })]);
      const h = await aggHarness(node, backend);
      await h.feed(rows(s, ['+I', 'a', 1, false], ['+I', 'a', 2, null], ['+I', 'a', 3, true]));
      assert.deepEqual(h.drain(), ['+I[a, 0, null]', '-U[a, 0, null]', '+U[a, 1, 3]']);
      await h.feed(rows(s, ['-D', 'a', 3, true], ['-D', 'a', 1, false]));
      assert.deepEqual(h.drain(), ['-U[a, 1, 3]', '+U[a, 0, null]']);
      await h.feed(rows(s, ['-D', 'a', 2, null]));
      assert.deepEqual(h.drain(), ['-D[a, 0, null]']);
      await h.close();
    });

    it('DISTINCT aggregates under retraction', async () => {
      const node = aggNode(s, [0], [call(s, 'COUNT', [1], { distinct: true, name: 'cd' }), call(s, 'SUM', [1], { distinct: true, name: 'sd' })]);
      const h = await aggHarness(node, backend);
      await h.feed(rows(s, ['+I', 'a', 2, true], ['+I', 'a', 2, true], ['+I', 'a', 3, true]));
      assert.deepEqual(h.drain(), ['+I[a, 1, 2]', '-U[a, 1, 2]', '+U[a, 2, 5]']);
      await h.feed(rows(s, ['-D', 'a', 2, true]));
      assert.deepEqual(h.drain(), []);
      await h.feed(rows(s, ['-D', 'a', 2, true]));
      assert.deepEqual(h.drain(), ['-U[a, 2, 5]', '+U[a, 1, 3]']);
      await h.close();
    });

    it('a global aggregate emits nothing before data, then one row updated in place', async () => {
      const node = aggNode(s, [], [call(s, 'COUNT', []), call(s, 'AVG', [1])]);
      const h = await aggHarness(node, backend);
      await h.op.endInput!();
      assert.deepEqual(h.drain(), []);
      await h.feed(rows(s, ['+I', 'a', 1, true], ['+I', 'b', 2, true]));
      assert.deepEqual(h.drain(), ['+I[1, 1]', '-U[1, 1]', '+U[2, 1]']);
      await h.feed(rows(s, ['-D', 'a', 1, true], ['-D', 'b', 2, true]));
      assert.deepEqual(h.drain(), ['-U[2, 1]', '+U[1, 2]', '-D[1, 2]']);
      await h.close();
    });
  });
}

describe('group-aggregate keys and types', () => {
  const t = Schema.of({
    a: DataTypes.INT(), b: DataTypes.STRING(), d: DataTypes.DECIMAL(10, 2), ts: DataTypes.TIMESTAMP(6), day: DataTypes.DATE(), name: DataTypes.STRING(),
  });

  it('composite keys with NULLs; NULL is its own group, distinct from empty string', async () => {
    const node = aggNode(t, [0, 1], [call(t, 'COUNT', [])]);
    const h = await aggHarness(node, 'hashmap');
    await h.feed(rows(t, ['+I', 1, null, null, null, null, 'x'], ['+I', 1, '', null, null, null, 'x'], ['+I', null, null, null, null, null, 'x'], ['+I', 1, null, null, null, null, 'x']));
    assert.deepEqual(h.drain(), ['+I[1, null, 1]', '-U[1, null, 1]', '+U[1, null, 2]', '+I[1, , 1]', '+I[null, null, 1]']);
    await h.close();
  });

  it('DECIMAL keys and sums stay exact; TIMESTAMP(6) MIN keeps microseconds; DATE MAX; LISTAGG and FIRST/LAST', async () => {
    const node = aggNode(t, [2], [
      call(t, 'SUM', [2], { name: 'total' }), call(t, 'AVG', [2], { name: 'mean' }), call(t, 'MIN', [3], { name: 'first_ts' }),
      call(t, 'MAX', [4], { name: 'last_day' }), call(t, 'LISTAGG', [5], { name: 'names' }),
      call(t, 'FIRST_VALUE', [5], { name: 'fv' }), call(t, 'LAST_VALUE', [5], { name: 'lv' }),
    ], false);
    assert.equal(node.outputSchema[1].type.kind, 'DECIMAL');
    const h = await aggHarness(node, 'rocksdb');
    await h.feed(rows(t,
      ['+I', null, null, '0.10', '2024-01-01 00:00:00.000002', '2024-03-01', 'x'],
      ['+I', null, null, '0.10', '2024-01-01 00:00:00.000001', '2024-02-01', null],
      ['+I', null, null, '0.10', null, null, 'y']));
    assert.deepEqual(h.drain().slice(-1), ['+U[0.10, 0.30, 0.100000, 2024-01-01T00:00:00.000001, 2024-03-01, x,y, x, y]']);
    await h.close();
  });

  it('emits batches with the planned output schema, NOT NULL COUNT included', async () => {
    const node = aggNode(t, [5], [call(t, 'COUNT', [], { name: 'count' })]);
    assert.deepEqual(node.outputSchema[1].type, notNull(DataTypes.BIGINT()));
    const h = await aggHarness(node, 'hashmap');
    await h.feed(rows(t, ['+I', 1, 'b', null, null, null, 'n']));
    assert.equal(h.out.length, 1);
    const fields = h.out[0].schema.fields;
    assert.deepEqual(fields.map((f) => [f.name, String(f.type), f.nullable]), [['name', 'Utf8', true], ['count', 'Int64', false]]);
    assert.equal(h.out[0].kinds, null, 'an all-insert batch carries no row-kind column');
    await h.close();
  });
});

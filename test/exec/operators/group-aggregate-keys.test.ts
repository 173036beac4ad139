import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchFromRows } from '../../../src/batch/values/index.ts';
import { concatKeys, encodeKeys, groupRows, type EncodedKeys } from '../../../src/exec/operators/group-aggregate-keys.ts';
import { hashRows } from '../../../src/state/row-hash.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';

const s = Schema.of({ i: DataTypes.BIGINT(), t: DataTypes.STRING(), b: DataTypes.BOOLEAN(), d: DataTypes.DECIMAL(20, 3), a: DataTypes.ARRAY(DataTypes.INT()) });
const data = [
  [1n, 'x', true, '1.500', [1]], [2n, 'x', false, '1.500', [1]], [1n, 'x', true, '1.500', [1]],
  [null, null, null, null, null], [1n, 'xy', true, '1.500', [1]], [null, null, null, null, null], [1n, 'x', true, '1.500', [1, 2]],
];
const keyOf = (k: EncodedKeys, i: number) => Buffer.from(k.bytes.subarray(k.offsets[i], k.offsets[i + 1])).toString('hex');

describe('group keys', () => {
  it('equal keys have equal bytes, different keys different bytes, also on sliced batches', () => {
    const batch = batchFromRows(s, data);
    const cols = [0, 1, 2, 3, 4];
    const keys = encodeKeys(batch.data, cols);
    const hex = data.map((_, i) => keyOf(keys, i));
    assert.equal(hex[0], hex[2]);
    assert.equal(hex[3], hex[5]);
    assert.equal(new Set(hex).size, 5);
    const sliced = batch.slice(2, 7);
    const again = encodeKeys(sliced.data, cols);
    assert.deepEqual(Array.from({ length: 5 }, (_, i) => keyOf(again, i)), hex.slice(2));
  });

  it('groups rows by key in order of first appearance, each group in arrival order, across concatenated batches', () => {
    const batch = batchFromRows(s, data);
    const types = s.columns.map((c) => c.type);
    const parts = [encodeKeys(batch.data, [0, 1]), encodeKeys(batch.slice(0, 3).data, [0, 1])];
    const hashes = Uint32Array.from([...hashRows(batch.data, [0, 1]), ...hashRows(batch.slice(0, 3).data, [0, 1])]);
    const g = groupRows(concatKeys(parts), hashes);
    const groups = Array.from({ length: g.count }, (_, i) => [...g.rows.subarray(g.start[i], g.start[i + 1])]);
    assert.deepEqual(groups, [[0, 2, 6, 7, 9], [1, 8], [3, 5], [4]]);
  });
});

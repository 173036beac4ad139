import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { keyGroupOf, keyGroupRangeFor, subtaskForKeyGroup } from '../../src/state/key-groups.ts';
import { hashRows } from '../../src/state/row-hash.ts';

describe('key groups', () => {
  it('ranges of all subtasks tile [0, maxParallelism) and agree with subtaskForKeyGroup', () => {
    for (const p of [1, 2, 3, 7]) {
      let next = 0;
      for (let s = 0; s < p; s++) {
        const r = keyGroupRangeFor(s, 128, p);
        assert.equal(r.start, next);
        for (let g = r.start; g <= r.end; g++) assert.equal(subtaskForKeyGroup(g, 128, p), s);
        next = r.end + 1;
      }
      assert.equal(next, 128);
    }
  });

  it('hashes equal keys equally regardless of batch layout, and spreads distinct keys', () => {
    const a = new arrow.Table({ k: arrow.vectorFromArray(['x', 'y', 'z', null, 'x']), n: arrow.vectorFromArray(Int32Array.from([1, 2, 3, 4, 1])) }).batches[0];
    const h = hashRows(a, [0, 1]);
    assert.equal(h[0], h[4]);
    assert.notEqual(h[0], h[1]);
    const sliced = hashRows(a.slice(4, 5), [0, 1]);
    assert.equal(sliced[0], h[0], 'slices hash like the original rows');
    const many = new arrow.Table({ k: arrow.vectorFromArray(BigInt64Array.from({ length: 10000 }, (_, i) => BigInt(i))) }).batches[0];
    const groups = new Set(Array.from(hashRows(many, [0]), (x) => keyGroupOf(x, 128)));
    assert.equal(groups.size, 128, 'every key group is used');
  });
});

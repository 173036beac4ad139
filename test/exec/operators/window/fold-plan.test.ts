import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchFromRows } from '../../../../src/batch/values/index.ts';
import { encodeKeys } from '../../../../src/exec/operators/group-aggregate-keys.ts';
import { planFold } from '../../../../src/exec/operators/window/fold-plan.ts';
import { hashRows } from '../../../../src/state/row-hash.ts';
import { DataTypes } from '../../../../src/types/data-type.ts';
import { Schema } from '../../../../src/types/schema.ts';

const s = Schema.of({ k: DataTypes.STRING() });

/** The plan as `key: end [rows], ...` lines, one per key in plan order. */
function describePlan(keys: string[], ends: number[], keep: number[] | null = null): string[] {
  const batch = batchFromRows(s, keys.map((k) => [k]));
  const plan = planFold(encodeKeys(batch.data, [0]), hashRows(batch.data, [0]), Float64Array.from(ends), keep && Uint8Array.from(keep), 10);
  const out: string[] = [];
  for (let k = 0; k < plan.keyCount; k++) {
    const slices: string[] = [];
    for (let u = plan.keySliceStart[k]; u < plan.keySliceStart[k + 1]; u++) {
      const g = plan.keySlices[u];
      assert.equal(plan.sliceKey[g], k);
      slices.push(`${plan.sliceEnd[g]} [${Array.from(plan.bySlice.rows.subarray(plan.bySlice.start[g], plan.bySlice.start[g + 1])).join(' ')}]`);
    }
    out.push(`${keys[plan.firstRow[k]]}: ${slices.join(', ')}`);
  }
  return out;
}

describe('fold plan', () => {
  it('groups rows by key, then by slice end in time order, rows in arrival order within a slice', () => {
    assert.deepEqual(describePlan(['a', 'b', 'a', 'a', 'b', 'a'], [20, 10, 10, 20, 10, 30]), [
      'a: 10 [2], 20 [0 3], 30 [5]',
      'b: 10 [1 4]',
    ]);
  });

  it('slices far apart (more slots than a counting sort is worth) and rows left out', () => {
    assert.deepEqual(describePlan(['a', 'a', 'a', 'b', 'a'], [1_000_000, 10, 1_000_000, 50, 500], [1, 1, 1, 0, 1]), [
      'a: 10 [1], 500 [4], 1000000 [0 2]',
    ]);
  });
});

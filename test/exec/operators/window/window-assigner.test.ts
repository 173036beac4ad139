import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { timestampColumn } from '../../../../src/exec/operators/window/window-assigner.ts';

describe('timestampColumn', () => {
  it('writes epoch milliseconds as int64 exactly, negative and beyond 32 bits included', () => {
    const values = [0, 1, -1, 2 ** 32 - 1, 2 ** 32, -(2 ** 32), -(2 ** 32) - 1, 1_735_689_600_000, -62_135_596_800_000, 2 ** 53 - 1, -(2 ** 53 - 1)];
    const data = timestampColumn(values, true);
    assert.deepEqual(Array.from(data.values as BigInt64Array), values.map(BigInt));
    assert.equal(data.length, values.length);
    assert.equal(timestampColumn(values, false, 2).length, 2);
  });
});

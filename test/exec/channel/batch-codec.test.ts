import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { decodeBatch, encodeBatch } from '../../../src/exec/channel/batch-codec.ts';

const roundTrip = (schema: arrow.Schema, columns: arrow.Data[], length: number): unknown[][] => {
  const decoded = decodeBatch(encodeBatch(ChangeBatch.fromColumns(schema, columns, length)).encoded);
  return schema.fields.map((_, c) => [...decoded.data.getChildAt(c)!]);
};

describe('batch codec', () => {
  it('columns sharing memory (SELECT v, v; overlapping slices of one array) survive the IPC round trip', () => {
    const ints = (n: string) => new arrow.Field(n, new arrow.Int32(), true);
    const full = arrow.makeData({ type: new arrow.Int32(), length: 40, nullCount: 0, data: Int32Array.from({ length: 40 }, (_, i) => i) });
    const two = new arrow.Schema([ints('a'), ints('b')]);
    const expected = Array.from({ length: 20 }, (_, i) => i);
    assert.deepEqual(roundTrip(two, [full.slice(0, 20), full.slice(0, 20)], 20), [expected, expected]);
    const same = full.slice(0, 20);
    assert.deepEqual(roundTrip(two, [same, same], 20), [expected, expected]);
    assert.deepEqual(roundTrip(two, [full.slice(0, 20), full.slice(10, 20)], 20), [expected, expected.map((v) => v + 10)]);
    const strings = arrow.vectorFromArray(Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? null : `s${i}`)), new arrow.Utf8()).data[0];
    const both = new arrow.Schema([new arrow.Field('s', new arrow.Utf8(), true), new arrow.Field('t', new arrow.Utf8(), true)]);
    const texts = Array.from({ length: 30 }, (_, i) => (i % 4 === 0 ? null : `s${i}`));
    assert.deepEqual(roundTrip(both, [strings, strings], 30), [texts, texts]);
  });
});

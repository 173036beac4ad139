import assert from 'node:assert/strict';
import { test } from 'node:test';
import { columnFromValues } from '../../src/batch/values/build.ts';
import { valueAt } from '../../src/batch/values/read.ts';
import { msgpackSerializer } from '../../src/state/serializers.ts';
import { parseDataType } from '../../src/types/parse-data-type.ts';
import { AccumulatorStateCodec, accumulatorStateTag } from '../../src/udf/accumulator-state.ts';

test('accumulators of nested types survive Arrow -> state form -> msgpack -> Arrow exactly', () => {
  const type = parseDataType('ROW<total DECIMAL(20, 2), seen MAP<BIGINT, ARRAY<STRING>>, last BYTES, day DATE, flags ARRAY<BOOLEAN>>');
  const values = [
    { total: '12.30', seen: new Map([[5n, ['a', null]], [-7n, []]]), last: Uint8Array.of(1, 2), day: new Date(Date.UTC(2024, 1, 29)), flags: [true, null] },
    null,
    { total: null, seen: new Map(), last: null, day: null, flags: null },
  ];
  const codec = new AccumulatorStateCodec(type);
  const serializer = msgpackSerializer<unknown[]>();
  const stored = serializer.deserialize(serializer.serialize(codec.read(columnFromValues(type, values))));
  const back = codec.column(stored);
  assert.deepEqual(Array.from({ length: back.length }, (_, i) => valueAt(back, type, i)), values);
});

test('the state tag names every call with its accumulator type (pandas calls: none)', () => {
  assert.equal(accumulatorStateTag([
    { name: 'wavg', accumulatorType: parseDataType('ROW<s DOUBLE, n BIGINT>') }, { name: 'mean', accumulatorType: null },
  ]), 'udaf(wavg:ROW<s DOUBLE, n BIGINT>;mean:none)');
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { decodeData, encodeColumns, encodeData } from '../../../src/udf/ts/transferable-data.ts';
import { arrowTypeFromJson, arrowTypeToJson } from '../../../src/udf/ts/arrow-type-json.ts';
import { toArrowType } from '../../../src/types/arrow-types.ts';
import { parseDataType } from '../../../src/types/parse-data-type.ts';

/** Encodes, moves through a real structured clone with the transfer list (as postMessage does), decodes. */
function roundTrip(data: arrow.Data, ownership: 'copy' | 'move' = 'copy'): arrow.Data {
  const enc = encodeColumns([data], ownership);
  const cloned = structuredClone(enc.columns, { transfer: enc.transferList });
  return decodeData(cloned[0]);
}

function values(data: arrow.Data): unknown[] {
  return JSON.parse(JSON.stringify([...arrow.makeVector(data)], (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)));
}

const decimalWords = (unscaled: bigint) => {
  const u = BigInt.asUintN(128, unscaled);
  return [0, 1, 2, 3].map((i) => Number((u >> BigInt(32 * i)) & 0xffffffffn));
};

// One column per Weir type (and a few Arrow-only layouts), with NULLs in each.
const cases: [string, arrow.DataType, unknown[]][] = [
  ['BOOLEAN', toArrowType(parseDataType('BOOLEAN')), [true, null, false, true, false, null, true, true, false, true]],
  ['TINYINT', toArrowType(parseDataType('TINYINT')), [1, null, -3, 127]],
  ['SMALLINT', toArrowType(parseDataType('SMALLINT')), [1, null, -300, 32000]],
  ['INT', toArrowType(parseDataType('INT')), [1, null, -3, 2 ** 31 - 1, 5, 6, 7, 8, 9]],
  ['BIGINT', toArrowType(parseDataType('BIGINT')), [1n, null, -(2n ** 62n), 4n]],
  ['FLOAT', toArrowType(parseDataType('FLOAT')), [1.5, null, -2.25]],
  ['DOUBLE', toArrowType(parseDataType('DOUBLE')), [1.5, null, Math.PI, -0, 1e300]],
  ['STRING', toArrowType(parseDataType('STRING')), ['a', null, '', 'héllo ✓', 'xyz', null, 'last']],
  ['BYTES', toArrowType(parseDataType('BYTES')), [new Uint8Array([1, 2]), null, new Uint8Array([]), new Uint8Array([255])]],
  ['DATE', toArrowType(parseDataType('DATE')), [new Date(Date.UTC(2024, 0, 2)), null, new Date(0)]],
  ['TIME', toArrowType(parseDataType('TIME')), [1000, null, 86_399_999]],
  ['TIMESTAMP(3)', toArrowType(parseDataType('TIMESTAMP(3)')), [1_700_000_000_000, null, 0]],
  ['TIMESTAMP_LTZ(6)', toArrowType(parseDataType('TIMESTAMP_LTZ(6)')), [1_700_000_000_000, null, 1]],
  ['ARRAY<INT>', toArrowType(parseDataType('ARRAY<INT>')), [[1, 2], null, [], [null, 4], [5]]],
  ['ARRAY<ARRAY<STRING>>', toArrowType(parseDataType('ARRAY<ARRAY<STRING>>')), [[['a'], []], null, [['b', null]], [], [['c']]]],
  ['ROW<a INT, b STRING>', toArrowType(parseDataType('ROW<a INT, b STRING>')), [{ a: 1, b: 'x' }, null, { a: null, b: 'z' }, { a: 4, b: null }]],
  ['MAP<STRING, INT>', toArrowType(parseDataType('MAP<STRING, INT>')), [new Map([['a', 1]]), null, new Map(), new Map([['b', 2], ['c', null]])]],
  ['LargeUtf8', new arrow.LargeUtf8(), ['big', null, 'strings', '']],
  ['Uint16', new arrow.Uint16(), [1, null, 65535]],
  ['FixedSizeList<Float64>[2]', new arrow.FixedSizeList(2, new arrow.Field('v', new arrow.Float64(), true)), [[1, 2], null, [3, null], [5, 6]]],
];

for (const [name, type, input] of cases) {
  test(`round trip ${name}`, () => {
    const data = arrow.vectorFromArray(input, type).data[0];
    const expected = values(data);
    const back = roundTrip(data);
    assert.equal(back.length, data.length);
    assert.equal(back.nullCount, data.nullCount);
    assert.equal(String(back.type), String(data.type));
    assert.deepEqual(values(back), expected);
  });

  test(`round trip sliced ${name} at every offset`, () => {
    const data = arrow.vectorFromArray(input, type).data[0];
    for (let begin = 0; begin < data.length; begin++) {
      for (const len of [0, 1, data.length - begin]) {
        if (begin + len > data.length) continue;
        const part = data.slice(begin, len);
        const back = roundTrip(part);
        assert.equal(back.offset, 0);
        assert.equal(back.length, len);
        assert.deepEqual(values(back), values(part), `${name} slice(${begin}, ${len})`);
      }
    }
    // The source still works: nothing it shares was detached.
    assert.deepEqual(values(data), values(arrow.vectorFromArray(input, type).data[0]));
  });
}

test('round trip DECIMAL(10, 2) (words written directly)', () => {
  const words = new Uint32Array([...decimalWords(1230n), ...decimalWords(-5n), ...decimalWords(0n)]);
  const type = toArrowType(parseDataType('DECIMAL(10, 2)'));
  const data = arrow.makeData({ type: type as arrow.Decimal, length: 3, data: words, nullBitmap: new Uint8Array([0b101]), nullCount: 1 });
  for (const d of [data, data.slice(1, 2), data.slice(2, 1)]) {
    const back = roundTrip(d);
    assert.deepEqual([...(back.values as Uint32Array)], [...(d.values as Uint32Array).subarray(0, 4 * d.length)]);
    assert.equal(back.nullCount, d.nullCount);
    assert.equal((back.type as arrow.Decimal).scale, 2);
    assert.equal((back.type as arrow.Decimal).precision, 10);
  }
});

test('round trip Null type and empty columns', () => {
  const nulls = arrow.makeData({ type: new arrow.Null(), length: 5 });
  const back = roundTrip(nulls);
  assert.equal(back.length, 5);
  assert.equal(back.nullCount, 5);
  const empty = arrow.vectorFromArray([], new arrow.Utf8()).data[0];
  assert.equal(roundTrip(empty).length, 0);
});

test("'copy' never detaches the sender's buffers", () => {
  const data = arrow.vectorFromArray([1.5, 2.5, null], new arrow.Float64()).data[0];
  const enc = encodeData(data, 'copy');
  structuredClone(enc.columns, { transfer: enc.transferList });
  assert.ok(data.values.buffer.byteLength >= 3 * 8);
  assert.deepEqual([...arrow.makeVector(data)], [1.5, 2.5, null]);
  assert.equal(enc.bytes, 3 * 8 + 1);
});

test("'move' transfers whole buffers zero-copy and copies partial views", () => {
  const whole = new Float64Array([1, 2, 3, 4]);
  const data = arrow.makeData({ type: new arrow.Float64(), length: 4, data: whole });
  const enc = encodeData(data, 'move');
  assert.equal(enc.columns[0].values!.buffer, whole.buffer, 'the very same buffer is sent');
  assert.deepEqual(enc.transferList, [whole.buffer]);
  structuredClone(enc.columns, { transfer: enc.transferList });
  assert.equal(whole.buffer.byteLength, 0, 'moved: detached in the sender');

  const shared = new Float64Array([1, 2, 3, 4]);
  const part = arrow.makeData({ type: new arrow.Float64(), length: 2, data: shared.subarray(1, 3) });
  const encPart = encodeData(part, 'move');
  assert.notEqual(encPart.columns[0].values!.buffer, shared.buffer);
  structuredClone(encPart.columns, { transfer: encPart.transferList });
  assert.deepEqual([...shared], [1, 2, 3, 4], 'a buffer shared with other data is copied, not detached');
});

test('the same buffer in two columns is transferred once', () => {
  const data = arrow.makeData({ type: new arrow.Float64(), length: 2, data: new Float64Array([7, 8]) });
  const enc = encodeColumns([data, data], 'move');
  assert.equal(enc.transferList.length, 1);
  const cloned = structuredClone(enc.columns, { transfer: enc.transferList });
  assert.deepEqual([...arrow.makeVector(decodeData(cloned[1]))], [7, 8]);
});

test('bitmaps with a bit offset are re-aligned', () => {
  const input = [true, false, true, true, false, false, true, false, true, true, true];
  const bools = arrow.vectorFromArray(input, new arrow.Bool()).data[0];
  const enc = encodeData(bools.slice(3, 7));
  assert.equal(enc.columns[0].values!.byteLength, 1);
  assert.deepEqual([...arrow.makeVector(decodeData(enc.columns[0]))], input.slice(3, 10));
});

test('variable-width offsets are rebased after slicing', () => {
  const strings = arrow.vectorFromArray(['aa', 'bbb', 'c', 'dddd'], new arrow.Utf8()).data[0];
  const enc = encodeData(strings.slice(1, 2));
  assert.deepEqual([...(enc.columns[0].offsets as Int32Array)], [0, 3, 4]);
  assert.equal(new TextDecoder().decode(enc.columns[0].values as Uint8Array), 'bbbc');
});

test('arrow type JSON round trips every supported type; dictionaries are rejected', () => {
  const types = [...cases.map(([, t]) => t), new arrow.Decimal(2, 10, 128), new arrow.Null(), new arrow.DateMillisecond(),
    new arrow.TimeNanosecond(), new arrow.FixedSizeBinary(3), new arrow.Duration(arrow.TimeUnit.SECOND), new arrow.LargeBinary()];
  for (const t of types) assert.equal(String(arrowTypeFromJson(arrowTypeToJson(t))), String(t));
  assert.throws(() => arrowTypeToJson(new arrow.Dictionary(new arrow.Utf8(), new arrow.Int32())), { code: 'NOT_SUPPORTED' });
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { batchFromRows, columnFromValues, formatAt, formatRow, formatValue, rowsFromBatch, valueAt } from '../../src/batch/values/index.ts';
import { parseDataType } from '../../src/types/parse-data-type.ts';
import { toArrowType } from '../../src/types/arrow-types.ts';
import { Schema } from '../../src/types/schema.ts';
import { ChangeBatch } from '../../src/batch/change-batch.ts';
import { RowKind } from '../../src/batch/row-kind.ts';

const T = parseDataType;

/** [type text, input values, expected JS values out] */
const CASES: [string, unknown[], unknown[]][] = [
  ['BOOLEAN', [true, false, null, 'true', 'FALSE'], [true, false, null, true, false]],
  ['TINYINT', [1, -128, 127, null, '5', 3n], [1, -128, 127, null, 5, 3]],
  ['SMALLINT', [-32768, 32767, null], [-32768, 32767, null]],
  ['INT', [2147483647, -2147483648, null, ' 42 '], [2147483647, -2147483648, null, 42]],
  ['BIGINT', [9007199254740993n, -1, null, '-9223372036854775808'], [9007199254740993n, -1n, null, -9223372036854775808n]],
  ['FLOAT', [1.5, null, 'NaN', '-Infinity'], [1.5, null, NaN, -Infinity]],
  ['DOUBLE', [0.1, -2.5e300, null, '1e-7'], [0.1, -2.5e300, null, 1e-7]],
  ['DECIMAL(10, 2)', ['12.3', -0.5, 7n, null, '-0.005', '1.235'], ['12.30', '-0.50', '7.00', null, '-0.01', '1.24']],
  ['DECIMAL(38, 10)', ['-9999999999999999999999999999.9999999999', '1e-10'],
    ['-9999999999999999999999999999.9999999999', '0.0000000001']],
  ['DECIMAL(38, 0)', ['99999999999999999999999999999999999999', '-1'], ['99999999999999999999999999999999999999', '-1']],
  ['STRING', ['abc', '', null, 'héllo ✓ 😀'], ['abc', '', null, 'héllo ✓ 😀']],
  ['BYTES', [new Uint8Array([1, 255]), null, new Uint8Array([])], [new Uint8Array([1, 255]), null, new Uint8Array([])]],
  ['DATE', ['2024-02-29', 0, null, new Date(Date.UTC(1969, 11, 31, 13))],
    [new Date('2024-02-29T00:00:00Z'), new Date(0), null, new Date('1969-12-31T00:00:00Z')]],
  ['TIME', ['12:34:56', '00:00:00.125', 1000, null], ['12:34:56', '00:00:00.125', '00:00:01', null]],
  ['TIMESTAMP(3)', ['2024-01-01 12:00:00.123', '2024-01-01T12:00:00.9999', 0, null, new Date(-1)],
    [new Date('2024-01-01T12:00:00.123Z'), new Date('2024-01-01T12:00:00.999Z'), new Date(0), null, new Date(-1)]],
  ['TIMESTAMP(6)', ['1969-12-31 23:59:59.999999', null], [new Date(-1), null]],
  ['TIMESTAMP(9)', ['2024-01-01 00:00:00.123456789'], [new Date('2024-01-01T00:00:00.123Z')]],
  ['TIMESTAMP(0)', ['2024-01-01 00:00:01.9'], [new Date('2024-01-01T00:00:01Z')]],
  ['TIMESTAMP_LTZ(3)', ['2024-01-01T12:00:00+02:00', '2024-01-01 10:00:00Z', null],
    [new Date('2024-01-01T10:00:00Z'), new Date('2024-01-01T10:00:00Z'), null]],
  ['ARRAY<INT>', [[1, 2, null], [], null], [[1, 2, null], [], null]],
  ['ARRAY<ARRAY<STRING>>', [[['a'], [], null], null], [[['a'], [], null], null]],
  ['ROW<a INT, b STRING>', [{ a: 1, b: 'x' }, [2, 'y'], null, { a: null }], [{ a: 1, b: 'x' }, { a: 2, b: 'y' }, null, { a: null, b: null }]],
  ['MAP<STRING, BIGINT>', [new Map([['a', 1n]]), { b: 2 }, null, {}], [new Map([['a', 1n]]), new Map([['b', 2n]]), null, new Map()]],
  ['ROW<x ARRAY<DECIMAL(5, 1)>, y MAP<INT, ROW<z DATE>>>', [{ x: ['1.5', null], y: new Map([[1, { z: '2020-01-01' }]]) }],
    [{ x: ['1.5', null], y: new Map([[1, { z: new Date('2020-01-01T00:00:00Z') }]]) }]],
  ['NULL', [null, undefined], [null, null]],
];

for (const [typeText, input, expected] of CASES) {
  test(`round trip ${typeText}`, () => {
    const type = T(typeText);
    const data = columnFromValues(type, input);
    assert.equal(String(data.type), String(toArrowType(type)));
    assert.equal(data.length, input.length);
    assert.deepEqual(Array.from({ length: data.length }, (_, i) => valueAt(data, type, i)), expected);
    // Sliced Data (offset != 0) reads the same rows.
    if (input.length > 1) {
      const sliced = data.slice(1, input.length - 1);
      assert.deepEqual(Array.from({ length: sliced.length }, (_, i) => valueAt(sliced, type, i)), expected.slice(1));
    }
  });
}

test('arrow IPC round trip keeps decimals and timestamps exact', () => {
  const schema = new Schema([
    { name: 'd', type: T('DECIMAL(38, 2)') }, { name: 't', type: T('TIMESTAMP(9)') }, { name: 'l', type: T('TIMESTAMP_LTZ(6)') },
  ]);
  const batch = batchFromRows(schema, [['-123456789012345678901234567890123.45', '2024-01-01 00:00:00.000000001', '2024-01-01T00:00:00.000001Z']]);
  const table = arrow.tableFromIPC(arrow.tableToIPC(new arrow.Table(batch.data)));
  const back = new ChangeBatch(table.batches[0]);
  assert.deepEqual(rowsFromBatch(back, schema)[0][0], '-123456789012345678901234567890123.45');
  assert.equal(formatAt(back.column(1).data[0], schema.columns[1].type, 0, 'sql'), '2024-01-01 00:00:00.000000001');
  assert.equal(formatAt(back.column(2).data[0], schema.columns[2].type, 0), '2024-01-01T00:00:00.000001Z');
});

test('values that do not fit throw TYPE_MISMATCH naming type and value', () => {
  const bad: [string, unknown][] = [
    ['INT', 2 ** 31], ['INT', 'abc'], ['INT', 1.5], ['BIGINT', 1.5], ['DECIMAL(3, 1)', '100.0'], ['DATE', '2023-02-29'],
    ['TIMESTAMP(3)', 'yesterday'], ['BOOLEAN', 1], ['STRING', 5], ['ARRAY<INT>', 'x'], ['INT NOT NULL', null],
  ];
  for (const [typeText, v] of bad) {
    assert.throws(() => columnFromValues(T(typeText), [v]), (e: any) => {
      assert.equal(e.code, 'TYPE_MISMATCH', `${typeText} ${String(v)}`);
      assert.match(e.message, new RegExp(typeText.replace(/[()]/g, '\\$&').split(' NOT')[0]));
      return true;
    });
  }
});

test('batchFromRows names the column, rowsFromBatch reads sliced batches', () => {
  const schema = Schema.of({ id: T('BIGINT'), name: T('STRING') });
  assert.throws(() => batchFromRows(schema, [[1, 'a'], ['x', 'b']]), /Column 'id'/);
  const batch = batchFromRows(schema, [[1n, 'a'], [2n, null], [3n, 'c']], new Uint8Array([0, 3, 2]));
  assert.deepEqual(rowsFromBatch(batch.slice(1, 3), schema), [[2n, null], [3n, 'c']]);
  assert.equal(batch.slice(1, 3).kindAt(0), RowKind.DELETE);
});

test('print format follows Flink Row.toString of Java objects', () => {
  const types = ['INT', 'STRING', 'DECIMAL(5, 2)', 'DOUBLE', 'FLOAT', 'TIMESTAMP(3)', 'TIMESTAMP_LTZ(3)', 'DATE', 'TIME', 'BOOLEAN', 'BIGINT'].map(T);
  const row = [1, 'abc', '2.5', 1, 0.1, new Date('2024-01-01T12:00:00Z'), new Date('2024-01-01T12:00:00.5Z'), new Date(0), '12:00:00', true, 5n];
  assert.equal(formatRow(RowKind.INSERT, row, types),
    '+I[1, abc, 2.50, 1.0, 0.1, 2024-01-01T12:00, 2024-01-01T12:00:00.500Z, 1970-01-01, 12:00, true, 5]');
  assert.equal(formatRow(RowKind.UPDATE_BEFORE, [null, null], [T('INT'), T('STRING')]), '-U[null, null]');
  assert.equal(formatValue(1e10, T('DOUBLE')), '1.0E10');
  assert.equal(formatValue(1.5e-7, T('DOUBLE')), '1.5E-7');
  assert.equal(formatValue([1, 2], T('ARRAY<INT>')), '[1, 2]');
  assert.equal(formatValue({ a: 1, b: 'x' }, T('ROW<a INT, b STRING>')), '+I[1, x]');
  assert.equal(formatValue(new Map([['k', 1]]), T('MAP<STRING, INT>')), '{k=1}');
  assert.equal(formatValue(new Uint8Array([1, 255]), T('BYTES')), '[1, -1]');
  assert.equal(formatValue('0.0000001', T('DECIMAL(10, 7)')), '1E-7');
});

test('sql format pads timestamps to the precision', () => {
  assert.equal(formatValue(new Date('2024-01-01T12:00:00Z'), T('TIMESTAMP(3)'), 'sql'), '2024-01-01 12:00:00.000');
  assert.equal(formatValue(new Date('2024-01-01T12:00:00Z'), T('TIMESTAMP(0)'), 'sql'), '2024-01-01 12:00:00');
  const data = columnFromValues(T('TIMESTAMP(6)'), ['2024-01-01 12:00:00.123456']);
  assert.equal(formatAt(data, T('TIMESTAMP(6)'), 0, 'sql'), '2024-01-01 12:00:00.123456');
  assert.equal(formatAt(data, T('TIMESTAMP(6)'), 0), '2024-01-01T12:00:00.123456');
  assert.equal(formatValue({ a: 1, b: null }, T('ROW<a INT, b STRING>'), 'sql'), '(1, NULL)');
});

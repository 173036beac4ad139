import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, lit, resolveExpression } from '../../src/expr/index.ts';
import { Schema } from '../../src/types/schema.ts';
import { DataTypes } from '../../src/types/data-type.ts';
import { assertCode, evalOne, evaluate } from './helpers.ts';

test('numeric casts: narrowing wraps, doubles truncate and saturate, decimals round HALF_UP', () => {
  assert.equal(evalOne(lit(300).cast('TINYINT')), 44);
  assert.equal(evalOne(lit(3.99).cast('INT')), 3);
  assert.equal(evalOne(lit(-3.99).cast('INT')), -3);
  assert.equal(evalOne(lit(1e20).cast('INT')), 2147483647);
  assert.equal(evalOne(lit(1e20).cast('BIGINT')), 9223372036854775807n);
  assert.equal(evalOne(lit(2.345).cast('DECIMAL(5, 2)')), '2.35');
  assert.equal(evalOne(lit(-2.345).cast('DECIMAL(5, 2)')), '-2.35');
  assert.equal(evalOne(lit('12.99', 'DECIMAL(4,2)').cast('INT')), 12);
  assert.equal(evalOne(lit('12.5', 'DECIMAL(4,2)').cast('DOUBLE')), 12.5);
  assert.equal(evalOne(lit(7n).cast('DECIMAL(3,1)')), '7.0');
  assert.equal(evalOne(lit(5).cast('DOUBLE')), 5);
});

test('decimal overflow: CAST fails, TRY_CAST gives NULL', () => {
  assertCode(() => evalOne(lit(1234).cast('DECIMAL(3, 0)')), 'CAST_FAILED', /Cannot cast 1234/);
  assert.equal(evalOne(lit(1234).tryCast('DECIMAL(3, 0)')), null);
});

test('BOOLEAN to and from numbers and strings', () => {
  assert.equal(evalOne(lit(true).cast('INT')), 1);
  assert.equal(evalOne(lit(0).cast('BOOLEAN')), false);
  assert.equal(evalOne(lit(' TRUE ').cast('BOOLEAN')), true);
  assert.equal(evalOne(lit(true).cast('STRING')), 'TRUE');
  assert.equal(evalOne(lit('maybe').tryCast('BOOLEAN')), null);
});

test('string parsing with CAST errors carrying value and row', () => {
  assert.deepEqual(evaluate(col('s').cast('INT'), { s: ['STRING', [' 42 ', '-7', null, '1.9']] }), [42, -7, null, 1]);
  assertCode(() => evaluate(col('s').cast('INT'), { s: ['STRING', ['1', 'abc']] }), 'CAST_FAILED', /'abc'.*row 1/s);
  assert.deepEqual(evaluate(col('s').tryCast('INT'), { s: ['STRING', ['1', 'abc', '99999999999']] }), [1, null, null]);
  assert.equal(evalOne(lit('1.5e3').cast('DOUBLE')), 1500);
  assert.equal(evalOne(lit('9223372036854775807').cast('BIGINT')), 9223372036854775807n);
  assert.equal(evalOne(lit('0.125').cast('DECIMAL(5,2)')), '0.13');
});

test('to STRING uses Flink/Java spelling', () => {
  assert.equal(evalOne(lit(1, 'DOUBLE').cast('STRING')), '1.0');
  assert.equal(evalOne(lit(1).cast('STRING')), '1');
  assert.equal(evalOne(lit(1e10).cast('STRING')), '1.0E10');
  assert.equal(evalOne(lit(0.1).cast('FLOAT').cast('STRING')), '0.1');
  assert.equal(evalOne(lit('1.50', 'DECIMAL(3,2)').cast('STRING')), '1.50');
  assert.equal(evalOne(lit([1, 2]).cast('STRING')), '[1, 2]');
  assert.equal(evalOne(lit(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 60))).cast('STRING')), '2024-01-02 03:04:05.060');
});

test('temporal casts among themselves and from strings', () => {
  assert.equal(evalOne(lit('2024-02-29').cast('DATE').cast('STRING')), '2024-02-29');
  assert.equal(evalOne(lit('2023-02-29').tryCast('DATE')), null);
  assert.equal(evalOne(lit('2024-03-01 12:30:00').cast('TIMESTAMP(3)').cast('DATE').cast('STRING')), '2024-03-01');
  assert.equal(evalOne(lit('2024-03-01 12:30:00.123456').cast('TIMESTAMP(6)').cast('STRING')), '2024-03-01 12:30:00.123456');
  assert.equal(evalOne(lit('2024-03-01 12:30:00').cast('TIMESTAMP(3)').cast('TIME').cast('STRING')), '12:30:00');
  assert.equal(evalOne(lit('2024-03-01').cast('DATE').cast('TIMESTAMP(0)').cast('STRING')), '2024-03-01 00:00:00');
  assert.equal(evalOne(lit('2024-03-01 12:00:00').cast('TIMESTAMP_LTZ(3)').cast('TIMESTAMP(3)').cast('STRING')), '2024-03-01 12:00:00.000');
  assert.equal(evalOne(lit('13:45:10').cast('TIME').cast('STRING')), '13:45:10');
  assertCode(() => evalOne(lit('not a date').cast('DATE')), 'CAST_FAILED');
});

test('BYTES and STRING convert through UTF-8', () => {
  assert.deepEqual(evalOne(lit('hé').cast('BYTES')), new Uint8Array([104, 195, 169]));
  assert.equal(evalOne(lit('hé').cast('BYTES').cast('STRING')), 'hé');
});

test('unsupported casts fail at resolve time with TYPE_MISMATCH', () => {
  const schema = Schema.of({ d: DataTypes.DATE(), i: DataTypes.INT() });
  assertCode(() => resolveExpression(col('d').cast('INT').node, schema), 'TYPE_MISMATCH', /Cannot cast d of type DATE to INT/);
  assertCode(() => resolveExpression(col('i').cast('TIMESTAMP(3)').node, schema), 'TYPE_MISMATCH', /TO_TIMESTAMP_LTZ/);
});

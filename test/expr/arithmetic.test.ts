import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, lit } from '../../src/expr/index.ts';
import { assertCode, evalOne, evaluate } from './helpers.ts';
import { resolveExpression } from '../../src/expr/index.ts';
import { Schema } from '../../src/types/schema.ts';
import { DataTypes, formatDataType } from '../../src/types/data-type.ts';

const typeOf = (e: ReturnType<typeof col>, schema = Schema.of({ i: DataTypes.INT(), l: DataTypes.BIGINT(), d: DataTypes.DOUBLE(), m: DataTypes.DECIMAL(10, 2), t: DataTypes.TINYINT(), f: DataTypes.FLOAT() })) =>
  formatDataType(resolveExpression(e.node, schema).type);

test('result types follow Flink numeric widening and decimal rules', () => {
  assert.equal(typeOf(col('i').plus(col('l'))), 'BIGINT');
  assert.equal(typeOf(col('t').plus(col('t'))), 'TINYINT');
  assert.equal(typeOf(col('i').plus(col('d'))), 'DOUBLE');
  assert.equal(typeOf(col('i').plus(col('f'))), 'FLOAT');
  assert.equal(typeOf(col('m').plus(col('f'))), 'DOUBLE');
  assert.equal(typeOf(col('i').plus(col('m'))), 'DECIMAL(13, 2)');
  assert.equal(typeOf(col('m').times(col('m'))), 'DECIMAL(20, 4)');
  assert.equal(typeOf(col('m').dividedBy(col('m'))), 'DECIMAL(23, 13)');
  assert.equal(typeOf(col('m').mod(col('i'))), 'DECIMAL(10, 2)');
  // Integer division stays integral (Calcite/Flink: INT / INT is INT).
  assert.equal(typeOf(col('i').dividedBy(col('i'))), 'INT');
  assert.equal(typeOf(lit(1).plus(2)), 'INT NOT NULL');
});

test('INT and BIGINT arithmetic wraps like Java', () => {
  assert.deepEqual(evaluate(col('a').plus(1), { a: ['INT', [2147483647, -5, null]] }), [-2147483648, -4, null]);
  assert.deepEqual(evaluate(col('a').times(col('a')), { a: ['INT', [65536, 3]] }), [0, 9]);
  assert.deepEqual(evaluate(col('a').times(2), { a: ['BIGINT', [9223372036854775807n]] }), [-2n]);
  assert.deepEqual(evaluate(col('a').negate(), { a: ['INT', [-2147483648, 5]] }), [-2147483648, -5]);
  assert.deepEqual(evaluate(col('a').plus(col('a')), { a: ['TINYINT', [100, -100]] }), [-56, 56]);
  assert.deepEqual(evaluate(col('a').dividedBy(-1), { a: ['INT', [-2147483648]] }), [-2147483648]);
});

test('integer division truncates; modulo takes the dividend sign', () => {
  assert.deepEqual(evaluate(col('a').dividedBy(2), { a: ['INT', [7, -7, null]] }), [3, -3, null]);
  assert.deepEqual(evaluate(col('a').mod(3), { a: ['INT', [7, -7]] }), [1, -1]);
  assert.deepEqual(evaluate(col('a').dividedBy(2n), { a: ['BIGINT', [7n, -7n]] }), [3n, -3n]);
});

test('integer division by zero raises ARITHMETIC_ERROR naming expression and row', () => {
  assertCode(() => evaluate(col('a').dividedBy(col('b')), { a: ['INT', [1, 2]], b: ['INT', [1, 0]] }), 'ARITHMETIC_ERROR', /Division by zero.*\(a \/ b\).*row 1/s);
  assertCode(() => evaluate(col('a').mod(0), { a: ['BIGINT', [1n]] }), 'ARITHMETIC_ERROR');
  // NULL / 0 is NULL, not an error.
  assert.deepEqual(evaluate(col('a').dividedBy(col('b')), { a: ['INT', [null]], b: ['INT', [0]] }), [null]);
});

test('floating point division follows IEEE', () => {
  assert.deepEqual(evaluate(col('a').dividedBy(0), { a: ['DOUBLE', [1, -1, 0]] }), [Infinity, -Infinity, NaN]);
  assert.deepEqual(evaluate(col('a').plus(0.5), { a: ['FLOAT', [1.25]] }), [1.75]);
});

test('decimals are exact with Calcite scales', () => {
  assert.equal(evalOne(lit('0.1', 'DECIMAL(2, 1)').plus(lit('0.2', 'DECIMAL(2, 1)'))), '0.3');
  assert.equal(evalOne(lit('1.10', 'DECIMAL(5, 2)').times(lit('3', 'DECIMAL(3, 0)'))), '3.30');
  assert.equal(evalOne(lit('1', 'DECIMAL(5, 0)').dividedBy(lit('3', 'DECIMAL(5, 0)'))), '0.333333');
  assert.equal(evalOne(lit('2', 'DECIMAL(5, 0)').dividedBy(lit('3', 'DECIMAL(5, 0)'))), '0.666667');
  assert.equal(evalOne(lit('10.5', 'DECIMAL(4, 1)').plus(1)), '11.5');
  assert.equal(evalOne(lit('-7.5', 'DECIMAL(4, 1)').mod(2)), '-1.5');
  assert.deepEqual(evaluate(col('m').plus(col('m')), { m: ['DECIMAL(38, 0)', ['99999999999999999999999999999999999999', '1']] }), [null, '2']);
  assertCode(() => evalOne(lit('1', 'DECIMAL(2,0)').dividedBy(lit('0', 'DECIMAL(2,0)'))), 'ARITHMETIC_ERROR');
});

test('math functions', () => {
  assert.equal(evalOne(lit(-3).abs()), 3);
  assert.equal(evalOne(lit(2).power(10)), 1024);
  assert.equal(evalOne(lit(16).sqrt()), 4);
  assert.equal(evalOne(lit(2.5).round()), 3);
  assert.equal(evalOne(lit(-2.5).round()), -3);
  assert.equal(evalOne(lit(1.005).round(2)), 1.01);
  assert.equal(evalOne(lit('3.14159', 'DECIMAL(6,5)').round(2)), '3.14');
  assert.equal(evalOne(lit('-3.5', 'DECIMAL(2,1)').floor()), '-4');
  assert.equal(evalOne(lit('3.1', 'DECIMAL(2,1)').ceil()), '4');
  assert.equal(evalOne(lit(1234).round(-2)), 1200);
  assert.equal(evalOne(lit(3.789).truncate(1)), 3.7);
  assert.equal(evalOne(lit(-4).sign()), -1);
  assert.equal(evalOne(lit(8).log2()), 3);
  assert.equal(evalOne(lit(5).mod(3)), 2);
});

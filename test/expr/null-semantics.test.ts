import { test } from 'node:test';
import assert from 'node:assert/strict';
import { caseWhen, coalesce, col, ifThenElse, lit, nullOf } from '../../src/expr/index.ts';
import { evaluate, selectRows } from './helpers.ts';

const B = (vals: (boolean | null)[]) => ['BOOLEAN', vals] as [string, unknown[]];
// Every pair of TRUE, FALSE, NULL.
const x = [true, true, true, false, false, false, null, null, null];
const y = [true, false, null, true, false, null, true, false, null];

test('AND / OR / NOT truth tables are three-valued', () => {
  const cols = { x: B(x), y: B(y) };
  assert.deepEqual(evaluate(col('x').and(col('y')), cols), [true, false, null, false, false, false, null, false, null]);
  assert.deepEqual(evaluate(col('x').or(col('y')), cols), [true, true, true, true, false, null, true, null, null]);
  assert.deepEqual(evaluate(col('x').not(), cols), [false, false, false, true, true, true, null, null, null]);
});

test('IS predicates never return NULL', () => {
  const cols = { x: B([true, false, null]) };
  assert.deepEqual(evaluate(col('x').isNull(), cols), [false, false, true]);
  assert.deepEqual(evaluate(col('x').isNotNull(), cols), [true, true, false]);
  assert.deepEqual(evaluate(col('x').isTrue(), cols), [true, false, false]);
  assert.deepEqual(evaluate(col('x').isFalse(), cols), [false, true, false]);
  assert.deepEqual(evaluate(col('x').isNotTrue(), cols), [false, true, true]);
  assert.deepEqual(evaluate(col('x').isNotFalse(), cols), [true, false, true]);
});

test('comparisons with NULL are NULL; IS DISTINCT FROM is not', () => {
  const cols = { a: ['INT', [1, 1, null, null]] as [string, unknown[]], b: ['INT', [1, 2, 1, null]] as [string, unknown[]] };
  assert.deepEqual(evaluate(col('a').isEqual(col('b')), cols), [true, false, null, null]);
  assert.deepEqual(evaluate(col('a').isLess(col('b')), cols), [false, true, null, null]);
  assert.deepEqual(evaluate(col('a').isDistinctFrom(col('b')), cols), [false, true, true, false]);
  assert.deepEqual(evaluate(col('a').isNotDistinctFrom(col('b')), cols), [true, false, false, true]);
});

test('IN follows SQL: NULL when no match and a NULL is involved', () => {
  const cols = { a: ['INT', [1, 3, null]] as [string, unknown[]] };
  assert.deepEqual(evaluate(col('a').in(1, 2), cols), [true, false, null]);
  assert.deepEqual(evaluate(col('a').in(1, null), cols), [true, null, null]);
  assert.deepEqual(evaluate(col('a').notIn(1, 2), cols), [false, true, null]);
  assert.deepEqual(evaluate(col('a').notIn(2, null), cols), [null, null, null]);
});

test('BETWEEN with NULL bounds can still decide', () => {
  const cols = { a: ['INT', [5, 15, null, 5]] as [string, unknown[]], hi: ['INT', [10, null, 10, null]] as [string, unknown[]] };
  assert.deepEqual(evaluate(col('a').between(1, col('hi')), cols), [true, null, null, null]);
  // 15 < 20 is irrelevant: 15 >= 20 is FALSE, so FALSE AND NULL = FALSE.
  assert.deepEqual(evaluate(col('a').between(20, col('hi')), cols), [false, false, null, false]);
  assert.deepEqual(evaluate(col('a').notBetween(1, col('hi')), cols), [false, null, null, null]);
});

test('LIKE with NULL value or pattern is NULL', () => {
  const cols = { s: ['STRING', ['abc', null, 'xbc']] as [string, unknown[]] };
  assert.deepEqual(evaluate(col('s').like('a%'), cols), [true, null, false]);
  assert.deepEqual(evaluate(col('s').like(nullOf('STRING')), cols), [null, null, null]);
  assert.deepEqual(evaluate(col('s').like('_bc'), cols), [true, null, true]);
  assert.deepEqual(evaluate(col('s').like('a!%', '!'), { s: ['STRING', ['a%', 'ab']] }), [true, false]);
});

test('CASE, IF, COALESCE and NULLIF', () => {
  const cols = { a: ['INT', [1, 2, null, 4]] as [string, unknown[]] };
  assert.deepEqual(evaluate(caseWhen(col('a').isEqual(1), 'one', col('a').isEqual(2), 'two', 'many'), cols), ['one', 'two', 'many', 'many']);
  assert.deepEqual(evaluate(caseWhen(col('a').isEqual(1), 'one'), cols), ['one', null, null, null]);
  assert.deepEqual(evaluate(ifThenElse(col('a').isGreater(1), col('a'), 0), cols), [0, 2, 0, 4]);
  assert.deepEqual(evaluate(coalesce(col('a'), 9), cols), [1, 2, 9, 4]);
  assert.deepEqual(evaluate(coalesce(nullOf('INT'), col('a'), lit(7)), cols), [1, 2, 7, 4]);
  assert.deepEqual(evaluate(col('a').nullIf(2), cols), [1, null, null, 4]);
});

test('CASE evaluates a failing branch only on the rows that reach it', () => {
  const cols = { a: ['INT', [10, 20, 30]] as [string, unknown[]], b: ['INT', [2, 0, 3]] as [string, unknown[]] };
  assert.deepEqual(evaluate(caseWhen(col('b').isNotEqual(0), col('a').dividedBy(col('b')), -1), cols), [5, -1, 10]);
  assert.deepEqual(evaluate(ifThenElse(col('b').isEqual(0), null, col('a').mod(col('b'))), cols), [0, null, 0]);
});

test('predicates drop NULL and FALSE rows', () => {
  assert.deepEqual(selectRows(col('a').isGreater(1), { a: ['INT', [1, 2, null, 3]] }), [1, 3]);
  assert.deepEqual(selectRows(lit(true), { a: ['INT', [1, 2]] }), [0, 1]);
  assert.deepEqual(selectRows(nullOf('BOOLEAN'), { a: ['INT', [1, 2]] }), []);
});

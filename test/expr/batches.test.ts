import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { array, call, col, compileExpression, compilePredicate, filterBatch, lit, resolveExpression, row } from '../../src/expr/index.ts';
import { batchOf, evaluate, readColumn } from './helpers.ts';
import { Schema } from '../../src/types/schema.ts';

const columns = {
  i: ['INT', [1, null, 3, 4, 5, 6, 7, 8, 9, 10]],
  l: ['BIGINT', [1n, 2n, null, 4n, 5n, 6n, 7n, 8n, 9n, 10n]],
  b: ['BOOLEAN', [true, false, null, true, false, true, false, true, false, true]],
  s: ['STRING', ['a', 'bb', null, 'dddd', 'é', '', 'g', 'h', 'i', 'j']],
  m: ['DECIMAL(10, 2)', ['1.10', null, '3.30', '4.40', '5.50', '6.60', '7.70', '8.80', '9.90', '10.00']],
  d: ['DATE', ['2024-01-01', '2024-01-02', null, '2024-01-04', '2024-01-05', '2024-01-06', '2024-01-07', '2024-01-08', '2024-01-09', '2024-01-10']],
  t: ['TIMESTAMP(6)', ['2024-01-01 00:00:00.000001', null, '2024-01-03 00:00:00', '2024-01-04 00:00:00', '2024-01-05 00:00:00', '2024-01-06 00:00:00', '2024-01-07 00:00:00', '2024-01-08 00:00:00', '2024-01-09 00:00:00', '2024-01-10 00:00:00']],
  a: ['ARRAY<INT>', [[1, 2], null, [], [4], [5, null], [6], [7], [8], [9], [10]]],
  r: ['ROW<x INT, y STRING>', [{ x: 1, y: 'p' }, { x: 2, y: null }, null, { x: 4, y: 'q' }, { x: 5, y: 'r' }, { x: 6, y: 's' }, { x: 7, y: 't' }, { x: 8, y: 'u' }, { x: 9, y: 'v' }, { x: 10, y: 'w' }]],
  p: ['MAP<STRING, INT>', [new Map([['k', 1]]), null, new Map(), new Map([['k', 4], ['z', 0]]), new Map([['k', 5]]), new Map(), new Map(), new Map(), new Map(), new Map()]],
} as Record<string, [string, unknown[]]>;

/** Column values of a batch, read through the documented JS mapping. */
function values(batch: arrow.RecordBatch, schema: Schema): Record<string, unknown[]> {
  return Object.fromEntries(schema.columns.map((c, k) => [c.name, readColumn(batch.data.children[k], c.type)]));
}

test('filterBatch gathers every column type, nested included', () => {
  const { batch, schema } = batchOf(columns);
  const out = filterBatch(batch, new Uint32Array([0, 2, 3, 4]));
  assert.equal(out.numRows, 4);
  const v = values(out, schema);
  const pick = (name: string) => [0, 2, 3, 4].map((i) => values(batch, schema)[name][i]);
  for (const name of Object.keys(columns)) assert.deepEqual(v[name], pick(name), name);
  assert.deepEqual(v.a, [[1, 2], [], [4], [5, null]]);
  assert.deepEqual(v.r, [{ x: 1, y: 'p' }, null, { x: 4, y: 'q' }, { x: 5, y: 'r' }]);
});

test('sliced input batches (Data.offset != 0) evaluate correctly', () => {
  const { batch, schema } = batchOf(columns);
  const sliced = batch.slice(3, 9);
  assert.notEqual(sliced.data.children[0].offset, 0);
  const run = (e: ReturnType<typeof col>) => {
    const bound = resolveExpression(e.node, schema);
    return readColumn(compileExpression(bound, schema).evaluate(sliced), bound.type);
  };
  assert.deepEqual(run(col('i').plus(1)), [5, 6, 7, 8, 9, 10]);
  assert.deepEqual(run(col('b').not()), [false, true, false, true, false, true]);
  assert.deepEqual(run(col('s').upperCase()), ['DDDD', 'É', '', 'G', 'H', 'I']);
  assert.deepEqual(run(col('s').isEqual('é')), [false, true, false, false, false, false]);
  assert.deepEqual(run(col('m').plus(1)), ['5.40', '6.50', '7.60', '8.70', '9.80', '10.90']);
  assert.deepEqual(run(col('a').at(1)), [4, 5, 6, 7, 8, 9]);
  assert.deepEqual(run(col('r').get('y')), ['q', 'r', 's', 't', 'u', 'v']);
  assert.deepEqual(run(col('p').at('k')), [4, 5, null, null, null, null]);
  assert.deepEqual(run(col('a').cardinality()), [1, 2, 1, 1, 1, 1]);
  const pred = compilePredicate(resolveExpression(col('i').isGreater(5).node, schema), schema);
  const sel = pred.select(sliced);
  assert.deepEqual([...sel], [2, 3, 4, 5]);
  assert.deepEqual(values(filterBatch(sliced, sel), schema).s, ['', 'g', 'h', 'i']);
  // A slice starting off a byte boundary of the validity bitmap.
  const odd = batch.slice(1, 4);
  const bound = resolveExpression(col('i').isNull().node, schema);
  assert.deepEqual(readColumn(compileExpression(bound, schema).evaluate(odd), bound.type), [true, false, false]);
});

test('collections: constructors and access', () => {
  const cols = { x: ['INT', [1, null]] as [string, unknown[]], s: ['STRING', ['a', 'b']] as [string, unknown[]] };
  assert.deepEqual(evaluate(array(col('x'), 2, 3), cols), [[1, 2, 3], [null, 2, 3]]);
  assert.deepEqual(evaluate(array(col('x'), 2).at(2), cols), [2, 2]);
  assert.deepEqual(evaluate(array(col('x'), 2).at(5), cols), [null, null]);
  assert.deepEqual(evaluate(row(col('x'), col('s')).get('EXPR$1'), cols), ['a', 'b']);
  assert.deepEqual(evaluate(call('MAP', 'k', col('x')).at('k'), cols), [1, null]);
  assert.deepEqual(evaluate(call('CARDINALITY', array(1, 2, 3)), cols), [3, 3]);
  assert.deepEqual(evaluate(row(col('x'), col('s')), cols), [{ EXPR$0: 1, EXPR$1: 'a' }, { EXPR$0: null, EXPR$1: 'b' }]);
});

test('constant expressions broadcast to the batch length', () => {
  assert.deepEqual(evaluate(lit(2).plus(3), { x: ['INT', [0, 0, 0]] }), [5, 5, 5]);
  assert.deepEqual(evaluate(lit('x').upperCase(), { x: ['INT', [0, 0]] }), ['X', 'X']);
  assert.deepEqual(evaluate(lit(null, 'INT').plus(1), { x: ['INT', [0, 0]] }), [null, null]);
});

test('results use the exact Arrow type of the result type', () => {
  const { batch, schema } = batchOf({ x: ['SMALLINT', [1, 2]] });
  const bound = resolveExpression(col('x').plus(col('x')).node, schema);
  const out = compileExpression(bound, schema).evaluate(batch);
  assert.ok(out.type instanceof arrow.Int16);
  const vec = new arrow.Vector([out]);
  assert.deepEqual(vec.toArray(), new Int16Array([2, 4]));
});

/**
 * Micro-benchmark of the expression evaluator: `a * b + 1` and the filter `a > 0.5` on 10M DOUBLE rows
 * (in batches of 1M, as operators see them). Run: node --import tsx benchmarks/micro/expr.ts
 */
import * as arrow from 'apache-arrow';
import { DataTypes } from '../../src/types/data-type.ts';
import { Schema } from '../../src/types/schema.ts';
import { col, compileExpression, compilePredicate, filterBatch, resolveExpression } from '../../src/expr/index.ts';

const ROWS = 10_000_000;
const BATCH = 1_000_000;
const schema = Schema.of({ a: DataTypes.DOUBLE(), b: DataTypes.DOUBLE() });

function makeBatch(offset: number, n: number): arrow.RecordBatch {
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let i = 0; i < n; i++) { a[i] = ((offset + i) * 7919 % 1000) / 1000; b[i] = (offset + i) % 13; }
  const fields = schema.toArrow().fields;
  const children = [a, b].map((values) => arrow.makeData({ type: new arrow.Float64(), length: n, nullCount: 0, data: values }));
  return new arrow.RecordBatch(new arrow.Schema(fields), arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children }));
}

const batches = Array.from({ length: ROWS / BATCH }, (_, k) => makeBatch(k * BATCH, BATCH));

function bench(name: string, run: (b: arrow.RecordBatch) => unknown): void {
  for (let w = 0; w < 3; w++) for (const b of batches) run(b); // warm up the JIT
  const reps = 5;
  const start = process.hrtime.bigint();
  for (let r = 0; r < reps; r++) for (const b of batches) run(b);
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  const rate = (ROWS * reps) / secs;
  console.log(`${name.padEnd(28)} ${(rate / 1e6).toFixed(1).padStart(8)} M rows/s`);
}

const arith = compileExpression(resolveExpression(col('a').times(col('b')).plus(1).node, schema), schema);
const pred = compilePredicate(resolveExpression(col('a').isGreater(0.5).node, schema), schema);

bench('a * b + 1 (DOUBLE)', (b) => arith.evaluate(b));
bench('a > 0.5 select', (b) => pred.select(b));
bench('a > 0.5 select + filterBatch', (b) => filterBatch(b, pred.select(b)));

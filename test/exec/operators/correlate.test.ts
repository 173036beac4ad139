import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { UdfError } from '../../../src/errors/errors.ts';
import type { OperatorContext } from '../../../src/exec/operator.ts';
import { createCorrelateOperator } from '../../../src/exec/operators/correlate.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import type { CorrelateJoinType } from '../../../src/plan/logical/logical-correlate.ts';
import type { CorrelateNode } from '../../../src/plan/physical/correlate-node.ts';
import { DataTypes, withNullable } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import type { FunctionDefinition, UdfArg, UdfProgram } from '../../../src/udf/function-definition.ts';
import { closeInspectors, inspectPythonFunction } from '../../../src/udf/python/inspect.ts';
import { inspectTsFunction } from '../../../src/udf/ts/inspect.ts';
import { FIXTURES, workerChildren } from '../../udf/python/helpers.ts';
import { timeContext } from '../test-context.ts';

process.env.WEIR_PYTHON_LOG ??= 'quiet';
const fns = new Map<string, FunctionDefinition>();
before(async () => {
  const config = new Configuration();
  for (const name of ['split', 'maybe_words', 'fail_on_three']) {
    fns.set(name, await inspectPythonFunction(name, `udfs/table_udfs.py:${name}`, { config, baseDir: FIXTURES }));
  }
  fns.set('ts_split', await inspectTsFunction('ts_split', `${FIXTURES}/ts-udfs/tables.ts`, 'split'));
});
after(async () => {
  await closeInspectors();
  assert.deepEqual(workerChildren(), [], 'no worker processes left behind');
});

/** id BIGINT, line STRING. */
const input = new Schema([{ name: 'id', type: DataTypes.BIGINT() }, { name: 'line', type: DataTypes.STRING() }]);

function node(fnName: string, joinType: CorrelateJoinType, args: UdfArg[] = [{ col: 0 }], argColumns = [1]): CorrelateNode {
  const fn = fns.get(fnName)!;
  const program: UdfProgram = { language: fn.language, argColumns, steps: [{ fn, args }], outputs: [0] };
  const resultColumns = fn.table!.resultNames.map((name, i) => ({ name, type: withNullable(fn.table!.resultTypes[i], true) }));
  return { kind: 'correlate', id: 'c1', name: 'PythonCorrelate(test)', inputSchema: input.columns, outputSchema: [...input.columns, ...resultColumns], program, joinType };
}

function batch(lines: (string | null)[], from = 0, kinds: number[] | null = null): ChangeBatch {
  const ids = arrow.vectorFromArray(lines.map((_, i) => BigInt(from + i)), new arrow.Int64()).data[0];
  const text = arrow.vectorFromArray(lines, new arrow.Utf8()).data[0];
  return ChangeBatch.fromColumns(input.toArrow(), [ids, text], lines.length, kinds ? Uint8Array.from(kinds) : null);
}

function context(config: Record<string, string> = {}) {
  const out: ChangeBatch[] = [];
  const metrics = new MetricGroup('op');
  const ctx: OperatorContext = {
    operatorName: 'PythonCorrelate(test)', operatorId: 'c1', subtaskIndex: 0, parallelism: 1, metrics,
    config: new Configuration({ 'python.worker.pool-size': '1', 'ts.worker.pool-size': '1', 'python.fn-execution.bundle.time': '1 h', ...config }),
    output: { emit: async (b) => { out.push(b); } },
    signal: new AbortController().signal, baseDir: FIXTURES,
    keyedState: () => { throw new Error('the correlate operator keeps no keyed state'); },
    ...timeContext().members,
  };
  const rows = () => out.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => [...Object.values(b.data.get(i)!.toJSON()), b.kindAt(i)]));
  return { ctx, out, metrics, rows };
}

async function run(n: CorrelateNode, batches: ChangeBatch[], config: Record<string, string> = {}) {
  const c = context(config);
  const op = createCorrelateOperator(n);
  await op.open(c.ctx);
  try {
    for (const b of batches) await op.processBatch(b, 0);
    await op.endInput!();
  } finally {
    await op.close();
  }
  return c;
}

test('inner: several rows per input row, none for NULL or empty, row kinds carried over, in input order', async () => {
  const { rows, out } = await run(node('split', 'inner'), [
    batch(['a bb', null], 0, [0, 3]),
    batch(['', 'ccc dd e'], 2, [1, 2]),
  ], { 'python.fn-execution.arrow.batch.size': '3' });
  assert.deepEqual(rows(), [
    [0n, 'a bb', 'a', 1, 0], [0n, 'a bb', 'bb', 2, 0],
    [3n, 'ccc dd e', 'ccc', 3, 2], [3n, 'ccc dd e', 'dd', 2, 2], [3n, 'ccc dd e', 'e', 1, 2],
  ]);
  assert.deepEqual(out[0].schema.fields.map((f) => f.name), ['id', 'line', 'f0', 'f1']);
});

test('left: input rows without function rows are padded with NULLs, exactly once', async () => {
  const { rows } = await run(node('split', 'left'), [batch(['x', null, '', 'y z'], 0, [0, 0, 3, 0])]);
  assert.deepEqual(rows(), [
    [0n, 'x', 'x', 1, 0], [1n, null, null, null, 0], [2n, '', null, null, 3], [3n, 'y z', 'y', 1, 0], [3n, 'y z', 'z', 1, 0],
  ]);
});

test('returning None vs yielding None; a request that produces no rows at all emits nothing (inner)', async () => {
  const inner = await run(node('maybe_words', 'inner'), [batch([null, 'null', 'p'])]);
  assert.deepEqual(inner.rows(), [[1n, 'null', null, 0], [2n, 'p', 'p', 0]]);
  const empty = await run(node('maybe_words', 'inner'), [batch([null, null])]);
  assert.equal(empty.out.length, 0);
  const left = await run(node('maybe_words', 'left'), [batch([null, null])]);
  assert.deepEqual(left.rows(), [[0n, null, null, 0], [1n, null, null, 0]]);
});

test('bundles of several slices and pipelined requests keep order; metrics count rows in and out', async () => {
  const lines = Array.from({ length: 50 }, (_, i) => (i % 5 === 0 ? null : Array.from({ length: i % 3 }, (_, k) => `w${i}_${k}`).join(' ')));
  const batches = [batch(lines.slice(0, 7), 0), batch(lines.slice(7, 30), 7), batch(lines.slice(30), 30)];
  const { rows, metrics } = await run(node('split', 'left'), batches, { 'python.fn-execution.arrow.batch.size': '8', 'python.fn-execution.max-in-flight': '3' });
  const expected = lines.flatMap((l, i) => {
    const words = l ? l.split(' ').filter(Boolean) : [];
    return words.length ? words.map((w) => [BigInt(i), l, w, w.length, 0]) : [[BigInt(i), l, null, null, 0]];
  });
  assert.deepEqual(rows(), expected);
  const m = metrics.snapshot();
  assert.equal(m['udf.split.rowsIn'], 50);
  assert.equal(m['udf.split.rowsOut'], expected.length);
  assert.equal(m['udf.split.batches'], Math.ceil(50 / 8));
});

test('a checkpoint barrier and a watermark flush in-flight bundles before returning', async () => {
  const c = context({ 'python.fn-execution.arrow.batch.size': '1000', 'python.fn-execution.bundle.eager-in-flight': '0' });
  const op = createCorrelateOperator(node('split', 'inner'));
  await op.open(c.ctx);
  try {
    await op.processBatch(batch(['a b']), 0);
    assert.equal(c.rows().length, 0, 'buffered: no bundle timer, no eager send');
    await op.prepareSnapshot!(1);
    assert.equal(c.rows().length, 2);
    await op.processBatch(batch(['c'], 1), 0);
    await op.processWatermark!(5);
    assert.equal(c.rows().length, 3);
  } finally {
    await op.close();
  }
});

test('a failing row fails the operator with the Python traceback, the function and the operator-wide row', async () => {
  const n = node('fail_on_three', 'inner', [{ col: 0 }], [0]);
  const c = context({ 'python.fn-execution.arrow.batch.size': '2' });
  const op = createCorrelateOperator({ ...n, outputSchema: [...input.columns, { name: 'f0', type: DataTypes.BIGINT() }] });
  await op.open(c.ctx);
  try {
    await assert.rejects(async () => {
      await op.processBatch(batch(['a', 'b', 'c', 'd', 'e']), 0);
      await op.endInput!();
    }, (e: UdfError) => {
      assert.ok(e instanceof UdfError);
      assert.equal(e.code, 'UDF_ERROR');
      assert.equal(e.udf, 'fail_on_three');
      assert.equal(e.row, 3, 'operator-wide row of id 3 (second request, its row 1)');
      assert.deepEqual(e.values, [3]);
      assert.match(e.traceback ?? '', /ValueError: three is not allowed \(got 3\)/);
      assert.match(e.message, /PythonCorrelate\(test\)/);
      return true;
    });
    assert.equal(c.metrics.snapshot()['udf.fail_on_three.errors'], 1);
    assert.deepEqual(c.rows().map((r) => r[2]), [0n, 1n], 'the request before the failing one was emitted, nothing of the failing one');
  } finally {
    await op.close();
  }
});

test('a TypeScript table function runs through the same operator', async () => {
  const { rows } = await run(node('ts_split', 'left'), [batch(['ab c', null], 0, [2, 1])]);
  assert.deepEqual(rows(), [[0n, 'ab c', 'ab', 2, 2], [0n, 'ab c', 'c', 1, 2], [1n, null, null, null, 1]]);
});

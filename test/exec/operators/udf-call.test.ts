import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../../src/batch/change-batch.ts';
import { RowKind } from '../../../src/batch/row-kind.ts';
import { Configuration } from '../../../src/config/configuration.ts';
import { UdfError } from '../../../src/errors/errors.ts';
import type { OperatorContext } from '../../../src/exec/operator.ts';
import { createUdfCallOperator } from '../../../src/exec/operators/udf-call.ts';
import { MetricGroup } from '../../../src/metrics/metric-group.ts';
import type { UdfCallNode } from '../../../src/plan/physical/physical-node.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import type { UdfProgram } from '../../../src/udf/function-definition.ts';
import { FIXTURES, pyFn, workerChildren } from '../../udf/python/helpers.ts';
import { timeContext } from '../test-context.ts';

process.env.WEIR_PYTHON_LOG ??= 'quiet';
after(() => assert.deepEqual(workerChildren(), [], 'no worker processes left behind'));

const input = new Schema([
  { name: 'id', type: DataTypes.BIGINT() },
  { name: 'a', type: DataTypes.DOUBLE() },
  { name: 'b', type: DataTypes.DOUBLE() },
  { name: 'tag', type: DataTypes.STRING() },
  { name: 'delay', type: DataTypes.BIGINT() },
]);

function node(program: UdfProgram, result: string): UdfCallNode {
  return { kind: 'udf-call', id: 'udf-1', name: 'PythonUdf(test)', program, inputSchema: input.columns, outputSchema: [...input.columns, { name: result, type: program.steps[program.outputs[0]].fn.resultType }] };
}

const mulAdd: UdfProgram = {
  language: 'python', argColumns: [1, 2],
  steps: [{ fn: pyFn('mul_add', 'udfs/arith.py:mul_add', 'DOUBLE', 'pandas'), args: [{ col: 0 }, { col: 1 }] }], outputs: [0],
};
const slowId: UdfProgram = {
  language: 'python', argColumns: [0, 4],
  steps: [{ fn: pyFn('slow_identity', 'udfs/arith.py:slow_identity', 'BIGINT'), args: [{ col: 0 }, { col: 1 }] }], outputs: [0],
};

/** Rows [from, from + n): id, a = id, b = 2, tag = 't<id>', delay = 40 ms on every 150th row; kinds cycle. */
function batch(from: number, n: number, withKinds = false): ChangeBatch {
  const ids = Array.from({ length: n }, (_, i) => from + i);
  const data = [
    arrow.vectorFromArray(ids.map(BigInt), new arrow.Int64()).data[0],
    arrow.vectorFromArray(ids.map((i) => (i % 7 === 3 ? null : i)), new arrow.Float64()).data[0],
    arrow.vectorFromArray(ids.map(() => 2), new arrow.Float64()).data[0],
    arrow.vectorFromArray(ids.map((i) => `t${i}`), new arrow.Utf8()).data[0],
    arrow.vectorFromArray(ids.map((i) => BigInt(i % 150 === 0 ? 40 : 0)), new arrow.Int64()).data[0],
  ];
  const kinds = withKinds ? Uint8Array.from(ids, (i) => i % 4) : null;
  return ChangeBatch.fromColumns(input.toArrow(), data, n, kinds);
}

function context(config: Record<string, string>) {
  const out: ChangeBatch[] = [];
  const metrics = new MetricGroup('op');
  const ctx: OperatorContext = {
    operatorName: 'PythonUdf(test)', operatorId: 'udf-1', subtaskIndex: 1, parallelism: 2, metrics,
    config: new Configuration({ 'python.worker.pool-size': '2', ...config }),
    output: { emit: async (b) => { out.push(b); } },
    signal: new AbortController().signal, baseDir: FIXTURES,
    keyedState: () => { throw new Error('the UDF-call operator keeps no keyed state'); },
    ...timeContext().members,
  };
  const rows = () => out.flatMap((b) => Array.from({ length: b.numRows }, (_, i) => ({ row: b.data.get(i)!.toJSON(), kind: b.kindAt(i) })));
  return { ctx, out, metrics, rows };
}

test('bundles closed by size: slices and concatenates, emits in order over 2 workers, keeps kinds and forwarded columns', async () => {
  const { ctx, out, metrics, rows } = context({ 'python.fn-execution.arrow.batch.size': '100', 'python.fn-execution.max-in-flight': '3', 'python.fn-execution.bundle.eager-in-flight': '0' });
  const op = createUdfCallOperator(node(slowId, 'r'));
  await op.open(ctx);
  try {
    let at = 0;
    for (const n of [37, 37, 250, 1, 75, 600]) { await op.processBatch(batch(at, n, true), 0); at += n; }
    await op.endInput!();
    const got = rows();
    assert.equal(got.length, at);
    got.forEach(({ row, kind }, i) => {
      assert.equal(row.id, BigInt(i));
      assert.equal(row.r, BigInt(i));
      assert.equal(row.tag, `t${i}`);
      assert.equal(kind, i % 4);
    });
    assert.deepEqual(out[0].schema.fields.map((f) => f.name), ['id', 'a', 'b', 'tag', 'delay', 'r']);
    const m = metrics.snapshot();
    assert.equal(m['udf.slow_identity.rowsIn'], at);
    assert.equal(m['udf.slow_identity.rowsOut'], at);
    assert.equal(m['udf.slow_identity.batches'], Math.ceil(at / 100));
    assert.equal(m['udf.slow_identity.errors'] ?? 0, 0);
    assert.ok((m['udf.slow_identity.userTimeNs'] as number) > 0);
    assert.ok((m['udf.slow_identity.bytesSent'] as number) > 0 && (m['udf.slow_identity.bytesReceived'] as number) > 0);
    assert.equal((m['udf.slow_identity.bundleLatencyMs'] as { count: number }).count, Math.ceil(at / 100));
  } finally {
    await op.close();
  }
});

test('eager bundles: a partial bundle goes out at once while the workers are idle, and fills up while they are busy', async () => {
  const { ctx, rows, metrics } = context({ 'python.fn-execution.arrow.batch.size': '100', 'python.fn-execution.bundle.time': '1 h', 'python.worker.pool-size': '1' });
  const op = createUdfCallOperator(node(slowId, 'r'));
  await op.open(ctx);
  try {
    await op.processBatch(batch(0, 10), 0);
    const t0 = performance.now();
    while (rows().length < 10 && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 5));
    assert.equal(rows().length, 10, 'the first partial bundle is answered long before bundle.time');
    // Many small batches back to back while requests are in flight: they are combined into fewer requests.
    let at = 10;
    for (let i = 0; i < 40; i++) { await op.processBatch(batch(at, 5), 0); at += 5; }
    await op.endInput!();
    assert.equal(rows().length, at);
    rows().forEach(({ row }, i) => assert.equal(row.id, BigInt(i)));
    const requests = metrics.snapshot()['udf.slow_identity.batches'] as number;
    assert.ok(requests < 41, `expected the 40 busy-time batches to share requests, got ${requests} requests`);
  } finally {
    await op.close();
  }
});

test('bundles closed by time: a quiet input still gets its results', async () => {
  const { ctx, rows, metrics } = context({ 'python.fn-execution.arrow.batch.size': '10000', 'python.fn-execution.bundle.time': '50 ms', 'python.worker.pool-size': '1', 'python.fn-execution.bundle.eager-in-flight': '0' });
  const op = createUdfCallOperator(node(mulAdd, 'r'));
  await op.open(ctx);
  try {
    await op.processBatch(batch(0, 10), 0);
    assert.equal(rows().length, 0, 'nothing before the bundle time');
    const t0 = performance.now();
    while (rows().length < 10 && performance.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 10));
    const got = rows();
    assert.equal(got.length, 10);
    got.forEach(({ row }, i) => assert.equal(row.r, i % 7 === 3 ? null : i * 2 + 1));
    assert.equal(metrics.snapshot()['udf.mul_add.batches'], 1);
  } finally {
    await op.close();
  }
});

test('a watermark flushes buffered rows before returning', async () => {
  const { ctx, rows } = context({ 'python.fn-execution.arrow.batch.size': '10000', 'python.fn-execution.bundle.time': '1 h', 'python.worker.pool-size': '1' });
  const op = createUdfCallOperator(node(mulAdd, 'r'));
  await op.open(ctx);
  try {
    await op.processBatch(batch(0, 5), 0);
    await op.processWatermark!(1000);
    assert.equal(rows().length, 5);
  } finally {
    await op.close();
  }
});

test('a failing UDF fails the operator with the operator-wide row, subtask and argument values', async () => {
  const fails: UdfProgram = {
    language: 'python', argColumns: [3],
    steps: [{ fn: pyFn('fails_on_x', 'udfs/text.py:fails_on_x', 'STRING'), args: [{ col: 0 }] }], outputs: [0],
  };
  const { ctx, metrics } = context({ 'python.fn-execution.arrow.batch.size': '50', 'python.worker.pool-size': '1' });
  const op = createUdfCallOperator(node(fails, 'r'));
  await op.open(ctx);
  try {
    await op.processBatch(batch(0, 120), 0);
    const bad = batch(120, 10);
    const tags = arrow.vectorFromArray(Array.from({ length: 10 }, (_, i) => (i === 7 ? 'x' : `ok${i}`)), new arrow.Utf8()).data[0];
    const cols = bad.data.data.children.map((c, i) => (i === 3 ? tags : c));
    await assert.rejects(async () => {
      await op.processBatch(ChangeBatch.fromColumns(input.toArrow(), cols, 10), 0);
      await op.endInput!();
    }, (e: UdfError) => {
      assert.ok(e instanceof UdfError);
      assert.equal(e.code, 'UDF_ERROR');
      assert.equal(e.row, 127);
      assert.deepEqual(e.values, ['x']);
      assert.equal(e.location.operator, 'PythonUdf(test)');
      assert.equal(e.location.subtask, 1);
      assert.match(e.message, /operator PythonUdf\(test\)\[1\].*row 127/s);
      assert.match(e.traceback!, /ValueError: bad value 'x'/);
      assert.equal((e.message.match(/Traceback/g) ?? []).length, 1, 'traceback printed once');
      return true;
    });
    assert.equal(metrics.snapshot()['udf.fails_on_x.errors'], 1);
  } finally {
    await op.close();
  }
});

test('concatData joins sliced fixed-width, string and boolean columns with their nulls', async () => {
  const { concatData } = await import('../../../src/exec/operators/udf-call-concat.ts');
  const cases: [arrow.DataType, unknown[]][] = [
    [new arrow.Float64(), [1.5, null, 3, 4, null, 6, 7, 8, 9, 10]],
    [new arrow.Utf8(), ['a', null, 'ççç', '', 'e', null, 'g', 'hh', 'i', 'j']],
    [new arrow.Bool(), [true, null, false, true, true, null, false, false, true, true]],
  ];
  for (const [type, values] of cases) {
    const whole = arrow.vectorFromArray(values, type).data[0];
    const joined = concatData([whole.slice(1, 3), whole.slice(4, 5), whole.slice(9, 1)]);
    assert.deepEqual([...arrow.makeVector(joined)], [...values.slice(1, 4), ...values.slice(4, 9), values[9]], String(type));
  }
});

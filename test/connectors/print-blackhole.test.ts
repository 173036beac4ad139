import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { blackholeSink, createPrintSink, printPrefix } from '../../src/connectors/index.ts';
import { batchFromRows } from '../../src/batch/values/index.ts';
import { Schema } from '../../src/types/schema.ts';
import { parseDataType as T } from '../../src/types/parse-data-type.ts';
import { context } from './helpers.ts';

const schema = Schema.of({ id: T('INT'), name: T('STRING'), price: T('DECIMAL(5, 2)'), ts: T('TIMESTAMP(3)') });
const batch = batchFromRows(schema, [[1, 'abc', '2.5', '2024-01-01 12:00:00'], [2, null, null, null]], new Uint8Array([0, 3]));

function capture(): [PassThrough, () => string] {
  const s = new PassThrough();
  let text = '';
  s.on('data', (c) => { text += c; });
  return [s, () => text];
}

test('print writes Flink rows with kind, identifier and 1-based subtask prefix', async () => {
  const [out, read] = capture();
  const [err, readErr] = capture();
  const sink = createPrintSink({ stdout: out, stderr: err });
  sink.validateSink({ connector: 'print', 'print-identifier': 'x' }, schema);
  assert.equal(sink.acceptsUpdates({}), true);
  const w = sink.createWriter({ connector: 'print' }, schema, context());
  await w.write(batch);
  await w.finish();
  assert.equal(read(), '+I[1, abc, 2.50, 2024-01-01T12:00]\n-D[2, null, null, null]\n');
  const w2 = sink.createWriter({ connector: 'print', 'print-identifier': 'sink', 'standard-error': 'true' }, schema, context(1, 2));
  await w2.write(batch.slice(0, 1));
  assert.equal(readErr(), 'sink:2> +I[1, abc, 2.50, 2024-01-01T12:00]\n');
  assert.equal(printPrefix('', 0, 4), '1> ');
  assert.equal(printPrefix('', 0, 1), '');
  assert.throws(() => sink.validateSink({ connector: 'print', 'print-identifer': 'x' }, schema), (e: any) => e.code === 'CONNECTOR_OPTION' && /print-identifier/.test(e.message));
});

test('print waits for drain when the stream is full', async () => {
  const out = new PassThrough({ highWaterMark: 8 });
  const w = createPrintSink({ stdout: out, stderr: out }).createWriter({ connector: 'print' }, schema, context());
  let done = false;
  const p = w.write(batch).then(() => { done = true; });
  await new Promise((r) => setImmediate(r));
  assert.equal(done, false);
  out.resume();
  await p;
  assert.equal(done, true);
});

test('blackhole counts rows of every kind', async () => {
  const ctx = context();
  const w = blackholeSink.createWriter({ connector: 'blackhole' }, schema, ctx);
  await w.write(batch);
  await w.write(batch);
  await w.finish();
  assert.equal(ctx.metrics.counter('numRecordsDiscarded').value, 4);
  assert.equal(blackholeSink.acceptsUpdates({}), true);
  assert.throws(() => blackholeSink.validateSink({ connector: 'blackhole', x: '1' }, schema), /Unsupported options/);
});

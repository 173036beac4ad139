import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, aggHarness, aggNode, call, rows } from '../../aggregate/helpers.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.BIGINT() });
const node = aggNode(s, [0], [call(s, 'COUNT', []), call(s, 'SUM', [1]), call(s, 'MAX', [1])]);
const miniBatch = (size: number, latency = '1 h') => ({
  'table.exec.mini-batch.enabled': 'true', 'table.exec.mini-batch.size': String(size), 'table.exec.mini-batch.allow-latency': latency,
});

/** Applies a printed changelog to a multiset of rows and returns the final table, sorted. */
function materialize(lines: string[]): string[] {
  const live: string[] = [];
  for (const line of lines) {
    const row = line.slice(2);
    if (line.startsWith('+')) live.push(row);
    else live.splice(live.indexOf(row), 1);
  }
  return live.sort();
}

for (const backend of BACKENDS) {
  describe(`group-aggregate mini-batch (${backend})`, () => {
    it('folds a mini-batch per key: one +I or one -U/+U pair per key, flushed when the size is reached', async () => {
      const h = await aggHarness(node, backend, miniBatch(5));
      await h.feed(rows(s, ['+I', 'a', 1], ['+I', 'b', 2], ['+I', 'a', 3]));
      assert.deepEqual(h.drain(), [], 'below the size: buffered');
      await h.feed(rows(s, ['+I', 'a', 4], ['+I', 'c', 5]));
      assert.deepEqual(h.drain(), ['+I[a, 3, 8, 4]', '+I[b, 1, 2, 2]', '+I[c, 1, 5, 5]']);
      await h.feed(rows(s, ['-D', 'a', 4], ['+I', 'a', 10], ['-D', 'b', 2], ['+I', 'c', 0], ['-D', 'c', 0]));
      assert.deepEqual(h.drain(), ['-U[a, 3, 8, 4]', '+U[a, 3, 14, 10]', '-D[b, 1, 2, 2]']);
      await h.close();
    });

    it('gives the same final table as per-row processing, with fewer changes', async () => {
      const input = [
        rows(s, ['+I', 'a', 1], ['+I', 'b', 2], ['+I', 'a', 3], ['+I', 'c', 7]),
        rows(s, ['-U', 'a', 3], ['+U', 'a', 5], ['-D', 'b', 2], ['+I', 'd', 1]),
        rows(s, ['+I', 'b', 9], ['-D', 'c', 7], ['+I', 'a', 2], ['+I', 'd', 1]),
      ];
      const plain = await aggHarness(node, backend);
      const folded = await aggHarness(node, backend, miniBatch(1000));
      for (const b of input) { await plain.feed(b); await folded.feed(b); }
      await folded.op.endInput!();
      const perRow = plain.drain();
      const perBatch = folded.drain();
      assert.deepEqual(materialize(perBatch), materialize(perRow));
      assert.deepEqual(materialize(perBatch), ['[a, 3, 8, 5]', '[b, 1, 9, 9]', '[d, 2, 2, 1]']);
      assert.ok(perBatch.length < perRow.length, `${perBatch.length} changes folded vs ${perRow.length}`);
      await plain.close();
      await folded.close();
    });

    it('flushes on watermark, before a checkpoint and at end of input', async () => {
      const h = await aggHarness(node, backend, miniBatch(1000));
      await h.feed(rows(s, ['+I', 'a', 1]));
      await h.op.processWatermark!(100);
      assert.deepEqual(h.drain(), ['+I[a, 1, 1, 1]']);
      await h.feed(rows(s, ['+I', 'a', 2]));
      await h.op.prepareSnapshot!(1);
      assert.deepEqual(h.drain(), ['-U[a, 1, 1, 1]', '+U[a, 2, 3, 2]']);
      await h.feed(rows(s, ['+I', 'b', 2]));
      await h.op.endInput!();
      assert.deepEqual(h.drain(), ['+I[b, 1, 2, 2]']);
      await h.op.endInput!();
      assert.deepEqual(h.drain(), [], 'nothing buffered: nothing emitted');
      await h.close();
    });

    it('flushes when allow-latency has passed (timer)', async () => {
      const h = await aggHarness(node, backend, miniBatch(1000, '30 ms'));
      await h.feed(rows(s, ['+I', 'a', 1]));
      assert.deepEqual(h.drain(), []);
      const started = Date.now();
      while (h.out.length === 0 && Date.now() - started < 5000) await new Promise((r) => setTimeout(r, 10));
      assert.ok(Date.now() - started >= 20, 'not before the latency');
      assert.deepEqual(h.drain(), ['+I[a, 1, 1, 1]']);
      await h.close();
    });
  });
}

describe('mini-batch options', () => {
  it('enabling mini-batch needs a positive size and allow-latency (Flink checks the same)', async () => {
    const code = (e: unknown) => (e as { code?: string }).code === 'CONFIG_INVALID';
    await assert.rejects(aggHarness(node, 'hashmap', { 'table.exec.mini-batch.enabled': 'true', 'table.exec.mini-batch.allow-latency': '1 s' }), code);
    await assert.rejects(aggHarness(node, 'hashmap', { 'table.exec.mini-batch.enabled': 'true', 'table.exec.mini-batch.size': '10' }), code);
  });
});

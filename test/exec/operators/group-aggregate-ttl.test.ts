import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, aggHarness, aggNode, call, rows } from '../../aggregate/helpers.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.INT() });
const ttl = { 'table.exec.state.ttl': '1 min' };

for (const backend of BACKENDS) {
  describe(`group-aggregate with state TTL (${backend})`, () => {
    it('re-emits an unchanged result as -U/+U (refreshing downstream), as Flink does with TTL', async () => {
      const h = await aggHarness(aggNode(s, [0], [call(s, 'MAX', [1])]), backend, ttl, () => 0);
      await h.feed(rows(s, ['+I', 'a', 5], ['+I', 'a', 1]));
      assert.deepEqual(h.drain(), ['+I[a, 5]', '-U[a, 5]', '+U[a, 5]']);
      await h.close();
    });

    it('an expired key starts again from an empty accumulator with +I (no retraction of the old row)', async () => {
      let now = 0;
      const h = await aggHarness(aggNode(s, [0], [call(s, 'COUNT', []), call(s, 'SUM', [1])]), backend, ttl, () => now);
      await h.feed(rows(s, ['+I', 'a', 5], ['+I', 'b', 1]));
      h.drain();
      now = 30_000;
      await h.feed(rows(s, ['+I', 'b', 2]));
      assert.deepEqual(h.drain(), ['-U[b, 1, 1]', '+U[b, 2, 3]']);
      now = 61_000;
      await h.feed(rows(s, ['+I', 'a', 7], ['+I', 'b', 3]));
      assert.deepEqual(h.drain(), ['+I[a, 1, 7]', '-U[b, 2, 3]', '+U[b, 3, 6]']);
      // A retraction for an expired key has nothing to undo and is dropped.
      now = 200_000;
      await h.feed(rows(s, ['-D', 'a', 7]));
      assert.deepEqual(h.drain(), []);
      await h.close();
    });

    it('purges expired keys incrementally as batches arrive', async () => {
      let now = 0;
      const h = await aggHarness(aggNode(s, [0], [call(s, 'COUNT', [])]), backend, ttl, () => now);
      const keys = Array.from({ length: 50 }, (_, i): [string, ...unknown[]] => ['+I', `k${i}`, i]);
      await h.feed(rows(s, ...keys));
      const entries = () => h.state()!.stateSizes().find((t) => t.table === 'group-aggregate')!.entries;
      assert.equal(entries(), 50);
      now = 120_000;
      await h.feed(rows(s, ['+I', 'fresh', 1]));
      assert.equal(entries(), 1, 'the 50 expired keys were purged, the fresh one kept');
      await h.close();
    });

    it('a DISTINCT-style aggregate without aggregate calls never re-emits its row', async () => {
      const h = await aggHarness(aggNode(s, [0], []), backend, ttl, () => 0);
      await h.feed(rows(s, ['+I', 'a', 1], ['+I', 'a', 2]));
      assert.deepEqual(h.drain(), ['+I[a]']);
      await h.close();
    });
  });
}

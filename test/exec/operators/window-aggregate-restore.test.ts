import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchFromRows } from '../../../src/batch/values/index.ts';
import { keyGroupOf, keyGroupRangeFor } from '../../../src/state/key-groups.ts';
import { hashRows } from '../../../src/state/row-hash.ts';
import { decodeSnapshot, encodeSnapshot } from '../../../src/state/snapshot.ts';
import { DataTypes } from '../../../src/types/data-type.ts';
import { Schema } from '../../../src/types/schema.ts';
import { BACKENDS, call } from '../../aggregate/helpers.ts';
import { MIN, at, windowAggNode, windowHarness, type WindowHarness } from './window-harness.ts';

const s = Schema.of({ k: DataTypes.STRING(), v: DataTypes.INT(), ts: DataTypes.TIMESTAMP(3) });
const aggs = [call(s, 'COUNT', [], { name: 'c' }), call(s, 'SUM', [1], { name: 'sm' })];
const WINDOWS = {
  hop: { kind: 'hop', timeIndex: 2, sizeMs: 10 * MIN, slideMs: 5 * MIN, offsetMs: 0 },
  // CUMULATE: the snapshot holds a fired window's merge kept as a slice (the window ending 00:10).
  cumulate: { kind: 'cumulate', timeIndex: 2, maxSizeMs: 20 * MIN, stepMs: 5 * MIN, offsetMs: 0 },
  session: { kind: 'session', timeIndex: 2, gapMs: 5 * MIN, partitionKeys: [0] },
} as const;
const KEYS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
const before = KEYS.flatMap((k, i) => [[k, i, at('00:01')], [k, 10 * i, at('00:12')]]);
const afterRows = KEYS.flatMap((k, i) => [[k, 100 * i, at('00:13')], [k, 1, at('00:30')]]);
const MAX = Number.MAX_SAFE_INTEGER;

for (const backend of BACKENDS) {
  for (const [kind, window] of Object.entries(WINDOWS)) {
    describe(`window aggregate ${kind} checkpoint and restore (${backend})`, () => {
      it('pending windows and their timers survive a snapshot and a restore at parallelism 2', async () => {
        const node = windowAggNode(s, [0], window, aggs);
        // The uninterrupted run.
        const whole = await windowHarness(node, s, { backend });
        await whole.feed(before);
        await whole.watermark(at('00:10'));
        await whole.feed(afterRows);
        await whole.watermark(MAX);
        const expected = whole.drain().sort();
        await whole.close();

        // Interrupted after the first watermark: buffered rows are folded before the snapshot.
        const first = await windowHarness(node, s, { backend });
        await first.feed(before);
        await first.watermark(at('00:10'));
        const early = first.drain();
        await first.op.prepareSnapshot?.(1);
        const snapshot = decodeSnapshot(encodeSnapshot(first.state()!.snapshot(1)));
        const timers = first.timers().snapshot();
        await first.close();

        const restored: string[] = [...early];
        for (let subtask = 0; subtask < 2; subtask++) {
          const h = await windowHarness(node, s, { backend, subtask, parallelism: 2 });
          const range = keyGroupRangeFor(subtask, 128, 2);
          h.state()!.restore([snapshot], range);
          h.timers().restore(timers, range);
          // Rows reach the subtask that owns their key, as the hash exchange routes them.
          const own = afterRows.filter((r) => ownsKey(h, r[0] as string));
          await h.watermark(at('00:10'));
          await h.feed(own);
          await h.watermark(MAX);
          restored.push(...h.drain());
          await h.close();
        }
        assert.deepEqual(restored.sort(), expected);
        assert.ok(expected.length >= KEYS.length * 2);
      });
    });
  }
}

/** Whether the harness's subtask owns `key`: its key group (of the hash the exchange computes) is in its range. */
function ownsKey(h: WindowHarness, key: string): boolean {
  const state = h.state()!;
  const group = keyGroupOf(hashRows(batchFromRows(s, [[key, 0, 0]]).data, [0])[0], state.maxParallelism);
  return group >= state.keyGroupRange.start && group <= state.keyGroupRange.end;
}

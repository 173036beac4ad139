// Incremental snapshots of the heap backend: a chain of deltas restores exactly what a full snapshot holds, at the
// same and at another parallelism, and a delta holds only what changed.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { keyGroupRangeFor } from '../../src/state/key-groups.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state.ts';
import { mergeSnapshotChain } from '../../src/state/snapshot-chain.ts';
import { decodeSnapshot, encodeSnapshot, encodeSnapshotFile, type DecodedSnapshot } from '../../src/state/snapshot.ts';
import { CheckpointError } from '../../src/errors/errors.ts';
import { FakeClock, KINDS, MAX_PARALLELISM, keysIn, makeBackend, type MakeOptions } from './helpers.ts';
import { contents, declareTables, randomWrites, seededRandom } from './random-workload.ts';

describe('incremental snapshots (heap backend)', () => {
  const open: KeyedStateBackend[] = [];
  const make = (kind: 'heap' | 'lmdb', o?: MakeOptions) => { const b = makeBackend(kind, o); open.push(b); return b; };
  after(async () => { for (const b of open) await b.dispose(); });

  /** Takes delta snapshot `id` of `b` on the chain `files` (names → decoded), returning its decoded form. */
  function takeDelta(b: KeyedStateBackend, id: number, chain: DecodedSnapshot[]): { decoded: DecodedSnapshot; bytes: number } {
    const snap = b.snapshot(id, { delta: true });
    const { bytes } = encodeSnapshotFile(snap, chain.length ? `f${id - 1}` : null);
    snap.release();
    const decoded = decodeSnapshot(bytes);
    chain.push(decoded);
    return { decoded, bytes: bytes.length };
  }

  it('restoring the chain up to each checkpoint equals a full snapshot taken at that checkpoint (randomized puts and removes)', () => {
    for (const seed of [1, 2, 3]) {
      const clock = new FakeClock();
      const incremental = make('heap', { clock: clock.now });
      const mirror = make('heap', { clock: clock.now });
      declareTables(incremental);
      declareTables(mirror);
      const random = seededRandom(seed);
      const keys = Array.from({ length: 60 }, (_, i) => i);
      const chain: DecodedSnapshot[] = [];
      for (let id = 1; id <= 6; id++) {
        clock.advance(10);
        randomWrites(random, [incremental, mirror], keys, id === 1 ? 400 : 40);
        const { decoded } = takeDelta(incremental, id, chain);
        assert.equal(decoded.delta, id > 1, `checkpoint ${id}: the first snapshot is full, later ones deltas`);
        const full = mirror.snapshot(id);
        const expected = contents(full);
        full.release();
        assert.deepEqual(contents(mergeSnapshotChain(chain)), expected, `seed ${seed}, checkpoint ${id}`);
        // Restored into either backend, the chain gives back the same state.
        for (const kind of KINDS) {
          const restored = make(kind, { clock: clock.now });
          declareTables(restored);
          restored.restore([mergeSnapshotChain(chain)]);
          const again = restored.snapshot(100 + id);
          assert.deepEqual(contents(again), expected, `seed ${seed}, checkpoint ${id}, restored into ${kind}`);
          again.release();
        }
      }
    }
  });

  it('a delta holds only the keys written since the previous snapshot', () => {
    const b = make('heap');
    declareTables(b);
    const chain: DecodedSnapshot[] = [];
    randomWrites(seededRandom(7), [b], Array.from({ length: 500 }, (_, i) => i), 3000);
    const first = takeDelta(b, 1, chain);
    randomWrites(seededRandom(8), [b], [1, 2, 3], 10);
    const second = takeDelta(b, 2, chain);
    assert.ok(second.decoded.delta);
    assert.ok(second.bytes * 20 < first.bytes, `delta ${second.bytes} B vs full ${first.bytes} B`);
    const third = takeDelta(b, 3, chain);
    assert.deepEqual(['v', 'm', 'l'].flatMap((t) => third.decoded.keyGroups(t)), [], 'nothing written: an empty delta');
  });

  it('a restore makes the next snapshot full, and a table declared after a snapshot is in the next delta', () => {
    const clock = new FakeClock();
    const b = make('heap', { clock: clock.now });
    declareTables(b);
    randomWrites(seededRandom(4), [b], [1, 2, 3, 4], 50);
    const base = b.snapshot(1);
    const bytes = encodeSnapshot(base);
    base.release();
    b.restore([decodeSnapshot(bytes)]);
    const afterRestore = b.snapshot(2, { delta: true });
    assert.equal(afterRestore.delta, false);
    afterRestore.release();
    const late = b.declareValueState<number>('late', { id: 'n', version: 1, serialize: (v) => new Uint8Array([v]), deserialize: (x) => x[0] });
    b.setCurrentKey(new Uint8Array([9]), 9);
    late.update(5);
    const delta = b.snapshot(3, { delta: true });
    assert.equal(delta.delta, true);
    assert.equal([...delta.entries('late', 9)].length, 1);
    delta.release();
  });

  it('rescales from chains: 2 subtasks with deltas → 3 subtasks, every entry exactly once', () => {
    const clock = new FakeClock();
    const keys = Array.from({ length: 300 }, (_, i) => i);
    const old = [0, 1].map((s) => {
      const range = keyGroupRangeFor(s, MAX_PARALLELISM, 2);
      const b = make('heap', { range, clock: clock.now });
      const mirror = make('heap', { range, clock: clock.now });
      return { b, mirror, keys: keysIn(range, keys.length), chain: [] as DecodedSnapshot[] };
    });
    const random = seededRandom(11);
    for (let id = 1; id <= 4; id++) {
      for (const o of old) {
        randomWrites(random, [o.b, o.mirror], o.keys, id === 1 ? 300 : 30);
        takeDelta(o.b, id, o.chain);
      }
    }
    const expected = old.flatMap((o) => { const s = o.mirror.snapshot(9); const c = contents(s); s.release(); return c; }).sort();
    const got: string[] = [];
    for (let s = 0; s < 3; s++) {
      const range = keyGroupRangeFor(s, MAX_PARALLELISM, 3);
      const b = make('heap', { range, clock: clock.now });
      declareTables(b);
      b.restore(old.map((o) => mergeSnapshotChain(o.chain)));
      const snap = b.snapshot(10);
      got.push(...contents(snap));
      snap.release();
    }
    assert.deepEqual(got.sort(), expected);
  });

  it('refuses a chain that does not start with a full snapshot, and a delta restored on its own', () => {
    const b = make('heap');
    declareTables(b);
    const chain: DecodedSnapshot[] = [];
    randomWrites(seededRandom(5), [b], [1, 2], 20);
    takeDelta(b, 1, chain);
    randomWrites(seededRandom(6), [b], [1, 2], 20);
    takeDelta(b, 2, chain);
    const isRestoreFailure = (e: unknown) => e instanceof CheckpointError && e.code === 'RESTORE_FAILED';
    assert.throws(() => mergeSnapshotChain([chain[1]]), isRestoreFailure);
    assert.throws(() => mergeSnapshotChain([chain[0], chain[0]]), isRestoreFailure);
    const other = make('heap');
    declareTables(other);
    assert.throws(() => other.restore([chain[1]]), isRestoreFailure);
    const snap = b.snapshot(3, { delta: true });
    assert.throws(() => encodeSnapshotFile(snap, null), (e: unknown) => e instanceof CheckpointError && e.code === 'CHECKPOINT_FAILED');
    snap.release();
  });
});

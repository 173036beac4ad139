// The same suite runs against both backends: every state kind, batch access, key-group ownership and TTL.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ErrorCodes } from '../../src/errors/weir-error.ts';
import { keyGroupRangeFor } from '../../src/state/key-groups.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state.ts';
import { float64Serializer, msgpackSerializer, stringSerializer } from '../../src/state/serializers.ts';
import { StateError } from '../../src/state/state-errors.ts';
import { MetricGroup } from '../../src/metrics/metric-group.ts';
import { FakeClock, KINDS, MAX_PARALLELISM, at, key, keyOutside, keysIn, makeBackend, type MakeOptions } from './helpers.ts';

for (const kind of KINDS) {
  describe(`keyed state on the ${kind} backend`, () => {
    const open: KeyedStateBackend[] = [];
    const make = (o?: MakeOptions) => { const b = makeBackend(kind, o); open.push(b); return b; };
    after(async () => { for (const b of open) await b.dispose(); });

    it('value state is scoped by the current key', () => {
      const b = make();
      const count = b.declareValueState('count', msgpackSerializer<number>());
      at(b, 1);
      assert.equal(count.value(), undefined);
      count.update(5);
      at(b, 2);
      assert.equal(count.value(), undefined);
      count.update(7);
      at(b, 1);
      assert.equal(count.value(), 5);
      count.update(6);
      assert.equal(count.value(), 6);
      count.clear();
      assert.equal(count.value(), undefined);
      at(b, 2);
      assert.equal(count.value(), 7);
    });

    it('value state keeps structured values, bigints and bytes intact', () => {
      const b = make();
      const acc = b.declareValueState('acc', msgpackSerializer<{ sum: bigint; n: number; raw: Uint8Array; tags: string[] }>());
      const v = { sum: 2n ** 100n + 1n, n: 3, raw: new Uint8Array([0, 255, 7]), tags: ['a', 'ü'] };
      at(b, 'x');
      acc.update(v);
      at(b, 'y');
      at(b, 'x');
      const got = acc.value()!;
      assert.equal(got.sum, v.sum);
      assert.deepEqual([...got.raw], [0, 255, 7]);
      assert.deepEqual(got.tags, v.tags);
    });

    it('getMany/putMany read and write many keys without touching the current key', () => {
      const b = make();
      const sums = b.declareValueState('sums', float64Serializer);
      const keys = Array.from({ length: 1000 }, (_, i) => key(i));
      sums.putMany(keys.map((k) => k.bytes), Uint32Array.from(keys, (k) => k.hash), keys.map((_, i) => i * 0.5));
      at(b, 'other');
      sums.update(-1);
      const got = sums.getMany(keys.map((k) => k.bytes), keys.map((k) => k.hash));
      assert.deepEqual(got, keys.map((_, i) => i * 0.5));
      at(b, 3);
      assert.equal(sums.value(), 1.5);
      // undefined clears
      sums.putMany([keys[3].bytes], [keys[3].hash], [undefined]);
      assert.equal(sums.value(), undefined);
      at(b, 'other');
      assert.equal(sums.value(), -1);
    });

    it('map state: put, get, contains, remove, iterate, clear per key', () => {
      const b = make();
      const m = b.declareMapState('rows', stringSerializer, msgpackSerializer<number[]>());
      at(b, 1);
      assert.equal(m.isEmpty(), true);
      m.put('a', [1]);
      m.putAll([['b', [2]], ['c', [3, 3]]]);
      at(b, 2);
      m.put('a', [100]);
      at(b, 1);
      assert.deepEqual(m.get('c'), [3, 3]);
      assert.equal(m.contains('b'), true);
      assert.equal(m.contains('z'), false);
      assert.equal(m.get('z'), undefined);
      m.remove('b');
      m.put('a', [11]);
      assert.deepEqual(m.entries().sort(), [['a', [11]], ['c', [3, 3]]]);
      assert.deepEqual(m.keys().sort(), ['a', 'c']);
      assert.equal(m.values().length, 2);
      m.clear();
      assert.equal(m.isEmpty(), true);
      assert.deepEqual(m.entries(), []);
      at(b, 2);
      assert.deepEqual(m.entries(), [['a', [100]]]);
      const sizes = b.stateSizes();
      assert.deepEqual(sizes.map((s) => [s.table, s.kind, s.entries]), [['rows', 'map', 1]]);
    });

    it('list state: add, addAll, get, update, clear', () => {
      const b = make();
      const l = b.declareListState('events', msgpackSerializer<{ id: number }>());
      at(b, 1);
      assert.deepEqual(l.get(), []);
      l.add({ id: 1 });
      l.addAll([{ id: 2 }, { id: 3 }]);
      at(b, 2);
      l.add({ id: 9 });
      at(b, 1);
      assert.deepEqual(l.get(), [{ id: 1 }, { id: 2 }, { id: 3 }]);
      l.update([{ id: 4 }]);
      assert.deepEqual(l.get(), [{ id: 4 }]);
      l.update([]);
      assert.deepEqual(l.get(), []);
      at(b, 2);
      assert.deepEqual(l.get(), [{ id: 9 }]);
      l.clear();
      assert.deepEqual(l.get(), []);
    });

    it('rejects keys outside the key groups of the subtask with an internal StateError', () => {
      const range = keyGroupRangeFor(1, MAX_PARALLELISM, 4);
      const b = make({ subtask: 1, parallelism: 4 });
      const v = b.declareValueState('v', msgpackSerializer<number>());
      const inside = keysIn(range, 50)[0];
      at(b, inside);
      v.update(1);
      const outside = key(keyOutside(range));
      assert.throws(() => b.setCurrentKey(outside.bytes, outside.hash), (e: unknown) =>
        e instanceof StateError && e.code === ErrorCodes.INTERNAL && /outside this subtask's key groups \[32, 63\]/.test(e.message));
      assert.throws(() => v.getMany([outside.bytes], [outside.hash]), StateError);
      assert.equal(b.currentKeyGroup >= 32 && b.currentKeyGroup <= 63, true, 'the current key is unchanged after a rejected key');
    });

    it('fails clearly on access without a current key and on conflicting declarations', () => {
      const b = make();
      const v = b.declareValueState('v', msgpackSerializer<number>());
      assert.throws(() => v.value(), (e: unknown) => e instanceof StateError && /'v' accessed without a current key/.test(e.message));
      assert.equal(b.declareValueState('v', msgpackSerializer<number>()), v, 'same declaration, same handle');
      assert.throws(() => b.declareListState('v', msgpackSerializer()), (e: unknown) => e instanceof StateError && e.code === ErrorCodes.PLAN_INVALID);
    });

    it('TTL: entries expire on read after the retention time since their last write', () => {
      const clock = new FakeClock();
      const b = make({ ttlMs: 1000, clock: clock.now });
      const v = b.declareValueState('v', msgpackSerializer<number>());
      const m = b.declareMapState('m', stringSerializer, msgpackSerializer<number>());
      const l = b.declareListState('l', msgpackSerializer<number>());
      at(b, 1);
      v.update(1);
      m.put('a', 1);
      m.put('b', 2);
      l.add(1);
      clock.advance(600);
      m.put('b', 3); // refreshes 'b' only
      l.add(2); // refreshes the whole list
      clock.advance(500);
      assert.equal(v.value(), undefined, 'value expired');
      assert.equal(m.get('a'), undefined, 'map entry a expired');
      assert.equal(m.get('b'), 3, 'map entry b was rewritten');
      assert.deepEqual(m.entries(), [['b', 3]]);
      assert.deepEqual(l.get(), [1, 2]);
      clock.advance(1000);
      assert.equal(m.isEmpty(), true);
      assert.deepEqual(l.get(), []);
      v.update(5);
      assert.equal(v.value(), 5, 'a new write starts a new lifetime');
    });

    it('TTL: cleanupExpired removes expired entries incrementally and reports them', () => {
      const clock = new FakeClock();
      const b = make({ ttlMs: 100, clock: clock.now });
      const v = b.declareValueState('v', msgpackSerializer<number>());
      const m = b.declareMapState('m', msgpackSerializer<number>(), msgpackSerializer<number>());
      for (let i = 0; i < 500; i++) { at(b, i); v.update(i); m.put(i, i); }
      clock.advance(50);
      for (let i = 0; i < 100; i++) { at(b, i); v.update(i); m.put(i, i); }
      clock.advance(60);
      let removed = 0;
      let calls = 0;
      for (let r; (r = b.cleanupExpired(64)) > 0 || calls < 40; calls++) removed += r;
      assert.equal(removed, 800, '400 values and 400 map entries expired');
      assert.deepEqual(b.stateSizes().map((s) => s.entries), [100, 100]);
      at(b, 7);
      assert.equal(v.value(), 7);
      at(b, 200);
      assert.equal(v.value(), undefined);
      assert.equal(b.cleanupExpired(1000), 0);
    });

    it('reports per-table sizes through stateSizes and metric gauges', () => {
      const b = make();
      const metrics = new MetricGroup('op');
      b.registerMetrics(metrics);
      const v = b.declareValueState('counts', msgpackSerializer<number>());
      const l = b.declareListState('lists', msgpackSerializer<string>());
      for (let i = 0; i < 300; i++) { at(b, i); v.update(i); if (i % 3 === 0) l.add('x'.repeat(20)); }
      const snap = metrics.snapshot();
      assert.equal(snap['state.counts.entries'], 300);
      assert.equal(snap['state.lists.entries'], 100);
      const bytes = snap['state.lists.bytes'] as number;
      assert.ok(bytes > 100 * 20 && bytes < 100 * 200, `approximate bytes ${bytes}`);
    });
  });
}

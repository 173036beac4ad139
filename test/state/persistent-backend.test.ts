// The persistent (LMDB) backend: configuration, working directory lifecycle, limits, and a large state.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Configuration } from '../../src/config/configuration.ts';
import { ErrorCodes } from '../../src/errors/weir-error.ts';
import { PlanError } from '../../src/errors/errors.ts';
import { createKeyedStateBackend } from '../../src/state/factory.ts';
import { HeapStateBackend } from '../../src/state/heap/heap-backend.ts';
import { LmdbStateBackend } from '../../src/state/lmdb/lmdb-backend.ts';
import { bytesSerializer, float64Serializer } from '../../src/state/serializers.ts';
import { StateError } from '../../src/state/state-errors.ts';
import { hashKeyBytes } from '../../src/state/key-encoding.ts';
import { existsSync, makeBackend } from './helpers.ts';

const ctx = (values: Record<string, string>, subtaskIndex = 0, parallelism = 1) =>
  ({ config: new Configuration(values), operatorName: 'GroupAggregate[3]', subtaskIndex, parallelism });

describe('persistent state backend', () => {
  it('is chosen by state.backend (rocksdb, lmdb, embedded) and gets its range and TTL from the configuration', async () => {
    for (const name of ['rocksdb', 'lmdb', 'EMBEDDED']) {
      const b = createKeyedStateBackend(ctx({ 'state.backend': name, 'table.exec.state.ttl': '2 min', 'pipeline.max-parallelism': '64' }, 1, 2));
      assert.ok(b instanceof LmdbStateBackend);
      assert.deepEqual([b.kind, b.maxParallelism, b.keyGroupRange.start, b.keyGroupRange.end, b.ttlMs], ['lmdb', 64, 32, 63, 120_000]);
      await b.dispose();
    }
    assert.ok(createKeyedStateBackend(ctx({})) instanceof HeapStateBackend, 'hashmap is the default');
    assert.ok(createKeyedStateBackend(ctx({ 'state.backend': 'hashmap' })) instanceof HeapStateBackend);
    assert.throws(() => createKeyedStateBackend(ctx({ 'state.backend': 'redis' })), (e: unknown) => e instanceof PlanError && e.code === ErrorCodes.CONFIG_INVALID);
  });

  it('works in a fresh directory under state.backend.local-dir and removes it on dispose', async () => {
    const base = mkdtempSync(join(tmpdir(), 'weir-state-test-'));
    try {
      const b = createKeyedStateBackend(ctx({ 'state.backend': 'rocksdb', 'state.backend.local-dir': join(base, 'nested') })) as LmdbStateBackend;
      assert.ok(b.directory.startsWith(join(base, 'nested', 'weir-state-GroupAggregate_3_-0-')), b.directory);
      const v = b.declareValueState('v', float64Serializer);
      const k = new Uint8Array([1, 2, 3]);
      b.setCurrentKey(k, hashKeyBytes(k));
      v.update(1.25);
      assert.equal(v.value(), 1.25);
      const snap = b.snapshot(1); // an open read transaction must not block dispose
      assert.ok(existsSync(b.directory));
      await b.dispose();
      await b.dispose();
      assert.equal(existsSync(b.directory), false);
      assert.deepEqual(readdirSync(join(base, 'nested')), []);
      snap.release();
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('fails with a clear error for keys longer than LMDB allows', async () => {
    const b = makeBackend('lmdb');
    const v = b.declareValueState('v', bytesSerializer);
    const long = new Uint8Array(5000).fill(7);
    b.setCurrentKey(long, hashKeyBytes(long));
    assert.throws(() => v.update(new Uint8Array([1])), (e: unknown) => e instanceof StateError && e.code === ErrorCodes.EXECUTION_FAILED && /too long for the persistent state backend/.test(e.message));
    await b.dispose();
  });

  it('holds 1M keys (more than a small heap budget would) and reads them all back', async () => {
    const b = makeBackend('lmdb', { writeBufferEntries: 65_536 });
    const v = b.declareValueState('v', float64Serializer);
    const n = 1_000_000;
    const key = new Uint8Array(8);
    const view = new DataView(key.buffer);
    let started = performance.now();
    for (let i = 0; i < n; i++) {
      view.setFloat64(0, i);
      b.setCurrentKey(key.slice(), hashKeyBytes(key));
      v.update(i * 2);
    }
    const writeMs = performance.now() - started;
    started = performance.now();
    let sum = 0;
    for (let i = 0; i < n; i++) {
      view.setFloat64(0, i);
      b.setCurrentKey(key, hashKeyBytes(key));
      sum += v.value()!;
    }
    const readMs = performance.now() - started;
    assert.equal(sum, n * (n - 1));
    const [size] = b.stateSizes();
    assert.equal(size.entries, n);
    console.log(`lmdb 1M keys: write ${writeMs.toFixed(0)} ms, read ${readMs.toFixed(0)} ms, ${(size.bytes / 1e6).toFixed(1)} MB in LMDB pages, JS heap ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
    await b.dispose();
  });
});

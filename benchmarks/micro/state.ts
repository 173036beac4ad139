/**
 * Micro-benchmark of keyed state: 1M `get` + `put` of small values (a msgpack number per 8-byte key), per row through
 * setCurrentKey as a group aggregation does it, on the heap and the persistent (LMDB) backend. Two passes: first
 * insert (every get misses), then update (every get hits). Then the batch path (getMany/putMany in batches of 4096)
 * and the cost of a snapshot plus its encoding.
 *
 *   node --import tsx benchmarks/micro/state.ts [keys]
 */
import { HeapStateBackend } from '../../src/state/heap/heap-backend.ts';
import { hashKeyBytes } from '../../src/state/key-encoding.ts';
import { keyGroupRangeFor } from '../../src/state/key-groups.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state.ts';
import { LmdbStateBackend } from '../../src/state/lmdb/lmdb-backend.ts';
import { msgpackSerializer } from '../../src/state/serializers.ts';
import { encodeSnapshot } from '../../src/state/snapshot.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const BATCH = 4096;

// Keys and hashes are built up front so the figures cover state access only.
const keys: Uint8Array[] = [];
const hashes = new Uint32Array(N);
for (let i = 0; i < N; i++) {
  const k = new Uint8Array(8);
  new DataView(k.buffer).setBigInt64(0, BigInt(i * 7919));
  keys.push(k);
  hashes[i] = hashKeyBytes(k);
}

function rate(label: string, ops: number, run: () => void): void {
  const start = process.hrtime.bigint();
  run();
  const secs = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(`  ${label.padEnd(34)} ${(ops / secs / 1e6).toFixed(2).padStart(6)} M ops/s  (${(secs * 1000).toFixed(0)} ms)`);
}

async function bench(name: string, backend: KeyedStateBackend): Promise<void> {
  console.log(name);
  const count = backend.declareValueState('count', msgpackSerializer<number>());
  const perRow = () => {
    for (let i = 0; i < N; i++) {
      backend.setCurrentKey(keys[i], hashes[i]);
      count.update((count.value() ?? 0) + 1);
    }
  };
  rate('per row get+put, insert', N, perRow);
  rate('per row get+put, update', N, perRow);
  rate('getMany+putMany, update', N, () => {
    for (let s = 0; s < N; s += BATCH) {
      const ks = keys.slice(s, s + BATCH);
      const hs = hashes.subarray(s, s + BATCH);
      const vs = count.getMany(ks, hs);
      count.putMany(ks, hs, vs.map((v) => (v ?? 0) + 1));
    }
  });
  let bytes = 0;
  rate('snapshot + encode (entries/s)', N, () => {
    const snap = backend.snapshot(1);
    bytes = encodeSnapshot(snap).length;
    snap.release();
  });
  console.log(`  snapshot size ${(bytes / 1e6).toFixed(1)} MB; heap used ${(process.memoryUsage().heapUsed / 1e6).toFixed(0)} MB`);
  await backend.dispose();
}

const options = { maxParallelism: 128, keyGroupRange: keyGroupRangeFor(0, 128, 1) };
await bench(`heap backend, ${N} keys`, new HeapStateBackend(options));
await bench(`persistent (LMDB) backend, ${N} keys`, new LmdbStateBackend(options));

// Shared fixtures of the keyed-state tests: both backends behind one factory, keys with their hashes, a fake clock.
import { existsSync } from 'node:fs';
import { HeapStateBackend } from '../../src/state/heap/heap-backend.ts';
import { hashKeyBytes } from '../../src/state/key-encoding.ts';
import { keyGroupOf, keyGroupRangeFor, type KeyGroupRange } from '../../src/state/key-groups.ts';
import type { KeyedStateBackend } from '../../src/state/keyed-state.ts';
import { LmdbStateBackend } from '../../src/state/lmdb/lmdb-backend.ts';
import type { StateBackendKind } from '../../src/state/state-options.ts';

export const MAX_PARALLELISM = 128;
export const KINDS: StateBackendKind[] = ['heap', 'lmdb'];

export interface MakeOptions {
  subtask?: number;
  parallelism?: number;
  range?: KeyGroupRange;
  ttlMs?: number;
  clock?: () => number;
  writeBufferEntries?: number;
}

export function makeBackend(kind: StateBackendKind, o: MakeOptions = {}): KeyedStateBackend {
  const options = {
    maxParallelism: MAX_PARALLELISM,
    keyGroupRange: o.range ?? keyGroupRangeFor(o.subtask ?? 0, MAX_PARALLELISM, o.parallelism ?? 1),
    ttlMs: o.ttlMs,
    clock: o.clock,
    operatorName: 'Test',
    subtaskIndex: o.subtask ?? 0,
  };
  return kind === 'heap' ? new HeapStateBackend(options) : new LmdbStateBackend({ ...options, writeBufferEntries: o.writeBufferEntries });
}

const encoder = new TextEncoder();

/** The encoded key `k<i>` and its hash. */
export function key(i: number | string): { bytes: Uint8Array; hash: number } {
  const bytes = encoder.encode(`k${i}`);
  return { bytes, hash: hashKeyBytes(bytes) };
}

export function groupOfKey(i: number | string): number {
  return keyGroupOf(key(i).hash, MAX_PARALLELISM);
}

export function at(backend: KeyedStateBackend, i: number | string): void {
  const k = key(i);
  backend.setCurrentKey(k.bytes, k.hash);
}

/** Keys 0..n-1 whose key group lies in `range`. */
export function keysIn(range: KeyGroupRange, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const g = groupOfKey(i);
    if (g >= range.start && g <= range.end) out.push(i);
  }
  return out;
}

/** A key (index) whose group is outside `range`. */
export function keyOutside(range: KeyGroupRange): number {
  for (let i = 0; ; i++) {
    const g = groupOfKey(i);
    if (g < range.start || g > range.end) return i;
  }
}

export class FakeClock {
  constructor(public t = 1_000_000) {}
  now = (): number => this.t;
  advance(ms: number): void { this.t += ms; }
}

export function dirOf(backend: KeyedStateBackend): string | undefined {
  return backend instanceof LmdbStateBackend ? backend.directory : undefined;
}

export { existsSync };

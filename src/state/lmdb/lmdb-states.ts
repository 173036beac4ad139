/**
 * Value, map and list state on the persistent store. Every access serializes (values live as bytes on disk), reads
 * are synchronous LMDB lookups behind the write buffer, and writes are buffered (see `lmdb-store.ts`).
 */
import { appendList, decodeList } from '../key-encoding.ts';
import type { ListState, MapState, ValueState } from '../keyed-state.ts';
import type { TableMeta } from '../backend-base.ts';
import { entryKey, prefixEnd, storedPayload, storedTimestamp, storedValue, withUserKey } from './lmdb-layout.ts';
import type { LmdbStore } from './lmdb-store.ts';

/** What a persistent state needs from its backend. */
export interface LmdbScope {
  readonly store: LmdbStore;
  readonly ttlMs: number;
  now(): number;
  readonly currentKeyGroup: number;
  /** The current key; throws without one. */
  currentKeyFor(table: string): Uint8Array;
  keyGroupFor(key: Uint8Array, hash: number): number;
  /** Changes whenever the current key does, so states can cache the current key's store key. */
  readonly keyVersion: number;
}

/** Shared by the three kinds: the current key's store key, cached per current key, and TTL-aware reads. */
abstract class LmdbStateBase {
  readonly name: string;
  private cachedVersion = -1;
  private cachedKey: Buffer | undefined;

  constructor(readonly meta: TableMeta, protected readonly scope: LmdbScope) {
    this.name = meta.name;
  }

  /** `keyGroup | keyLen | key` of the current key. */
  protected currentStoreKey(): Buffer {
    if (this.cachedVersion !== this.scope.keyVersion || this.cachedKey === undefined) {
      this.cachedKey = entryKey(this.scope.currentKeyGroup, this.scope.currentKeyFor(this.name));
      this.cachedVersion = this.scope.keyVersion;
    }
    return this.cachedKey;
  }

  protected isExpired(stored: Uint8Array, now: number): boolean {
    return this.scope.ttlMs > 0 && now - storedTimestamp(stored) >= this.scope.ttlMs;
  }

  /** The live payload under `key` (transient), purging it when expired. */
  protected readPayload(key: Uint8Array): Uint8Array | undefined {
    const stored = this.scope.store.get(this.meta.id, key);
    if (stored === undefined) return undefined;
    if (this.scope.ttlMs > 0 && this.isExpired(stored, this.scope.now())) {
      this.scope.store.delete(this.meta.id, key);
      return undefined;
    }
    return storedPayload(stored);
  }
}

export class LmdbValueState<T> extends LmdbStateBase implements ValueState<T> {
  private read(key: Uint8Array): T | undefined {
    const payload = this.readPayload(key);
    return payload === undefined ? undefined : (this.meta.valueSer.deserialize(payload) as T);
  }

  private write(key: Uint8Array, value: T | undefined): void {
    if (value === undefined) this.scope.store.delete(this.meta.id, key);
    else this.scope.store.put(this.meta.id, key, storedValue(this.scope.now(), this.meta.valueSer.serialize(value)));
  }

  value(): T | undefined { return this.read(this.currentStoreKey()); }
  update(value: T): void { this.write(this.currentStoreKey(), value); }
  clear(): void { this.scope.store.delete(this.meta.id, this.currentStoreKey()); }

  getMany(keys: readonly Uint8Array[], hashes: ArrayLike<number>): (T | undefined)[] {
    const out = new Array<T | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = this.read(entryKey(this.scope.keyGroupFor(keys[i], hashes[i]), keys[i]));
    return out;
  }

  putMany(keys: readonly Uint8Array[], hashes: ArrayLike<number>, values: readonly (T | undefined)[]): void {
    for (let i = 0; i < keys.length; i++) this.write(entryKey(this.scope.keyGroupFor(keys[i], hashes[i]), keys[i]), values[i]);
  }
}

/** Map state: one store entry per (key, user key), under the key's prefix, so a key's map is one range scan. */
export class LmdbMapState<K, V> extends LmdbStateBase implements MapState<K, V> {
  private cellKey(userKey: K): Buffer {
    return withUserKey(this.currentStoreKey(), this.meta.userKeySer!.serialize(userKey));
  }

  get(userKey: K): V | undefined {
    const payload = this.readPayload(this.cellKey(userKey));
    return payload === undefined ? undefined : (this.meta.valueSer.deserialize(payload) as V);
  }

  contains(userKey: K): boolean {
    return this.readPayload(this.cellKey(userKey)) !== undefined;
  }

  put(userKey: K, value: V): void {
    this.scope.store.put(this.meta.id, this.cellKey(userKey), storedValue(this.scope.now(), this.meta.valueSer.serialize(value)));
  }

  putAll(entries: Iterable<readonly [K, V]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(userKey: K): void {
    this.scope.store.delete(this.meta.id, this.cellKey(userKey));
  }

  /** Scans the current key's range; `visit` returns false to stop. Expired cells found on the way are purged. */
  private scan(visit: (userKey: Uint8Array, payload: Uint8Array) => boolean): void {
    const prefix = this.currentStoreKey();
    const now = this.scope.ttlMs > 0 ? this.scope.now() : 0;
    const dead: Buffer[] = [];
    for (const { key, value } of this.scope.store.range(this.meta.id, prefix, prefixEnd(prefix))) {
      if (this.isExpired(value, now)) { dead.push(Buffer.from(key)); continue; }
      if (!visit(key.subarray(prefix.length, key.length), storedPayload(value))) break;
    }
    for (const k of dead) this.scope.store.delete(this.meta.id, k);
  }

  entries(): [K, V][] {
    const out: [K, V][] = [];
    const uks = this.meta.userKeySer!, vs = this.meta.valueSer;
    this.scan((uk, v) => { out.push([uks.deserialize(uk) as K, vs.deserialize(v) as V]); return true; });
    return out;
  }

  keys(): K[] {
    const out: K[] = [];
    this.scan((uk) => { out.push(this.meta.userKeySer!.deserialize(uk) as K); return true; });
    return out;
  }

  values(): V[] {
    const out: V[] = [];
    this.scan((_, v) => { out.push(this.meta.valueSer.deserialize(v) as V); return true; });
    return out;
  }

  isEmpty(): boolean {
    let empty = true;
    this.scan(() => { empty = false; return false; });
    return empty;
  }

  clear(): void {
    const prefix = this.currentStoreKey();
    this.scope.store.deleteRange(this.meta.id, prefix, prefixEnd(prefix));
  }
}

/**
 * List state: the whole list is one store value (a list payload). Appending rewrites it, which is O(list) per add;
 * fine for the short lists joins keep per key, and the price of having no merge operator in LMDB.
 */
export class LmdbListState<T> extends LmdbStateBase implements ListState<T> {
  get(): readonly T[] {
    const payload = this.readPayload(this.currentStoreKey());
    if (payload === undefined) return [];
    return decodeList(payload).map((b) => this.meta.valueSer.deserialize(b) as T);
  }

  add(value: T): void { this.addAll([value]); }

  addAll(values: readonly T[]): void {
    if (values.length === 0) return;
    const key = this.currentStoreKey();
    const current = this.readPayload(key);
    const payload = appendList(current, values.map((v) => this.meta.valueSer.serialize(v)));
    this.scope.store.put(this.meta.id, key, storedValue(this.scope.now(), payload));
  }

  update(values: readonly T[]): void {
    if (values.length === 0) { this.clear(); return; }
    const payload = appendList(undefined, values.map((v) => this.meta.valueSer.serialize(v)));
    this.scope.store.put(this.meta.id, this.currentStoreKey(), storedValue(this.scope.now(), payload));
  }

  clear(): void { this.scope.store.delete(this.meta.id, this.currentStoreKey()); }
}

/**
 * Value, map and list state on the heap. Values are kept as the JS objects the operator wrote (serialized only for
 * snapshots and size estimates), so reads and writes cost a Map lookup each.
 */
import { decodeList, encodeList, keyString, keyStringBytes, type StateEntry } from '../key-encoding.ts';
import type { ListState, MapState, ValueState } from '../keyed-state.ts';
import type { TableMeta } from '../backend-base.ts';
import type { EntrySink } from '../snapshot.ts';
import type { GroupChanges, GroupMap, HeapEntry, HeapTable } from './cow.ts';

/** What a heap state needs from its backend: the current key and the clock. */
export interface HeapScope {
  readonly ttlMs: number;
  /** The current key as a Map key; throws without a current key. */
  currentKeyString(table: string): string;
  readonly currentKeyGroup: number;
  keyGroupFor(key: Uint8Array, hash: number): number;
  now(): number;
}

/** What the backend needs from every heap state: snapshot, restore and TTL cleanup of its table. */
export interface HeapTableOps {
  readonly meta: TableMeta;
  readonly table: HeapTable<unknown>;
  /** Portable entries of a frozen group, leaving out those expired at `now`. */
  entriesOf(group: GroupMap<unknown>, now: number): Iterable<StateEntry>;
  /** {@link entriesOf} into `sink` (the encoder's fast path). */
  writeAll(group: GroupMap<unknown>, now: number, sink: EntrySink): void;
  /**
   * Incremental snapshots: into `sink`, the `changes` keys (or user keys) a frozen group (absent: empty) no longer
   * holds or holds expired, as removals, and the live entries of the others.
   */
  writeChanges(group: GroupMap<unknown> | undefined, changes: GroupChanges, now: number, sink: EntrySink): void;
  load(keyGroup: number, entries: Iterable<StateEntry>): void;
  /** Removes what has expired under `key`; returns the number of logical entries removed. */
  expire(keyGroup: number, key: string, now: number): number;
  /** Logical entries held by one stored entry (1, or the size of a map state's inner map). */
  entryCount(entry: HeapEntry<unknown>): number;
}

const EMPTY = new Uint8Array(0);

const expired = (scope: HeapScope, ts: number, now: number) => scope.ttlMs > 0 && now - ts >= scope.ttlMs;

export class HeapValueState<T> implements ValueState<T>, HeapTableOps {
  readonly name: string;

  constructor(readonly meta: TableMeta, readonly table: HeapTable<T>, private readonly scope: HeapScope) {
    this.name = meta.name;
  }

  private read(keyGroup: number, key: string): T | undefined {
    const e = this.table.get(keyGroup, key);
    if (e === undefined) return undefined;
    if (this.scope.ttlMs > 0 && expired(this.scope, e.ts, this.scope.now())) {
      this.remove(keyGroup, key);
      return undefined;
    }
    return e.v;
  }

  private write(keyGroup: number, key: string, value: T | undefined): void {
    if (value === undefined) { this.remove(keyGroup, key); return; }
    if (this.table.set(keyGroup, key, value, this.scope.now())) this.table.count++;
    this.table.touched(keyGroup, key);
  }

  private remove(keyGroup: number, key: string): void {
    if (!this.table.delete(keyGroup, key)) return;
    this.table.count--;
    this.table.touched(keyGroup, key);
  }

  value(): T | undefined {
    const key = this.scope.currentKeyString(this.name);
    return this.read(this.scope.currentKeyGroup, key);
  }

  update(value: T): void {
    const key = this.scope.currentKeyString(this.name);
    this.write(this.scope.currentKeyGroup, key, value);
  }

  clear(): void {
    const key = this.scope.currentKeyString(this.name);
    this.remove(this.scope.currentKeyGroup, key);
  }

  getMany(keys: readonly Uint8Array[], hashes: ArrayLike<number>): (T | undefined)[] {
    const out = new Array<T | undefined>(keys.length);
    for (let i = 0; i < keys.length; i++) out[i] = this.read(this.scope.keyGroupFor(keys[i], hashes[i]), keyString(keys[i]));
    return out;
  }

  putMany(keys: readonly Uint8Array[], hashes: ArrayLike<number>, values: readonly (T | undefined)[]): void {
    for (let i = 0; i < keys.length; i++) this.write(this.scope.keyGroupFor(keys[i], hashes[i]), keyString(keys[i]), values[i]);
  }

  *entriesOf(group: GroupMap<unknown>, now: number): Iterable<StateEntry> {
    const ser = this.meta.valueSer;
    for (const [k, e] of group.map) {
      if (!expired(this.scope, e.ts, now)) yield { key: keyStringBytes(k), userKey: EMPTY, timestamp: e.ts, value: ser.serialize(e.v) };
    }
  }

  writeAll(group: GroupMap<unknown>, now: number, sink: EntrySink): void {
    const ser = this.meta.valueSer;
    for (const [k, e] of group.map) if (!expired(this.scope, e.ts, now)) sink.entry(k, '', e.ts, ser.serialize(e.v));
  }

  writeChanges(group: GroupMap<unknown> | undefined, changes: GroupChanges, now: number, sink: EntrySink): void {
    const ser = this.meta.valueSer;
    for (const k of changes.keys()) {
      const e = group?.map.get(k);
      if (e && !expired(this.scope, e.ts, now)) sink.entry(k, '', e.ts, ser.serialize(e.v));
      else sink.removeKey(k);
    }
  }

  load(keyGroup: number, entries: Iterable<StateEntry>): void {
    for (const e of entries) {
      if (this.table.set(keyGroup, keyString(e.key), this.meta.valueSer.deserialize(e.value) as T, e.timestamp)) this.table.count++;
    }
  }

  expire(keyGroup: number, key: string, now: number): number {
    const e = this.table.get(keyGroup, key);
    if (e === undefined || !expired(this.scope, e.ts, now)) return 0;
    this.remove(keyGroup, key);
    return 1;
  }

  entryCount(): number { return 1; }
}

/** An inner map entry; replaced, never edited, so snapshots can share it. */
interface MapCell<K, V> {
  readonly k: K;
  readonly v: V;
  readonly ts: number;
}

type Inner<K, V> = Map<string, MapCell<K, V>>;

/**
 * Map state: per key, an inner Map from the serialized user key (as a string) to the user key and value. User keys
 * are identified by their serialized bytes, so a user key serializer must be canonical (equal keys, equal bytes).
 */
export class HeapMapState<K, V> implements MapState<K, V>, HeapTableOps {
  readonly name: string;

  constructor(readonly meta: TableMeta, readonly table: HeapTable<Inner<K, V>>, private readonly scope: HeapScope) {
    this.name = meta.name;
  }

  private userKey(k: K): string {
    return keyString(this.meta.userKeySer!.serialize(k));
  }

  /** The current key's inner map, copied first when a snapshot shares it; created when `create`. */
  private writableInner(keyGroup: number, key: string, create: boolean): Inner<K, V> | undefined {
    const e = this.table.get(keyGroup, key);
    if (e === undefined) {
      if (!create) return undefined;
      const inner: Inner<K, V> = new Map();
      this.table.set(keyGroup, key, inner, 0);
      return inner;
    }
    if (this.table.owns(e)) return e.v;
    const copy = new Map(e.v);
    this.table.set(keyGroup, key, copy, 0);
    return copy;
  }

  private cell(uk: string): MapCell<K, V> | undefined {
    const keyGroup = this.scope.currentKeyGroup;
    const key = this.scope.currentKeyString(this.name);
    const c = this.table.get(keyGroup, key)?.v.get(uk);
    if (c === undefined || this.scope.ttlMs === 0 || !expired(this.scope, c.ts, this.scope.now())) return c;
    this.removeCell(keyGroup, key, uk);
    return undefined;
  }

  private removeCell(keyGroup: number, key: string, uk: string): void {
    const e = this.table.get(keyGroup, key);
    if (!e?.v.has(uk)) return;
    const inner = this.writableInner(keyGroup, key, false)!;
    inner.delete(uk);
    this.table.count--;
    this.table.touchedCell(keyGroup, key, uk, null);
    if (inner.size === 0) this.table.delete(keyGroup, key);
  }

  get(userKey: K): V | undefined { return this.cell(this.userKey(userKey))?.v; }

  contains(userKey: K): boolean { return this.cell(this.userKey(userKey)) !== undefined; }

  put(userKey: K, value: V): void {
    const key = this.scope.currentKeyString(this.name);
    const inner = this.writableInner(this.scope.currentKeyGroup, key, true)!;
    const uk = this.userKey(userKey);
    if (!inner.has(uk)) this.table.count++;
    const cell: MapCell<K, V> = { k: userKey, v: value, ts: this.scope.now() };
    inner.set(uk, cell);
    this.table.touchedCell(this.scope.currentKeyGroup, key, uk, cell);
  }

  putAll(entries: Iterable<readonly [K, V]>): void {
    for (const [k, v] of entries) this.put(k, v);
  }

  remove(userKey: K): void {
    const key = this.scope.currentKeyString(this.name);
    this.removeCell(this.scope.currentKeyGroup, key, this.userKey(userKey));
  }

  private liveCells(): MapCell<K, V>[] {
    const key = this.scope.currentKeyString(this.name);
    const e = this.table.get(this.scope.currentKeyGroup, key);
    if (e === undefined) return [];
    const now = this.scope.ttlMs > 0 ? this.scope.now() : 0;
    const out: MapCell<K, V>[] = [];
    for (const c of e.v.values()) if (!expired(this.scope, c.ts, now)) out.push(c);
    return out;
  }

  entries(): [K, V][] { return this.liveCells().map((c) => [c.k, c.v]); }
  keys(): K[] { return this.liveCells().map((c) => c.k); }
  values(): V[] { return this.liveCells().map((c) => c.v); }
  isEmpty(): boolean { return this.liveCells().length === 0; }

  clear(): void {
    const key = this.scope.currentKeyString(this.name);
    const keyGroup = this.scope.currentKeyGroup;
    const e = this.table.get(keyGroup, key);
    if (e === undefined) return;
    this.table.count -= e.v.size;
    this.table.delete(keyGroup, key);
    this.table.cleared(keyGroup, key);
  }

  *entriesOf(group: GroupMap<unknown>, now: number): Iterable<StateEntry> {
    const ser = this.meta.valueSer;
    for (const [k, e] of (group as GroupMap<Inner<K, V>>).map) {
      const key = keyStringBytes(k);
      for (const [uk, c] of e.v) {
        if (!expired(this.scope, c.ts, now)) yield { key, userKey: keyStringBytes(uk), timestamp: c.ts, value: ser.serialize(c.v) };
      }
    }
  }

  writeAll(group: GroupMap<unknown>, now: number, sink: EntrySink): void {
    const ser = this.meta.valueSer;
    for (const [k, e] of (group as GroupMap<Inner<K, V>>).map) {
      for (const [uk, c] of e.v) if (!expired(this.scope, c.ts, now)) sink.entry(k, uk, c.ts, ser.serialize(c.v));
    }
  }

  /**
   * From the recorded cells, without looking them up: a cleared key is removed, then its cells written since follow;
   * otherwise each changed cell is written, or its removal (removed or expired).
   */
  writeChanges(_group: GroupMap<unknown> | undefined, changes: GroupChanges, now: number, sink: EntrySink): void {
    const ser = this.meta.valueSer;
    for (const [k, change] of changes) {
      if (change === null) continue; // not recorded for map state
      if (change.whole) sink.removeKey(k);
      for (const [uk, cell] of change.cells as Map<string, MapCell<K, V> | null>) {
        if (cell !== null && !expired(this.scope, cell.ts, now)) sink.entry(k, uk, cell.ts, ser.serialize(cell.v));
        else if (!change.whole) sink.removeCell(k, uk);
      }
    }
  }

  load(keyGroup: number, entries: Iterable<StateEntry>): void {
    for (const e of entries) {
      const inner = this.writableInner(keyGroup, keyString(e.key), true)!;
      const uk = keyString(e.userKey);
      if (!inner.has(uk)) this.table.count++;
      inner.set(uk, { k: this.meta.userKeySer!.deserialize(e.userKey) as K, v: this.meta.valueSer.deserialize(e.value) as V, ts: e.timestamp });
    }
  }

  expire(keyGroup: number, key: string, now: number): number {
    const e = this.table.get(keyGroup, key);
    if (e === undefined) return 0;
    let removed = 0;
    for (const [uk, c] of e.v) {
      if (expired(this.scope, c.ts, now)) { this.removeCell(keyGroup, key, uk); removed++; }
    }
    return removed;
  }

  entryCount(entry: HeapEntry<unknown>): number { return (entry.v as Inner<K, V>).size; }
}

/** List state: per key, an array appended in place while no snapshot shares it. */
export class HeapListState<T> implements ListState<T>, HeapTableOps {
  readonly name: string;

  constructor(readonly meta: TableMeta, readonly table: HeapTable<T[]>, private readonly scope: HeapScope) {
    this.name = meta.name;
  }

  private live(keyGroup: number, key: string): HeapEntry<T[]> | undefined {
    const e = this.table.get(keyGroup, key);
    if (e === undefined || this.scope.ttlMs === 0 || !expired(this.scope, e.ts, this.scope.now())) return e;
    this.drop(keyGroup, key);
    return undefined;
  }

  private drop(keyGroup: number, key: string): void {
    if (!this.table.delete(keyGroup, key)) return;
    this.table.count--;
    this.table.touched(keyGroup, key);
  }

  get(): readonly T[] {
    return this.live(this.scope.currentKeyGroup, this.scope.currentKeyString(this.name))?.v ?? [];
  }

  add(value: T): void { this.addAll([value]); }

  addAll(values: readonly T[]): void {
    if (values.length === 0) return;
    const key = this.scope.currentKeyString(this.name);
    const keyGroup = this.scope.currentKeyGroup;
    const e = this.live(keyGroup, key);
    const now = this.scope.now();
    if (e === undefined) {
      this.table.set(keyGroup, key, values.slice(), now);
      this.table.count++;
    } else if (this.table.owns(e)) {
      for (const v of values) e.v.push(v);
      e.ts = now;
    } else {
      this.table.set(keyGroup, key, e.v.concat(values), now);
    }
    this.table.touched(keyGroup, key);
  }

  update(values: readonly T[]): void {
    if (values.length === 0) { this.clear(); return; }
    const key = this.scope.currentKeyString(this.name);
    if (this.table.set(this.scope.currentKeyGroup, key, values.slice(), this.scope.now())) this.table.count++;
    this.table.touched(this.scope.currentKeyGroup, key);
  }

  clear(): void {
    this.drop(this.scope.currentKeyGroup, this.scope.currentKeyString(this.name));
  }

  *entriesOf(group: GroupMap<unknown>, now: number): Iterable<StateEntry> {
    const ser = this.meta.valueSer;
    for (const [k, e] of (group as GroupMap<T[]>).map) {
      if (!expired(this.scope, e.ts, now)) yield { key: keyStringBytes(k), userKey: EMPTY, timestamp: e.ts, value: encodeList(e.v.map((v) => ser.serialize(v))) };
    }
  }

  writeAll(group: GroupMap<unknown>, now: number, sink: EntrySink): void {
    const ser = this.meta.valueSer;
    for (const [k, e] of (group as GroupMap<T[]>).map) {
      if (!expired(this.scope, e.ts, now)) sink.entry(k, '', e.ts, encodeList(e.v.map((v) => ser.serialize(v))));
    }
  }

  writeChanges(group: GroupMap<unknown> | undefined, changes: GroupChanges, now: number, sink: EntrySink): void {
    const ser = this.meta.valueSer;
    for (const k of changes.keys()) {
      const e = (group as GroupMap<T[]> | undefined)?.map.get(k);
      if (e && !expired(this.scope, e.ts, now)) sink.entry(k, '', e.ts, encodeList(e.v.map((v) => ser.serialize(v))));
      else sink.removeKey(k);
    }
  }

  load(keyGroup: number, entries: Iterable<StateEntry>): void {
    const ser = this.meta.valueSer;
    for (const e of entries) {
      const list = decodeList(e.value).map((b) => ser.deserialize(b) as T);
      if (this.table.set(keyGroup, keyString(e.key), list, e.timestamp)) this.table.count++;
    }
  }

  expire(keyGroup: number, key: string, now: number): number {
    const e = this.table.get(keyGroup, key);
    if (e === undefined || !expired(this.scope, e.ts, now)) return 0;
    this.drop(keyGroup, key);
    return 1;
  }

  entryCount(): number { return 1; }
}

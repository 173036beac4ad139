/**
 * Copy-on-write storage of the heap backend, so a snapshot is O(number of key groups) to take and the operator can
 * keep writing while the snapshot is serialized (the idea of Flink's CopyOnWriteStateMap, at key-group grain).
 *
 * Every mutable object (a key group's Map, a list, a map state's inner Map) records the generation it was created
 * in. A snapshot pins the current generation and starts a new one. An object is owned, i.e. may be mutated in
 * place, only if it was created after the newest snapshot still alive; otherwise the writer copies it first and the
 * snapshot keeps the old one. Once every snapshot is released, everything is owned again and no copies are made.
 */
export class Generations {
  /** Generation of objects created now. */
  current = 0;
  /** Objects with a generation below this may be shared with a live snapshot. */
  ownedFrom = 0;
  private readonly live = new Map<number, number>();

  owns(generation: number): boolean {
    return generation >= this.ownedFrom;
  }

  /** Pins the current generation for a snapshot; returns the token to release it with. */
  pin(): number {
    const pinned = this.current;
    this.live.set(pinned, (this.live.get(pinned) ?? 0) + 1);
    this.current++;
    this.ownedFrom = this.current;
    return pinned;
  }

  release(pinned: number): void {
    const n = this.live.get(pinned);
    if (n === undefined) return;
    if (n > 1) this.live.set(pinned, n - 1);
    else this.live.delete(pinned);
    let newest = -1;
    for (const g of this.live.keys()) newest = Math.max(newest, g);
    this.ownedFrom = newest + 1;
  }
}

/** One stored entry. Mutable only while `gen` is owned (see {@link Generations}). */
export interface HeapEntry<V> {
  v: V;
  /** Last write, processing-time ms. */
  ts: number;
  gen: number;
}

/** A key group's entries, by key string (see `keyString`). */
export interface GroupMap<V> {
  readonly map: Map<string, HeapEntry<V>>;
  readonly gen: number;
}

/**
 * Map state: a key's changes since the last snapshot. `whole`: the key was cleared (its older cells are gone);
 * `cells`: the user keys written since, each with its newest cell, or null when it was removed. Cells are never
 * edited (a write replaces them), so they are the values as of the snapshot that seals the change set.
 */
export interface CellChanges {
  whole: boolean;
  readonly cells: Map<string, unknown>;
}

/** Per key changed since the last snapshot: null for value and list state (the key as a whole), else its cells. */
export type GroupChanges = Map<string, CellChanges | null>;

/**
 * The keys of one table written since the last snapshot, per key group (indexed from the range start): what an
 * incremental snapshot writes. Recorded only once a snapshot has been taken (before that, every snapshot is full).
 */
export class ChangeSet {
  readonly groups: (GroupChanges | undefined)[];

  constructor(groupCount: number) {
    this.groups = new Array(groupCount).fill(undefined);
  }

  private group(i: number): GroupChanges {
    return (this.groups[i] ??= new Map());
  }

  /** The whole key changed (value and list state, a map state's clear). */
  key(i: number, key: string): void {
    this.group(i).set(key, null);
  }

  /** A map state's key was cleared: its older cells are gone. */
  cleared(i: number, key: string): void {
    this.group(i).set(key, { whole: true, cells: new Map() });
  }

  /** One user key of a map state's key now holds `cell` (null: removed). */
  cell(i: number, key: string, userKey: string, cell: unknown): void {
    const g = this.group(i);
    let changes = g.get(key);
    if (!changes) g.set(key, (changes = { whole: false, cells: new Map() }));
    changes.cells.set(userKey, cell);
  }
}

/**
 * One state table: a Map per key group (indexed from the range start), so a snapshot or a restore works a key group
 * at a time and a rescale moves whole groups. `count` is the number of logical entries, maintained by the state
 * classes (for map state it counts user keys, not outer keys).
 */
export class HeapTable<V> {
  groups: (GroupMap<V> | undefined)[];
  count = 0;
  /** Changes since the last snapshot; null while no change tracking is wanted (see HeapStateBackend.snapshot). */
  changes: ChangeSet | null = null;

  constructor(readonly firstGroup: number, groupCount: number, private readonly gens: Generations) {
    this.groups = new Array(groupCount).fill(undefined);
  }

  get(keyGroup: number, key: string): HeapEntry<V> | undefined {
    return this.groups[keyGroup - this.firstGroup]?.map.get(key);
  }

  /** The key group's Map, copied first if a live snapshot shares it. */
  writable(keyGroup: number): Map<string, HeapEntry<V>> {
    const i = keyGroup - this.firstGroup;
    const g = this.groups[i];
    if (g && this.gens.owns(g.gen)) return g.map;
    const copy: GroupMap<V> = { map: g ? new Map(g.map) : new Map(), gen: this.gens.current };
    this.groups[i] = copy;
    return copy.map;
  }

  /** Stores `v` under `key` as a new entry (entries themselves may be shared, so they are replaced, not edited). */
  set(keyGroup: number, key: string, v: V, ts: number): boolean {
    const map = this.writable(keyGroup);
    const had = map.has(key);
    map.set(key, { v, ts, gen: this.gens.current });
    return !had;
  }

  delete(keyGroup: number, key: string): boolean {
    const i = keyGroup - this.firstGroup;
    if (!this.groups[i]?.map.has(key)) return false;
    return this.writable(keyGroup).delete(key);
  }

  /** Records that `key` changed as a whole (for incremental snapshots). */
  touched(keyGroup: number, key: string): void {
    this.changes?.key(keyGroup - this.firstGroup, key);
  }

  /** Records that one user key of `key` now holds `cell`, or was removed (null) (map state). */
  touchedCell(keyGroup: number, key: string, userKey: string, cell: unknown): void {
    this.changes?.cell(keyGroup - this.firstGroup, key, userKey, cell);
  }

  /** Records that `key` was cleared (map state). */
  cleared(keyGroup: number, key: string): void {
    this.changes?.cleared(keyGroup - this.firstGroup, key);
  }

  /** Starts a new change set (null: stops tracking) and returns the previous one. */
  swapChanges(next: ChangeSet | null): ChangeSet | null {
    const previous = this.changes;
    this.changes = next;
    return previous;
  }

  owns(entry: HeapEntry<V>): boolean {
    return this.gens.owns(entry.gen);
  }

  /** The group Maps as they are now, for a snapshot (valid as long as the generation stays pinned). */
  freeze(): (GroupMap<V> | undefined)[] {
    return this.groups.slice();
  }

  clearGroup(keyGroup: number, entriesIn: (entry: HeapEntry<V>) => number): void {
    const i = keyGroup - this.firstGroup;
    const g = this.groups[i];
    if (!g) return;
    for (const e of g.map.values()) this.count -= entriesIn(e);
    this.groups[i] = undefined;
  }
}

import type { KeyGroupRange } from '../key-groups.ts';
import { KeyedBackendBase, type KeyedBackendOptions, type TableMeta } from '../backend-base.ts';
import { keyString, keyStringBytes, type StateEntry } from '../key-encoding.ts';
import type { ListState, MapState, StateTableSize, ValueState } from '../keyed-state.ts';
import type { EntrySink, SnapshotManifest, StateRemoval, StateSnapshot } from '../snapshot.ts';
import { snapshotFailed } from '../state-errors.ts';
import { ChangeSet, Generations, HeapTable, type GroupChanges, type GroupMap } from './cow.ts';
import { HeapListState, HeapMapState, HeapValueState, type HeapScope, type HeapTableOps } from './heap-states.ts';

/** Entries serialized to estimate a table's bytes. */
const SIZE_SAMPLE = 32;

/**
 * Keyed state in JS Maps: one Map per state table per key group, values kept as objects. The fastest backend, for
 * state that fits in memory (Flink's `hashmap`). Snapshots are copy-on-write (see `cow.ts`): taking one is
 * O(tables × key groups), and writes after it copy only the key groups and lists they touch.
 *
 * Incremental snapshots: from the first snapshot on, every table records the keys written since the last snapshot
 * (`ChangeSet`); `snapshot(id, { delta: true })` then holds only those keys (their values, or their removal). A delta
 * is possible only when every snapshot since the last full one was taken by this backend with nothing restored in
 * between; otherwise the snapshot is full (its `delta` says which).
 */
export class HeapStateBackend extends KeyedBackendBase implements HeapScope {
  readonly kind = 'heap' as const;
  private readonly gens = new Generations();
  private readonly ops: HeapTableOps[] = [];
  private keyStr: string | undefined;
  private cursor = { table: 0, group: 0, keys: undefined as Iterator<string> | undefined };
  /** Changes are recorded since the last snapshot (false before the first one and after a restore). */
  private tracking = false;

  constructor(options: KeyedBackendOptions) {
    super(options);
  }

  protected override keyChanged(): void { this.keyStr = undefined; }

  currentKeyString(table: string): string {
    return (this.keyStr ??= keyString(this.requireKey(table)));
  }

  keyGroupFor(key: Uint8Array, hash: number): number { return this.groupOf(key, hash); }

  override now(): number { return this.clock(); }

  private newTable<V>(): HeapTable<V> {
    const { start, end } = this.keyGroupRange;
    const table = new HeapTable<V>(start, end - start + 1, this.gens);
    // Declared after a snapshot: it was empty then, so a delta must hold everything it gets from now on.
    if (this.tracking) table.changes = new ChangeSet(end - start + 1);
    return table;
  }

  private add<S extends HeapTableOps>(state: S): S {
    this.ops[state.meta.id] = state;
    return state;
  }

  protected createValueState<T>(meta: TableMeta): ValueState<T> {
    return this.add(new HeapValueState<T>(meta, this.newTable<T>(), this));
  }

  protected createMapState<K, V>(meta: TableMeta): MapState<K, V> {
    return this.add(new HeapMapState<K, V>(meta, this.newTable(), this));
  }

  protected createListState<T>(meta: TableMeta): ListState<T> {
    return this.add(new HeapListState<T>(meta, this.newTable<T[]>(), this));
  }

  /**
   * `delta: true`: only what changed since the previous snapshot, when possible (see the class comment). With
   * `delta` given (true or false), recording changes starts anew from here, for the next snapshot; without it (no
   * incremental checkpoints) nothing is recorded.
   */
  snapshot(checkpointId: number, options: { readonly delta?: boolean } = {}): StateSnapshot {
    const now = this.clock();
    const frozen = this.ops.map((o) => o.table.freeze());
    const groupCount = this.keyGroupRange.end - this.keyGroupRange.start + 1;
    const delta = options.delta === true && this.tracking;
    this.tracking = options.delta !== undefined;
    const changes = this.ops.map((o) => o.table.swapChanges(this.tracking ? new ChangeSet(groupCount) : null));
    const token = this.gens.pin();
    let live = 0;
    for (const o of this.ops) live += o.table.count;
    return new HeapSnapshot(this.manifest(checkpointId, now), this.keyGroupRange.start, frozen, this.ops.slice(), now, () => this.gens.release(token),
      delta ? changes.map((c) => c ?? new ChangeSet(groupCount)) : null, live);
  }

  protected clearKeyGroups(range: KeyGroupRange): void {
    // Restored state is not what the previous snapshot held: the next snapshot must be full.
    this.tracking = false;
    for (const o of this.ops) o.table.swapChanges(null);
    for (const o of this.ops) {
      for (let g = range.start; g <= range.end; g++) o.table.clearGroup(g, (e) => o.entryCount(e));
    }
  }

  protected loadEntries(meta: TableMeta, keyGroup: number, entries: Iterable<StateEntry>): void {
    this.ops[meta.id].load(keyGroup, entries);
  }

  /**
   * Walks the tables key group by key group, resuming where the previous call stopped, so repeated small calls
   * visit every key (Flink's incremental cleanup). `budget` counts keys examined.
   */
  cleanupExpired(budget: number): number {
    if (this.ttlMs === 0 || this.ops.length === 0) return 0;
    const now = this.clock();
    const groupsPerTable = this.keyGroupRange.end - this.keyGroupRange.start + 1;
    const c = this.cursor;
    let examined = 0;
    let removed = 0;
    let groupsStarted = 0;
    while (examined < budget) {
      if (c.keys === undefined) {
        // One full lap over all groups without finding a key means there is nothing to examine.
        if (groupsStarted++ > this.ops.length * groupsPerTable) break;
        if (c.table >= this.ops.length) { c.table = 0; c.group = 0; }
        const g = this.ops[c.table].table.groups[c.group];
        if (g && g.map.size > 0) c.keys = g.map.keys();
        else this.advance(c, groupsPerTable);
        continue;
      }
      const next = c.keys.next();
      if (next.done) {
        c.keys = undefined;
        this.advance(c, groupsPerTable);
        continue;
      }
      examined++;
      removed += this.ops[c.table].expire(this.keyGroupRange.start + c.group, next.value, now);
    }
    return removed;
  }

  private advance(c: { table: number; group: number }, groupsPerTable: number): void {
    if (++c.group >= groupsPerTable) { c.group = 0; c.table++; }
  }

  protected tableSize(meta: TableMeta): StateTableSize {
    const o = this.ops[meta.id];
    const entries = o.table.count;
    let sampled = 0;
    let sampleBytes = 0;
    const now = this.clock();
    for (const g of o.table.groups) {
      if (!g || sampled >= SIZE_SAMPLE) continue;
      for (const e of o.entriesOf(g, now)) {
        sampleBytes += e.key.length + e.userKey.length + e.value.length + 8;
        if (++sampled >= SIZE_SAMPLE) break;
      }
    }
    return { table: meta.name, kind: meta.kind, entries, bytes: sampled === 0 ? 0 : Math.round((sampleBytes / sampled) * entries) };
  }

  async dispose(): Promise<void> {
    for (const o of this.ops) {
      o.table.groups.fill(undefined);
      o.table.count = 0;
    }
  }
}

/**
 * A heap snapshot: the group Maps as they were, kept unchanged by copy-on-write until released. With `changes` it is
 * a delta: per table, the keys written since the previous snapshot, read from those same frozen Maps.
 */
class HeapSnapshot implements StateSnapshot {
  private released = false;
  private readonly tableIndex: Map<string, number>;
  readonly delta: boolean;

  constructor(
    readonly manifest: SnapshotManifest,
    private readonly firstGroup: number,
    private readonly frozen: (GroupMap<unknown> | undefined)[][],
    private readonly ops: HeapTableOps[],
    private readonly now: number,
    private readonly unpin: () => void,
    private readonly changes: ChangeSet[] | null,
    readonly liveEntries: number,
  ) {
    this.tableIndex = new Map(manifest.tables.map((t, i) => [t.name, i]));
    this.delta = changes !== null;
  }

  /** A delta's changes of `table` in `keyGroup` (undefined: none). */
  private changesOf(table: string, keyGroup: number): GroupChanges | undefined {
    const i = this.tableIndex.get(table);
    return i === undefined ? undefined : this.changes?.[i].groups[keyGroup - this.firstGroup];
  }

  writeGroup(table: string, keyGroup: number, sink: EntrySink): void {
    const g = this.groupsOf(table)[keyGroup - this.firstGroup];
    const i = this.tableIndex.get(table);
    if (i === undefined) return;
    if (this.changes) {
      const c = this.changesOf(table, keyGroup);
      if (c) this.ops[i].writeChanges(g, c, this.now, sink);
    } else if (g) {
      this.ops[i].writeAll(g, this.now, sink);
    }
  }

  /** A delta's group as objects (the encoder uses {@link writeGroup}; this serves other readers). */
  private collect(table: string, keyGroup: number): { entries: StateEntry[]; removals: StateRemoval[] } {
    const out = { entries: [] as StateEntry[], removals: [] as StateRemoval[] };
    this.writeGroup(table, keyGroup, {
      entry: (key, userKey, timestamp, value) => out.entries.push({ key: keyStringBytes(key), userKey: keyStringBytes(userKey), timestamp, value }),
      removeKey: (key) => out.removals.push({ key: keyStringBytes(key), userKey: null }),
      removeCell: (key, userKey) => out.removals.push({ key: keyStringBytes(key), userKey: keyStringBytes(userKey) }),
    });
    return out;
  }

  removals(table: string, keyGroup: number): Iterable<StateRemoval> {
    return this.changes ? this.collect(table, keyGroup).removals : [];
  }

  private groupsOf(table: string): (GroupMap<unknown> | undefined)[] {
    if (this.released) throw snapshotFailed(`Snapshot of checkpoint ${this.manifest.checkpointId} was used after release`);
    const i = this.tableIndex.get(table);
    return i === undefined ? [] : this.frozen[i];
  }

  keyGroups(table: string): number[] {
    const out: number[] = [];
    const groups = this.groupsOf(table);
    if (this.changes) {
      const i = this.tableIndex.get(table);
      if (i !== undefined) this.changes[i].groups.forEach((c, i) => { if (c && c.size > 0) out.push(this.firstGroup + i); });
    } else {
      groups.forEach((g, i) => { if (g && g.map.size > 0) out.push(this.firstGroup + i); });
    }
    return out;
  }

  entries(table: string, keyGroup: number): Iterable<StateEntry> {
    if (this.changes) return this.collect(table, keyGroup).entries;
    const g = this.groupsOf(table)[keyGroup - this.firstGroup];
    return g ? this.ops[this.tableIndex.get(table)!].entriesOf(g, this.now) : [];
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.unpin();
  }
}

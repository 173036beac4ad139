/**
 * The persistent keyed state backend, for state larger than memory: selected by `state.backend: rocksdb` (Flink's
 * name, kept for configuration compatibility), `lmdb` or `embedded`.
 *
 * Why LMDB (the `lmdb` package, lmdb-js) and not RocksDB or LevelDB: operators run a synchronous per-row loop over
 * columnar batches, and LMDB is the embedded store with synchronous reads from JS (memory-mapped B-tree, ~1 µs per
 * lookup), so state access needs no per-row await. `classic-level` (LevelDB) also installs and loads here, but its
 * API is async only; the `rocksdb` npm package is unmaintained and builds from source; `better-sqlite3` needs a
 * prebuilt binary downloaded by an install script, which this environment blocks. `lmdb` ships its native binary in
 * per-platform optional packages (`@lmdb/lmdb-linux-x64`), so it installs with install scripts disabled. Its
 * weaknesses, handled here: synchronous commits are costly (hence the write buffer in `lmdb-store.ts`), keys are at
 * most 4026 bytes with 8 KiB pages (longer keys fail with a clear error), and there is no merge operator (list
 * appends rewrite the list).
 */
import type { KeyGroupRange } from '../key-groups.ts';
import { KeyedBackendBase, type KeyedBackendOptions, type TableMeta } from '../backend-base.ts';
import type { StateEntry } from '../key-encoding.ts';
import type { ListState, MapState, StateTableSize, ValueState } from '../keyed-state.ts';
import type { SnapshotManifest, StateSnapshot } from '../snapshot.ts';
import { snapshotFailed } from '../state-errors.ts';
import { entryKey, groupStart, splitKey, storedPayload, storedTimestamp, storedValue } from './lmdb-layout.ts';
import { LmdbStore, type ReadView } from './lmdb-store.ts';
import { LmdbListState, LmdbMapState, LmdbValueState, type LmdbScope } from './lmdb-states.ts';

export interface LmdbBackendOptions extends KeyedBackendOptions {
  /** Parent of the working directory (`state.backend.local-dir`); default the OS temp directory. */
  readonly localDir?: string;
  /** Writes buffered before a commit (`state.backend.local.write-buffer-entries`). */
  readonly writeBufferEntries?: number;
}

/** Above every key: key groups are below 0x8000. */
const END_OF_TABLE = Buffer.from([0xff, 0xff]);
const START_OF_TABLE = Buffer.from([0x00]);

/** Keyed state in an LMDB environment in a private directory, removed on dispose. */
export class LmdbStateBackend extends KeyedBackendBase implements LmdbScope {
  readonly kind = 'lmdb' as const;
  readonly store: LmdbStore;
  keyVersion = 0;
  private readonly views = new Set<ReadView>();
  private readonly cleanup: { table: number; from: Buffer | undefined } = { table: 0, from: undefined };
  /** Table sizes as of dispose: the runtime's final metrics snapshot reads the size gauges after the store closed. */
  private finalSizes: Map<number, StateTableSize> | null = null;

  constructor(options: LmdbBackendOptions) {
    super(options);
    const label = `${options.operatorName ?? 'op'}-${options.subtaskIndex ?? 0}`;
    this.store = new LmdbStore(options.localDir ?? '', label, Math.max(1, options.writeBufferEntries ?? 16_384));
  }

  /** The working directory (for tests and diagnostics). */
  get directory(): string { return this.store.dir; }

  protected override keyChanged(): void { this.keyVersion++; }

  currentKeyFor(table: string): Uint8Array { return this.requireKey(table); }
  keyGroupFor(key: Uint8Array, hash: number): number { return this.groupOf(key, hash); }
  override now(): number { return this.clock(); }

  protected createValueState<T>(meta: TableMeta): ValueState<T> { this.store.openTable(meta.id); return new LmdbValueState<T>(meta, this); }
  protected createMapState<K, V>(meta: TableMeta): MapState<K, V> { this.store.openTable(meta.id); return new LmdbMapState<K, V>(meta, this); }
  protected createListState<T>(meta: TableMeta): ListState<T> { this.store.openTable(meta.id); return new LmdbListState<T>(meta, this); }

  /** Commits the write buffer and pins an LMDB read transaction: the snapshot reads that version. */
  snapshot(checkpointId: number): StateSnapshot {
    const now = this.clock();
    const view = this.store.readView();
    this.views.add(view);
    const release = () => { view.done(); this.views.delete(view); };
    return new LmdbSnapshot(this.manifest(checkpointId, now), this, view, now, release);
  }

  protected clearKeyGroups(range: KeyGroupRange): void {
    for (const t of this.tables) this.store.deleteRange(t.id, groupStart(range.start), groupStart(range.end + 1));
  }

  protected loadEntries(meta: TableMeta, keyGroup: number, entries: Iterable<StateEntry>): void {
    for (const e of entries) this.store.put(meta.id, entryKey(keyGroup, e.key, e.userKey), storedValue(e.timestamp, e.value));
  }

  protected override restored(): void { this.store.flush(); }

  /** Scans up to `budget` entries, table by table, from where the last call stopped, deleting expired ones. */
  cleanupExpired(budget: number): number {
    if (this.ttlMs === 0 || budget <= 0 || this.tables.length === 0) return 0;
    const now = this.clock();
    let examined = 0;
    let removed = 0;
    let tablesVisited = 0;
    while (examined < budget && tablesVisited++ <= this.tables.length) {
      const c = this.cleanup;
      if (c.table >= this.tables.length) { c.table = 0; c.from = undefined; }
      const dead: Buffer[] = [];
      let seen = 0;
      let last: Buffer | undefined;
      for (const { key, value } of this.store.range(c.table, c.from ?? START_OF_TABLE, END_OF_TABLE, undefined, budget - examined)) {
        seen++;
        last = Buffer.from(key);
        if (now - storedTimestamp(value) >= this.ttlMs) dead.push(last);
      }
      for (const k of dead) this.store.delete(c.table, k);
      examined += seen;
      removed += dead.length;
      // Resume just after the last key seen; a table scanned to its end hands over to the next one.
      if (last !== undefined && examined >= budget) c.from = Buffer.concat([last, Buffer.from([0])]);
      else { c.table++; c.from = undefined; }
    }
    this.store.flush();
    return removed;
  }

  protected tableSize(meta: TableMeta): StateTableSize {
    const final = this.finalSizes?.get(meta.id);
    if (final) return final;
    const { entries, bytes } = this.store.size(meta.id);
    return { table: meta.name, kind: meta.kind, entries, bytes };
  }

  async dispose(): Promise<void> {
    if (this.finalSizes === null) {
      const sizes = new Map<number, StateTableSize>();
      for (const t of this.tables) sizes.set(t.id, this.tableSize(t));
      this.finalSizes = sizes;
    }
    for (const v of this.views) v.done();
    this.views.clear();
    await this.store.close();
  }
}

/** A persistent-backend snapshot: range scans in a pinned read transaction. */
class LmdbSnapshot implements StateSnapshot {
  private released = false;
  private readonly ids: Map<string, number>;

  constructor(
    readonly manifest: SnapshotManifest,
    private readonly backend: LmdbStateBackend,
    private readonly view: ReadView,
    private readonly now: number,
    private readonly unpin: () => void,
  ) {
    this.ids = new Map(manifest.tables.map((t, i) => [t.name, i]));
  }

  private tableId(table: string): number | undefined {
    if (this.released) throw snapshotFailed(`Snapshot of checkpoint ${this.manifest.checkpointId} was used after release`);
    return this.ids.get(table);
  }

  keyGroups(table: string): number[] {
    const id = this.tableId(table);
    if (id === undefined) return [];
    const out: number[] = [];
    const { start, end } = this.manifest.keyGroupRange;
    for (let g = start; g <= end; g++) {
      for (const _ of this.backend.store.range(id, groupStart(g), groupStart(g + 1), this.view, 1)) { out.push(g); break; }
    }
    return out;
  }

  *entries(table: string, keyGroup: number): Iterable<StateEntry> {
    const id = this.tableId(table);
    if (id === undefined) return;
    const ttl = this.backend.ttlMs;
    for (const { key, value } of this.backend.store.range(id, groupStart(keyGroup), groupStart(keyGroup + 1), this.view)) {
      const timestamp = storedTimestamp(value);
      if (ttl > 0 && this.now - timestamp >= ttl) continue;
      const parts = splitKey(key);
      yield { key: parts.key, userKey: parts.userKey, timestamp, value: storedPayload(value) };
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    this.unpin();
  }
}

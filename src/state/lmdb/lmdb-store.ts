import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { open, type Database, type RootDatabase } from 'lmdb';
import { keyString } from '../key-encoding.ts';
import { StateError } from '../state-errors.ts';

interface BufferedWrite {
  readonly table: number;
  readonly key: Uint8Array;
  /** null: a delete. */
  readonly value: Uint8Array | null;
}

/** A read transaction pinning a consistent version of the store. */
export interface ReadView {
  readonly transaction: unknown;
  done(): void;
}

/** Named databases an environment may hold: the upper bound on state tables of one operator. */
const MAX_TABLES = 4096;

interface LmdbStats { pageSize: number; treeBranchPageCount: number; treeLeafPageCount: number; overflowPages: number; entryCount: number }

/**
 * An LMDB environment in a private working directory, one named database per state table, with a write buffer in
 * front of them.
 *
 * LMDB reads are synchronous and fast (memory-mapped B-tree), but a synchronous commit per write costs tens of
 * microseconds. So writes go to an in-memory buffer (a Map by table and key, like RocksDB's memtable) that reads
 * consult first, and the buffer is committed in one synchronous transaction when it fills, before range scans, and
 * before a snapshot. Durability comes from checkpoints, not from this store (it is scratch space, like Flink's
 * RocksDB local directory), so commits skip fsync (`noSync`).
 */
export class LmdbStore {
  readonly dir: string;
  private readonly env: RootDatabase<Buffer, Buffer>;
  private readonly tables: Database<Buffer, Buffer>[] = [];
  /** Pending writes by table id (as a char) + key string. */
  private readonly buffer = new Map<string, BufferedWrite>();
  private closed = false;

  constructor(localDir: string, label: string, private readonly bufferLimit: number) {
    const base = localDir || tmpdir();
    mkdirSync(base, { recursive: true });
    this.dir = mkdtempSync(join(base, `weir-state-${label.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 60)}-`));
    try {
      this.env = open<Buffer, Buffer>({
        path: this.dir,
        keyEncoding: 'binary',
        encoding: 'binary',
        maxDbs: MAX_TABLES,
        // Scratch space: recovery is from checkpoints, so neither fsync nor zeroing of pages is needed.
        noSync: true,
        noMemInit: true,
        overlappingSync: false,
        // 8 KiB pages raise LMDB's key limit from 1978 to 4026 bytes and suit data larger than memory.
        pageSize: 8192,
      });
    } catch (cause) {
      rmSync(this.dir, { recursive: true, force: true });
      throw new StateError(`Cannot open the persistent state store in ${this.dir}`, { cause, hint: "Check 'state.backend.local-dir'." });
    }
  }

  /** Creates the database of state table `id`. */
  openTable(id: number): void {
    if (id >= MAX_TABLES) throw new StateError(`The persistent state backend holds at most ${MAX_TABLES} state tables per operator`);
    this.tables[id] = this.env.openDB<Buffer, Buffer>(`t${id}`, { keyEncoding: 'binary', encoding: 'binary' });
  }

  private bufferKey(table: number, key: Uint8Array): string {
    return String.fromCharCode(table) + keyString(key);
  }

  /** The stored value (timestamp + payload), or undefined. Valid only until the next store call: use it at once. */
  get(table: number, key: Uint8Array): Uint8Array | undefined {
    if (this.buffer.size > 0) {
      const w = this.buffer.get(this.bufferKey(table, key));
      if (w !== undefined) return w.value ?? undefined;
    }
    return this.tables[table].getBinaryFast(key as Buffer);
  }

  /** Buffers a write; `key` and `value` must not be changed afterwards. */
  put(table: number, key: Uint8Array, value: Uint8Array): void {
    this.buffer.set(this.bufferKey(table, key), { table, key, value });
    if (this.buffer.size >= this.bufferLimit) this.flush();
  }

  delete(table: number, key: Uint8Array): void {
    this.buffer.set(this.bufferKey(table, key), { table, key, value: null });
    if (this.buffer.size >= this.bufferLimit) this.flush();
  }

  /** Commits the write buffer in one transaction. */
  flush(): void {
    if (this.buffer.size === 0) return;
    this.env.transactionSync(() => {
      for (const w of this.buffer.values()) {
        const db = this.tables[w.table];
        if (w.value !== null) db.putSync(w.key as Buffer, w.value as Buffer);
        else db.removeSync(w.key as Buffer);
      }
    });
    this.buffer.clear();
  }

  /** Entries and bytes (pages in use × page size) of a table, after committing the buffer. */
  size(table: number): { entries: number; bytes: number } {
    this.flush();
    const s = this.tables[table].getStats() as LmdbStats;
    return { entries: s.entryCount, bytes: s.pageSize * (s.treeBranchPageCount + s.treeLeafPageCount + s.overflowPages) };
  }

  /**
   * Entries of a table with `start <= key < end`, after committing the buffer. Keys and values are transient. With a
   * `view`, reads the version that view pinned.
   */
  range(table: number, start: Uint8Array, end: Uint8Array, view?: ReadView, limit?: number): Iterable<{ key: Buffer; value: Buffer }> {
    if (!view) this.flush();
    return this.tables[table].getRange({ start: start as Buffer, end: end as Buffer, limit, transaction: view?.transaction as never });
  }

  /** Commits the buffer and pins the current version for a snapshot. */
  readView(): ReadView {
    this.flush();
    const txn = this.env.useReadTransaction();
    let done = false;
    return { transaction: txn, done: () => { if (!done) { done = true; txn.done(); } } };
  }

  /** Deletes every entry of a table with `start <= key < end`. */
  deleteRange(table: number, start: Uint8Array, end: Uint8Array): void {
    this.flush();
    const db = this.tables[table];
    const keys = [...db.getKeys({ start: start as Buffer, end: end as Buffer })].map((k) => Buffer.from(k));
    if (keys.length > 0) this.env.transactionSync(() => { for (const k of keys) db.removeSync(k); });
  }

  /** Closes the environment and removes the working directory. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.buffer.clear();
    try {
      await this.env.close();
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

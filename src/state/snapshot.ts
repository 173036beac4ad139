/**
 * Keyed-state snapshots and their byte format.
 *
 * A {@link StateSnapshot} is a consistent view of one subtask's state, organized per state table per key group so
 * that a restore at another parallelism reads exactly the groups it owns.
 *
 * Encoded form (`encodeSnapshot`), format `weir-keyed-state` version 3: one MessagePack map (standard msgpack, no
 * records or extensions besides msgpackr's bigint extension, which this envelope never uses) with the fields of
 * {@link SnapshotManifest}, `base` (null for a full snapshot; for a delta, the file name of the snapshot it applies
 * to, in the same directory), `data` (one binary holding every group's records) and `groups`, an array of
 * `{ table, keyGroup, entries, data: [start, end], removed?: [start, end] }` (byte ranges of `data`). A group's
 * `data` range holds `entries` records, each (little-endian):
 *
 *     keyLen | key bytes | userKeyLen | userKey bytes | timestamp f64 | valueLen u32 | value bytes
 *
 * where a length (`keyLen`, `userKeyLen`) is a u16, or for 0xffff bytes and more the u16 0xffff then a u32 (a join
 * stores whole rows as map keys, of any size). Versions 1 and 2 wrote plain u16 lengths and are read as such.
 *
 * Its `removed` range (deltas only) holds removal records, applied before the group's entries:
 *
 *     keyLen | key bytes | scope u8 (0: the whole key, 1: one user key) | [userKeyLen | userKey bytes]
 *
 * A delta's entries replace the entries with the same key and user key (see `snapshot-chain.ts`). Version 1 (no
 * `base`, no removals, each group's `data` a binary of its own) is read as a full snapshot.
 *
 * `key` is the operator's encoded key; `userKey` the serialized map key (empty for value and list state);
 * `timestamp` the last write in processing-time ms; `value` the serialized value (value and map state) or, for list
 * state, `count u32` then `count` × (`len u32`, element bytes). Values are in the bytes of the serializer named in
 * the manifest, so any backend can restore any backend's snapshot.
 */
import { Packr } from 'msgpackr';
import type { KeyGroupRange } from './key-groups.ts';
import { ByteReader, ByteWriter, readEntries, readLength, writeEntry, writeEntryStrings, writeLength, type StateEntry } from './key-encoding.ts';
import type { StateKind } from './keyed-state.ts';
import type { SerializerInfo } from './serializers.ts';
import { restoreFailed, snapshotFailed } from './state-errors.ts';
import type { StateBackendKind } from './state-options.ts';

export const SNAPSHOT_FORMAT = 'weir-keyed-state';
export const SNAPSHOT_FORMAT_VERSION = 3;
/** Versions this build reads: 1 had no deltas, so it reads as a full snapshot. */
const READABLE_VERSIONS: readonly number[] = [1, 2, 3];
/** From this version on, key and user key lengths of 0xffff bytes and more are escaped (`writeLength`). */
const ESCAPED_LENGTHS_SINCE = 3;

/** A state table as the snapshot records it. */
export interface TableManifest {
  readonly name: string;
  readonly kind: StateKind;
  /** Map state only. */
  readonly userKeySerializer?: SerializerInfo;
  /** Value state: the value; map state: the map value; list state: the element. */
  readonly valueSerializer: SerializerInfo;
}

export interface SnapshotManifest {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly formatVersion: number;
  readonly checkpointId: number;
  /** The backend that wrote it (informational: snapshots are portable between backends). */
  readonly backend: StateBackendKind;
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  /** Processing time when the snapshot was taken; entries older than the TTL at that time are left out. */
  readonly timestamp: number;
  readonly tables: readonly TableManifest[];
}

/** Receives a group's entries and removals, keys as {@link keyString}s (one char per byte). */
export interface EntrySink {
  entry(key: string, userKey: string, timestamp: number, value: Uint8Array): void;
  /** Deltas: the whole key is removed. */
  removeKey(key: string): void;
  /** Deltas: one user key of the key is removed. */
  removeCell(key: string, userKey: string): void;
}

/** A key (or one user key of a key) a delta removes. */
export interface StateRemoval {
  readonly key: Uint8Array;
  /** Map state: the one user key removed; null: the whole key (all its user keys). */
  readonly userKey: Uint8Array | null;
}

/**
 * A consistent, immutable view of keyed state, readable per table per key group. A *delta* holds only what changed
 * since the snapshot before it: per group, removals, then entries that replace those with the same key and user key.
 */
export interface StateSnapshot {
  readonly manifest: SnapshotManifest;
  /** True when this is a delta on the previous snapshot of the same backend (see {@link removals}). */
  readonly delta?: boolean;
  /** Logical entries the backend held when the snapshot was taken (heap backend; informs when to take a full one). */
  readonly liveEntries?: number;
  /** Key groups of `table` that may hold entries (or, for a delta, changes), ascending. */
  keyGroups(table: string): readonly number[];
  /** Entries of `table` in `keyGroup`. Byte fields are valid until the next step: copy what you keep. */
  entries(table: string, keyGroup: number): Iterable<StateEntry>;
  /** Deltas: what the group lost since the previous snapshot (applied before {@link entries}). */
  removals?(table: string, keyGroup: number): Iterable<StateRemoval>;
  /**
   * Optional fast path for encoding: hands the group's removals and entries to `sink` directly (what
   * {@link removals} and {@link entries} yield, without making objects of them).
   */
  writeGroup?(table: string, keyGroup: number, sink: EntrySink): void;
  /** Frees what the snapshot pins (copy-on-write generations, a store read transaction). Idempotent. */
  release(): void;
}

/** A group in the envelope: byte ranges of its `data` (version 1: its own binaries). */
interface EncodedGroup {
  table: string;
  keyGroup: number;
  entries: number;
  data: [number, number] | Uint8Array;
  removed?: [number, number];
}

/** Writes a group's entries to the file's data and its removals aside (they go after the entries). */
class GroupSink implements EntrySink {
  count = 0;
  readonly removed = new ByteWriter();

  constructor(private readonly data: ByteWriter) {}

  entry(key: string, userKey: string, timestamp: number, value: Uint8Array): void {
    writeEntryStrings(this.data, key, userKey, timestamp, value);
    this.count++;
  }

  removeKey(key: string): void {
    writeLength(this.removed, key.length);
    this.removed.latin1(key);
    this.removed.u8(0);
  }

  removeCell(key: string, userKey: string): void {
    writeLength(this.removed, key.length);
    this.removed.latin1(key);
    this.removed.u8(1);
    writeLength(this.removed, userKey.length);
    this.removed.latin1(userKey);
  }

  /** The generic path, from a snapshot's iterables. */
  from(snapshot: StateSnapshot, table: string, keyGroup: number): void {
    for (const r of (snapshot.delta && snapshot.removals?.(table, keyGroup)) || []) {
      writeLength(this.removed, r.key.length);
      this.removed.bytes(r.key);
      if (r.userKey === null) this.removed.u8(0);
      else { this.removed.u8(1); writeLength(this.removed, r.userKey.length); this.removed.bytes(r.userKey); }
    }
    for (const e of snapshot.entries(table, keyGroup)) {
      writeEntry(this.data, e.key, e.userKey, e.timestamp, e.value);
      this.count++;
    }
  }
}

const packr = new Packr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' });

/** What {@link encodeSnapshotFile} wrote. */
export interface EncodedSnapshot {
  readonly bytes: Uint8Array;
  /** Entry records written (for a delta: its upserts). */
  readonly entries: number;
}

/** Serializes a full snapshot to the versioned byte format described above. Does not release it. */
export function encodeSnapshot(snapshot: StateSnapshot): Uint8Array {
  return encodeSnapshotFile(snapshot, null).bytes;
}

/**
 * Serializes a snapshot; a delta names `base`, the file (in the same directory) of the snapshot it applies to.
 * Does not release it.
 */
export function encodeSnapshotFile(snapshot: StateSnapshot, base: string | null): EncodedSnapshot {
  if (snapshot.delta && base === null) throw snapshotFailed(`Snapshot of checkpoint ${snapshot.manifest.checkpointId} is a delta: it needs the file of the snapshot it applies to`);
  const groups: EncodedGroup[] = [];
  const data = new ByteWriter(1 << 16);
  const sink = new GroupSink(data);
  for (const table of snapshot.manifest.tables) {
    for (const keyGroup of snapshot.keyGroups(table.name)) {
      const start = data.length;
      const before = sink.count;
      sink.removed.reset();
      if (snapshot.writeGroup) snapshot.writeGroup(table.name, keyGroup, sink);
      else sink.from(snapshot, table.name, keyGroup);
      const end = data.length;
      const removed = snapshot.delta && sink.removed.length > 0;
      if (removed) data.append(sink.removed);
      if (sink.count > before || removed) {
        groups.push({ table: table.name, keyGroup, entries: sink.count - before, data: [start, end], ...(removed ? { removed: [end, data.length] } : {}) });
      }
    }
  }
  const total = sink.count;
  const m = snapshot.manifest;
  const bytes = packr.pack({
    format: m.format,
    formatVersion: SNAPSHOT_FORMAT_VERSION,
    checkpointId: m.checkpointId,
    backend: m.backend,
    maxParallelism: m.maxParallelism,
    keyGroupRange: { start: m.keyGroupRange.start, end: m.keyGroupRange.end },
    timestamp: m.timestamp,
    // Spelled out so optional fields are omitted rather than encoded as msgpackr's `undefined` extension.
    tables: m.tables.map((t) => ({
      name: t.name,
      kind: t.kind,
      valueSerializer: { id: t.valueSerializer.id, version: t.valueSerializer.version },
      ...(t.userKeySerializer ? { userKeySerializer: { id: t.userKeySerializer.id, version: t.userKeySerializer.version } } : {}),
    })),
    base: snapshot.delta ? base : null,
    groups,
    data: data.written(),
  });
  return { bytes, entries: total };
}

function* decodeRemovals(blob: Uint8Array, escaped: boolean): Generator<StateRemoval> {
  const r = new ByteReader(blob);
  while (!r.done) {
    const key = r.bytes(readLength(r, escaped));
    yield { key, userKey: r.u8() === 0 ? null : r.bytes(readLength(r, escaped)) };
  }
}

/** Parses bytes written by {@link encodeSnapshot}; throws RESTORE_FAILED on anything else. */
export function decodeSnapshot(bytes: Uint8Array): DecodedSnapshot {
  let raw: Record<string, unknown>;
  try {
    raw = packr.unpack(bytes) as Record<string, unknown>;
  } catch (cause) {
    throw restoreFailed('Keyed state snapshot is not valid MessagePack', { cause });
  }
  if (raw === null || typeof raw !== 'object' || raw.format !== SNAPSHOT_FORMAT) {
    throw restoreFailed(`Bytes are not a keyed state snapshot (format ${JSON.stringify((raw as { format?: unknown })?.format)})`);
  }
  if (!READABLE_VERSIONS.includes(raw.formatVersion as number)) {
    throw restoreFailed(`Keyed state snapshot format version ${String(raw.formatVersion)} is not supported (this build reads ${READABLE_VERSIONS.join(' and ')})`);
  }
  const { groups, base, data, ...manifest } = raw as unknown as SnapshotManifest & { groups: EncodedGroup[]; base?: string | null; data?: Uint8Array };
  // Read as the current version: a v1 file is a full snapshot, which v2 expresses the same way; v1 and v2 lengths
  // are plain u16s.
  const escaped = (raw.formatVersion as number) >= ESCAPED_LENGTHS_SINCE;
  return new DecodedSnapshot({ ...manifest, formatVersion: SNAPSHOT_FORMAT_VERSION }, groups, data ?? new Uint8Array(0), base ?? null, escaped);
}

/** A snapshot read back from bytes; entry fields are views into those bytes. */
export class DecodedSnapshot implements StateSnapshot {
  private readonly byTable = new Map<string, Map<number, { data: Uint8Array; removed?: Uint8Array }>>();
  readonly delta: boolean;

  /** `data`: the envelope's records; `base`: for a delta, the file name (same directory) of the snapshot it applies to. */
  constructor(readonly manifest: SnapshotManifest, groups: readonly EncodedGroup[], data: Uint8Array, readonly base: string | null, private readonly escaped = true) {
    this.delta = base !== null;
    const range = (r: [number, number]) => {
      if (!Array.isArray(r) || r[0] < 0 || r[1] > data.length || r[0] > r[1]) throw restoreFailed(`Keyed state snapshot of checkpoint ${manifest.checkpointId} is corrupt (a group's byte range is outside its data)`);
      return data.subarray(r[0], r[1]);
    };
    for (const g of groups) {
      let t = this.byTable.get(g.table);
      if (!t) { t = new Map(); this.byTable.set(g.table, t); }
      t.set(g.keyGroup, { data: g.data instanceof Uint8Array ? g.data : range(g.data), ...(g.removed ? { removed: range(g.removed) } : {}) });
    }
  }

  keyGroups(table: string): number[] {
    return [...(this.byTable.get(table)?.keys() ?? [])].sort((a, b) => a - b);
  }

  entries(table: string, keyGroup: number): Iterable<StateEntry> {
    const g = this.byTable.get(table)?.get(keyGroup);
    return g ? readEntries(g.data, this.escaped) : [];
  }

  removals(table: string, keyGroup: number): Iterable<StateRemoval> {
    const blob = this.byTable.get(table)?.get(keyGroup)?.removed;
    return blob ? decodeRemovals(blob, this.escaped) : [];
  }

  release(): void {}
}

/** One (snapshot, table, key group) a restore loads. */
export interface RestoreStep {
  readonly snapshot: StateSnapshot;
  readonly table: string;
  readonly keyGroup: number;
}

/**
 * Checks that `snapshots` can be restored into a backend with `declared` tables and `maxParallelism`, and lists the
 * key groups in `range` to load. Fails (RESTORE_FAILED) on: another format version or max parallelism; a table not
 * declared, declared with another kind, or with another serializer id or version; a key group present in two
 * snapshots (which would load its entries twice).
 */
export function planRestore(
  snapshots: readonly StateSnapshot[],
  declared: ReadonlyMap<string, TableManifest>,
  maxParallelism: number,
  range: KeyGroupRange,
): RestoreStep[] {
  const steps: RestoreStep[] = [];
  const seen = new Map<string, number>();
  snapshots.forEach((snapshot, index) => {
    const m = snapshot.manifest;
    if (snapshot.delta) throw restoreFailed(`Snapshot ${index} (checkpoint ${m.checkpointId}) is a delta: restore it merged with the snapshots it applies to (mergeSnapshotChain)`);
    if (m.format !== SNAPSHOT_FORMAT || m.formatVersion !== SNAPSHOT_FORMAT_VERSION) {
      throw restoreFailed(`Snapshot ${index} has format ${m.format} v${m.formatVersion}; expected ${SNAPSHOT_FORMAT} v${SNAPSHOT_FORMAT_VERSION}`);
    }
    if (m.maxParallelism !== maxParallelism) {
      throw restoreFailed(`Snapshot ${index} (checkpoint ${m.checkpointId}) was taken with max parallelism ${m.maxParallelism}, but the job now has ${maxParallelism}`, {
        hint: "Keyed state can be rescaled but not re-partitioned: keep 'pipeline.max-parallelism' as it was when the checkpoint was taken.",
      });
    }
    for (const t of m.tables) {
      checkTable(t, declared.get(t.name), m.checkpointId);
      for (const keyGroup of snapshot.keyGroups(t.name)) {
        if (keyGroup < range.start || keyGroup > range.end) continue;
        const id = `${t.name}\u0000${keyGroup}`;
        const previous = seen.get(id);
        if (previous !== undefined) {
          throw restoreFailed(`State table '${t.name}': key group ${keyGroup} is in snapshots ${previous} and ${index}; restoring both would duplicate its entries`);
        }
        seen.set(id, index);
        steps.push({ snapshot, table: t.name, keyGroup });
      }
    }
  });
  return steps;
}

function checkTable(found: TableManifest, declared: TableManifest | undefined, checkpointId: number): void {
  const name = found.name;
  if (!declared) {
    throw restoreFailed(`State table '${name}' in checkpoint ${checkpointId} is not declared by the operator`, {
      hint: 'The operator changed incompatibly since the checkpoint was taken; start without restoring that state.',
    });
  }
  if (declared.kind !== found.kind) {
    throw restoreFailed(`State table '${name}' is ${found.kind} state in checkpoint ${checkpointId} but is declared as ${declared.kind} state`);
  }
  checkSerializer(name, 'value', found.valueSerializer, declared.valueSerializer, checkpointId);
  if (found.kind === 'map') checkSerializer(name, 'user key', found.userKeySerializer, declared.userKeySerializer, checkpointId);
}

function checkSerializer(table: string, role: string, found: SerializerInfo | undefined, declared: SerializerInfo | undefined, checkpointId: number): void {
  if (found?.id === declared?.id && found?.version === declared?.version) return;
  const show = (s: SerializerInfo | undefined) => (s ? `${s.id} v${s.version}` : 'none');
  throw restoreFailed(
    `State table '${table}': checkpoint ${checkpointId} has ${role} serializer ${show(found)}, the operator declares ${show(declared)}`,
    { hint: 'State written with another serializer version cannot be read; restore with the version that wrote it, or start without this state.' },
  );
}

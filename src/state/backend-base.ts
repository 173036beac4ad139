import type { KeyGroupRange } from './key-groups.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import { ErrorCodes, WeirError, type ErrorLocation } from '../errors/weir-error.ts';
import type { StateEntry } from './key-encoding.ts';
import type { KeyedStateBackend, ListState, MapState, StateKind, StateTableSize, ValueState } from './keyed-state.ts';
import { serializerInfo, type StateSerializer } from './serializers.ts';
import { SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION, planRestore, type SnapshotManifest, type StateSnapshot, type TableManifest } from './snapshot.ts';
import { StateError, restoreFailed } from './state-errors.ts';
import type { StateBackendKind } from './state-options.ts';

/** What every backend is built from; `createKeyedStateBackend` fills it from the job configuration. */
export interface KeyedBackendOptions {
  /** `pipeline.max-parallelism`: the number of key groups. */
  readonly maxParallelism: number;
  /** The key groups this subtask owns, from `keyGroupRangeFor(subtask, maxParallelism, parallelism)`. */
  readonly keyGroupRange: KeyGroupRange;
  /** `table.exec.state.ttl` in ms; 0 or absent: no TTL. */
  readonly ttlMs?: number;
  /** Processing-time clock for TTL, injectable for tests. Default `Date.now`. */
  readonly clock?: () => number;
  /** For error locations. */
  readonly operatorName?: string;
  readonly subtaskIndex?: number;
}

/** A declared state table: its manifest entry plus the backend's numeric id and the handle given to the operator. */
export interface TableMeta extends TableManifest {
  /** Position in declaration order; the persistent backend's key prefix. */
  readonly id: number;
  readonly valueSer: StateSerializer<unknown>;
  readonly userKeySer?: StateSerializer<unknown>;
  handle?: unknown;
}

/** Keys are length-prefixed with a u16 in snapshots, so longer keys cannot be stored portably. */
export const MAX_KEY_BYTES = 0xffff;

/**
 * What both backends share: state table declarations, the current key and its key-group check, restore planning,
 * TTL arithmetic and metrics. Subclasses store the data.
 */
export abstract class KeyedBackendBase implements KeyedStateBackend {
  abstract readonly kind: StateBackendKind;
  readonly maxParallelism: number;
  readonly keyGroupRange: KeyGroupRange;
  readonly ttlMs: number;
  protected readonly clock: () => number;
  protected readonly location: ErrorLocation;
  protected readonly tables: TableMeta[] = [];
  private readonly byName = new Map<string, TableMeta>();
  private metricGroup?: MetricGroup;
  protected key: Uint8Array | undefined;
  protected keyGroup = -1;

  constructor(options: KeyedBackendOptions) {
    const { maxParallelism, keyGroupRange } = options;
    if (!(maxParallelism > 0 && maxParallelism <= 0x8000) || keyGroupRange.start < 0 || keyGroupRange.end >= maxParallelism || keyGroupRange.start > keyGroupRange.end) {
      throw new StateError(`Invalid key group range [${keyGroupRange.start}, ${keyGroupRange.end}] for max parallelism ${maxParallelism}`);
    }
    this.maxParallelism = maxParallelism;
    this.keyGroupRange = { start: keyGroupRange.start, end: keyGroupRange.end };
    this.ttlMs = Math.max(0, options.ttlMs ?? 0);
    this.clock = options.clock ?? Date.now;
    this.location = { operator: options.operatorName, subtask: options.subtaskIndex };
  }

  get currentKey(): Uint8Array | undefined { return this.key; }
  get currentKeyGroup(): number { return this.keyGroup; }

  setCurrentKey(key: Uint8Array, hash: number): void {
    this.keyGroup = this.groupOf(key, hash);
    this.key = key;
    this.keyChanged();
  }

  /** Called after the current key changed; the heap backend drops its cached Map key. */
  protected keyChanged(): void {}

  /** The key group of `key`, checked against this subtask's range (used by setCurrentKey and the batch paths). */
  protected groupOf(key: Uint8Array, hash: number): number {
    const group = (hash >>> 0) % this.maxParallelism;
    const { start, end } = this.keyGroupRange;
    if (group < start || group > end) {
      throw new StateError(
        `Key with hash ${hash >>> 0} belongs to key group ${group}, outside this subtask's key groups [${start}, ${end}] (max parallelism ${this.maxParallelism})`,
        { location: this.location, hint: 'The input was not partitioned by the same key and hash as the state: check the hash exchange before this operator.' },
      );
    }
    if (key.length > MAX_KEY_BYTES) {
      throw new StateError(`State key of ${key.length} bytes is longer than the maximum of ${MAX_KEY_BYTES}`, { location: this.location }, ErrorCodes.EXECUTION_FAILED);
    }
    return group;
  }

  /** The current key; throws when an operator touches state before setCurrentKey. */
  protected requireKey(table: string): Uint8Array {
    if (this.key === undefined) throw new StateError(`State table '${table}' accessed without a current key`, { location: this.location });
    return this.key;
  }

  isExpired(timestamp: number, now: number): boolean {
    return this.ttlMs > 0 && now - timestamp >= this.ttlMs;
  }

  /**
   * The write timestamp of an entry. Recorded even without TTL so that a snapshot restored into a job that enables
   * TTL later ages its entries from their last write rather than expiring them all at once.
   */
  protected now(): number { return this.clock(); }

  declareValueState<T>(name: string, serializer: StateSerializer<T>): ValueState<T> {
    return this.declare(name, 'value', serializer, undefined, (meta) => this.createValueState<T>(meta));
  }

  declareMapState<K, V>(name: string, userKeySerializer: StateSerializer<K>, valueSerializer: StateSerializer<V>): MapState<K, V> {
    return this.declare(name, 'map', valueSerializer, userKeySerializer, (meta) => this.createMapState<K, V>(meta));
  }

  declareListState<T>(name: string, elementSerializer: StateSerializer<T>): ListState<T> {
    return this.declare(name, 'list', elementSerializer, undefined, (meta) => this.createListState<T>(meta));
  }

  protected abstract createValueState<T>(meta: TableMeta): ValueState<T>;
  protected abstract createMapState<K, V>(meta: TableMeta): MapState<K, V>;
  protected abstract createListState<T>(meta: TableMeta): ListState<T>;

  /** Declaring the same table again with the same kind and serializers returns the same handle. */
  private declare<H>(name: string, kind: StateKind, valueSer: StateSerializer<unknown>, userKeySer: StateSerializer<unknown> | undefined, create: (meta: TableMeta) => H): H {
    const existing = this.byName.get(name);
    const valueSerializer = serializerInfo(valueSer);
    const userKeySerializer = userKeySer ? serializerInfo(userKeySer) : undefined;
    if (existing) {
      const same = existing.kind === kind && sameInfo(existing.valueSerializer, valueSerializer) && sameInfo(existing.userKeySerializer, userKeySerializer);
      if (!same) throw new StateError(`State table '${name}' is already declared with another kind or serializer`, { location: this.location }, ErrorCodes.PLAN_INVALID);
      return existing.handle as H;
    }
    if (!name) throw new StateError('A state table needs a name', { location: this.location }, ErrorCodes.PLAN_INVALID);
    if (this.tables.length >= 0xffff) throw new StateError('Too many state tables (at most 65535 per operator)', { location: this.location }, ErrorCodes.PLAN_INVALID);
    const meta: TableMeta = { name, kind, id: this.tables.length, valueSerializer, userKeySerializer, valueSer, userKeySer };
    this.tables.push(meta);
    this.byName.set(name, meta);
    meta.handle = create(meta);
    if (this.metricGroup) this.registerTableMetrics(this.metricGroup, meta);
    return meta.handle as H;
  }

  /** The manifest of a snapshot taken now. */
  protected manifest(checkpointId: number, timestamp: number): SnapshotManifest {
    return {
      format: SNAPSHOT_FORMAT,
      formatVersion: SNAPSHOT_FORMAT_VERSION,
      checkpointId,
      backend: this.kind,
      maxParallelism: this.maxParallelism,
      keyGroupRange: this.keyGroupRange,
      timestamp,
      tables: this.tables.map(({ name, kind, valueSerializer, userKeySerializer }) => ({ name, kind, valueSerializer, userKeySerializer })),
    };
  }

  abstract snapshot(checkpointId: number, options?: { readonly delta?: boolean }): StateSnapshot;

  restore(snapshots: readonly StateSnapshot[], range: KeyGroupRange = this.keyGroupRange): void {
    const own = this.keyGroupRange;
    if (range.start < own.start || range.end > own.end) {
      throw restoreFailed(`Restore range [${range.start}, ${range.end}] is outside this subtask's key groups [${own.start}, ${own.end}]`, { location: this.location });
    }
    const steps = planRestore(snapshots, this.byName, this.maxParallelism, range);
    this.clearKeyGroups(range);
    const now = this.clock();
    for (const step of steps) {
      const meta = this.byName.get(step.table)!;
      try {
        this.loadEntries(meta, step.keyGroup, liveEntries(step.snapshot.entries(step.table, step.keyGroup), this, now));
      } catch (cause) {
        if (cause instanceof WeirError) throw cause;
        throw restoreFailed(`State table '${step.table}': key group ${step.keyGroup} of checkpoint ${step.snapshot.manifest.checkpointId} could not be loaded`, { cause, location: this.location });
      }
    }
    this.restored();
  }

  /** Removes every entry of every table in `range` (restore replaces, never merges). */
  protected abstract clearKeyGroups(range: KeyGroupRange): void;
  /** Adds restored entries of one table and key group; byte fields are transient. */
  protected abstract loadEntries(meta: TableMeta, keyGroup: number, entries: Iterable<StateEntry>): void;
  /** Called once a restore has loaded everything (the persistent backend commits). */
  protected restored(): void {}

  abstract cleanupExpired(budget: number): number;
  protected abstract tableSize(meta: TableMeta): StateTableSize;

  stateSizes(): StateTableSize[] {
    return this.tables.map((t) => this.tableSize(t));
  }

  registerMetrics(group: MetricGroup): void {
    this.metricGroup = group;
    for (const t of this.tables) this.registerTableMetrics(group, t);
  }

  private registerTableMetrics(group: MetricGroup, meta: TableMeta): void {
    const g = group.group('state').group(meta.name);
    g.gauge('entries', () => this.tableSize(meta).entries);
    g.gauge('bytes', () => this.tableSize(meta).bytes);
  }

  abstract dispose(): Promise<void>;
}

function sameInfo(a: { id: string; version: number } | undefined, b: { id: string; version: number } | undefined): boolean {
  return a?.id === b?.id && a?.version === b?.version;
}

/** Entries already expired at restore time are not loaded. */
function* liveEntries(entries: Iterable<StateEntry>, backend: KeyedBackendBase, now: number): Generator<StateEntry> {
  for (const e of entries) if (!backend.isExpired(e.timestamp, now)) yield e;
}

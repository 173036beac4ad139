/**
 * Keyed state: the API stateful operators (group aggregation, joins, Top-N, dedup, windows) program against.
 *
 * The runtime creates one {@link KeyedStateBackend} per operator subtask (see `createKeyedStateBackend`) and hands it
 * to the operator. The operator declares its named state tables once, in `open`, each with a serializer; then, per
 * row, it sets the current key (the encoded key columns and their hash, the same hash the hash exchange used) and
 * reads and writes the state handles, which are scoped to that key. Batch paths can skip the current key and use
 * `getMany`/`putMany` on value state. All access is synchronous on both backends.
 *
 * Lifecycle: create → declare* → restore? → (setCurrentKey, read/write)* with snapshot / cleanupExpired at any
 * point between calls → dispose.
 */
import type { KeyGroupRange } from './key-groups.ts';
import type { MetricGroup } from '../metrics/metric-group.ts';
import type { StateSerializer } from './serializers.ts';
import type { StateSnapshot } from './snapshot.ts';
import type { StateBackendKind } from './state-options.ts';

/** One value per key, e.g. an aggregate's accumulator or dedup's first row. */
export interface ValueState<T> {
  readonly name: string;
  /** The current key's value; undefined when absent or expired. */
  value(): T | undefined;
  update(value: T): void;
  clear(): void;
  /** Values of many keys at once (the current key is not changed). `hashes[i]` is the hash of `keys[i]`. */
  getMany(keys: readonly Uint8Array[], hashes: ArrayLike<number>): (T | undefined)[];
  /** Writes many keys at once; `values[i] === undefined` clears `keys[i]`. */
  putMany(keys: readonly Uint8Array[], hashes: ArrayLike<number>, values: readonly (T | undefined)[]): void;
}

/** A map per key, e.g. a join side's rows by unique key, or per-window accumulators by window. */
export interface MapState<K, V> {
  readonly name: string;
  get(userKey: K): V | undefined;
  put(userKey: K, value: V): void;
  putAll(entries: Iterable<readonly [K, V]>): void;
  remove(userKey: K): void;
  contains(userKey: K): boolean;
  /** The current key's live entries, materialized: writing during iteration is safe. Order is unspecified. */
  entries(): [K, V][];
  keys(): K[];
  values(): V[];
  isEmpty(): boolean;
  /** Removes every entry of the current key. */
  clear(): void;
}

/** A list per key, e.g. a join side's rows without a unique key. TTL applies to the list as a whole. */
export interface ListState<T> {
  readonly name: string;
  /**
   * The current key's elements, in insertion order; empty when absent or expired. The array may be the backend's
   * own: do not mutate it, and do not keep it across writes to this state.
   */
  get(): readonly T[];
  add(value: T): void;
  addAll(values: readonly T[]): void;
  /** Replaces the list; an empty array clears it. */
  update(values: readonly T[]): void;
  clear(): void;
}

/** Size of one state table, for metrics. */
export interface StateTableSize {
  readonly table: string;
  readonly kind: StateKind;
  /** Value and list state: keys; map state: (key, user key) pairs. Expired entries not yet purged are included. */
  readonly entries: number;
  /** Approximate serialized size of keys and values, in bytes. */
  readonly bytes: number;
}

export type StateKind = 'value' | 'map' | 'list';

/** Keyed state of one operator subtask: its state tables over the key groups it owns. */
export interface KeyedStateBackend {
  readonly kind: StateBackendKind;
  /** Number of key groups of the job (`pipeline.max-parallelism`); fixed for the life of a job's state. */
  readonly maxParallelism: number;
  /** The key groups this subtask owns; keys of other groups are rejected. */
  readonly keyGroupRange: KeyGroupRange;
  /** Idle-state retention in ms (`table.exec.state.ttl`); 0 means none. */
  readonly ttlMs: number;

  declareValueState<T>(name: string, serializer: StateSerializer<T>): ValueState<T>;
  declareMapState<K, V>(name: string, userKeySerializer: StateSerializer<K>, valueSerializer: StateSerializer<V>): MapState<K, V>;
  declareListState<T>(name: string, elementSerializer: StateSerializer<T>): ListState<T>;

  /**
   * Scopes the state handles to `key`, whose hash (as computed by the exchange, e.g. `hashRows`) decides its key
   * group. Throws a StateError (INTERNAL) when the group is not in {@link keyGroupRange}. `key` is not copied: do not
   * mutate it while it is current.
   */
  setCurrentKey(key: Uint8Array, hash: number): void;
  readonly currentKey: Uint8Array | undefined;
  readonly currentKeyGroup: number;

  /**
   * A consistent, immutable view of all state as of this call; later writes are not visible in it. Cheap to take
   * (no copy of the data): serialize it afterwards with `encodeSnapshot`, then `release()` it.
   * `options.delta` asks for only what changed since this backend's previous snapshot; a backend that cannot (the
   * persistent one, or the heap one before its first snapshot or after a restore) returns a full snapshot: check
   * the snapshot's `delta`.
   */
  snapshot(checkpointId: number, options?: { readonly delta?: boolean }): StateSnapshot;
  /**
   * Replaces the state of the key groups in `range` (default: all this subtask owns) with the entries of those
   * groups found in `snapshots`, which may come from any parallelism. Call after the state tables are declared.
   * Throws a CheckpointError (RESTORE_FAILED) naming the table on unknown tables, kinds or serializer versions.
   */
  restore(snapshots: readonly StateSnapshot[], range?: KeyGroupRange): void;
  /**
   * Incremental TTL cleanup: examines up to `budget` entries from where the last call stopped and removes the expired
   * ones. Returns how many were removed. A no-op without TTL.
   */
  cleanupExpired(budget: number): number;

  stateSizes(): StateTableSize[];
  /** Registers `state.<table>.entries` and `state.<table>.bytes` gauges (read on demand) in `group`. */
  registerMetrics(group: MetricGroup): void;
  /** Releases memory and files (the persistent backend deletes its working directory). Idempotent. */
  dispose(): Promise<void>;
}

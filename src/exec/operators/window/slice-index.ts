/**
 * The slice index of a sliced window aggregation: for every key group and slice, the keys that have state in that
 * slice, kept in keyed state so checkpoints carry it and a rescaled restore moves it with its key group. It lets a
 * firing find every key of a window without a timer per key: timers are per (key group, window end), and the index
 * names the keys whose slices to read. (Flink's window operators register a timer per key and window instead.)
 *
 * An index entry is a list state whose key is the slice end (float64 little-endian) under the key group itself as
 * its "hash" (all the backends use a hash for is its key group); its elements are key bytes, in order of arrival.
 * A key may be listed twice (its slice retracted to nothing, then written again); readers deduplicate.
 */
import { keyGroupOf } from '../../../state/key-groups.ts';
import type { KeyedStateBackend, ListState } from '../../../state/keyed-state.ts';
import { bytesSerializer } from '../../../state/serializers.ts';
import type { InternalTimerService } from '../../../time/timer-service.ts';


/** The index table and the per-key-group window timers of one sliced window aggregation. */
export class SliceIndex {
  private readonly lists: ListState<Uint8Array>;
  private readonly timerKeys = new Map<number, Uint8Array>();
  /** State keys by slice end: every key group's entry of a slice has the same key (never mutated once made). */
  private readonly endKeys = new Map<number, Uint8Array>();
  /**
   * Key groups (a bit set) whose timer of a window end is registered, so the slices of a window do not register it
   * again and again. Only a shortcut: the timer service ignores a timer registered twice, and after a restore (this
   * is empty) registering again is harmless. Cleared when the window fires.
   */
  private readonly registered = new Map<number, Uint8Array>();

  constructor(private readonly backend: KeyedStateBackend, name: string, private readonly timers: InternalTimerService, private readonly eventTime: boolean) {
    this.lists = backend.declareListState(name, bytesSerializer);
  }

  /** The key group of an exchange hash. */
  groupOf(hash: number): number { return keyGroupOf(hash >>> 0, this.backend.maxParallelism); }

  /**
   * Lists keys (fresh copies: the index keeps them) in their (key group, slice end) entries. Returns the entries that
   * did not exist before, in order of first appearance.
   */
  add(keys: readonly Uint8Array[], hashes: ArrayLike<number>, ends: ArrayLike<number>): { groups: number[]; ends: number[] } {
    const buckets = new Map<number, Map<number, Uint8Array[]>>();
    for (let i = 0; i < keys.length; i++) {
      const group = this.groupOf(hashes[i]);
      let byGroup = buckets.get(ends[i]);
      if (byGroup === undefined) buckets.set(ends[i], (byGroup = new Map()));
      const listed = byGroup.get(group);
      if (listed === undefined) byGroup.set(group, [keys[i]]); else listed.push(keys[i]);
    }
    const created = { groups: [] as number[], ends: [] as number[] };
    for (const [end, byGroup] of buckets) {
      for (const [group, listed] of byGroup) {
        this.backend.setCurrentKey(this.endKey(end), group);
        if (this.lists.get().length === 0) { created.groups.push(group); created.ends.push(end); }
        this.lists.addAll(listed);
      }
    }
    return created;
  }

  /** The keys listed under each (key group `groups[i]`, slice `ends[i]`), empty where none. */
  read(groups: readonly number[], ends: readonly number[]): (readonly Uint8Array[])[] {
    return groups.map((group, i) => {
      this.backend.setCurrentKey(this.endKey(ends[i]), group);
      return this.lists.get();
    });
  }

  /** Replaces the keys of an entry (none: removes it). */
  set(group: number, end: number, keys: readonly Uint8Array[]): void {
    this.backend.setCurrentKey(this.endKey(end), group);
    this.lists.update(keys);
  }

  /** Registers the timer of window `windowEnd` for key group `group` (fires at `windowEnd - 1`); idempotent. */
  registerWindow(group: number, windowEnd: number): void {
    let groups = this.registered.get(windowEnd);
    if (groups === undefined) this.registered.set(windowEnd, (groups = new Uint8Array((this.backend.maxParallelism + 7) >>> 3)));
    if ((groups[group >>> 3] & (1 << (group & 7))) !== 0) return;
    groups[group >>> 3] |= 1 << (group & 7);
    const key = this.timerKey(group);
    if (this.eventTime) this.timers.registerEventTimeTimer(key, group, windowEnd, windowEnd - 1);
    else this.timers.registerProcessingTimeTimer(key, group, windowEnd, windowEnd - 1);
  }

  /** Forgets the registrations of windows ending at or before `end` (their timers have fired). */
  windowsFired(end: number): void {
    for (const w of this.registered.keys()) if (w <= end) this.registered.delete(w);
  }

  /** The state key of an index entry: the slice end as float64 LE. */
  private endKey(end: number): Uint8Array {
    let key = this.endKeys.get(end);
    if (key === undefined) {
      // Old slices' keys go: the cache holds the slices of recent folds and firings.
      if (this.endKeys.size >= 4096) this.endKeys.clear();
      key = new Uint8Array(8);
      new DataView(key.buffer).setFloat64(0, end, true);
      this.endKeys.set(end, key);
    }
    return key;
  }

  /** A timer's key: the key group (2 bytes LE), so that timers of different groups are different timers. */
  private timerKey(group: number): Uint8Array {
    let key = this.timerKeys.get(group);
    if (key === undefined) this.timerKeys.set(group, (key = Uint8Array.of(group & 0xff, group >>> 8)));
    return key;
  }
}

/**
 * The read side of a sliced window firing, with typed arrays: which (key group, slice) index entries the fired
 * windows need (each read once even when consecutive windows share it), the distinct keys they list (matched by key
 * group and bytes through an open-addressing table, never as strings), and for every fired window each of its keys
 * with the slices to merge, in time order.
 */
import type { AccumulatorStates } from './window-aggregator.ts';
import { firstSliceAfter, type KeySlices } from './key-slices.ts';

/** Distinct (key group, slice end) pairs, numbered in order of first use. */
export class SliceRefs {
  readonly groups: number[] = [];
  readonly ends: number[] = [];
  private readonly byEnd = new Map<number, Map<number, number>>();

  get count(): number { return this.groups.length; }

  /** The number of (group, end), added when new. */
  ref(group: number, end: number): number {
    let byGroup = this.byEnd.get(end);
    if (byGroup === undefined) this.byEnd.set(end, (byGroup = new Map()));
    let r = byGroup.get(group);
    if (r === undefined) {
      r = this.groups.length;
      byGroup.set(group, r);
      this.groups.push(group);
      this.ends.push(end);
    }
    return r;
  }
}

/** The distinct keys that index entries list, and which of them each entry lists. */
export interface ListedKeys {
  readonly count: number;
  /** Key bytes by key id. */
  readonly keys: Uint8Array[];
  /** Key group by key id. */
  readonly groups: Uint32Array;
  /** Ref r lists the key ids `refKeys[refStart[r]] .. refKeys[refStart[r + 1] - 1]` (possibly repeated). */
  readonly refStart: Int32Array;
  readonly refKeys: Int32Array;
}

/** Numbers the keys of every ref's index entry (`lists[r]`, in ref `r`'s key group). */
export function listedKeys(refs: SliceRefs, lists: readonly (readonly Uint8Array[])[]): ListedKeys {
  let total = 0;
  for (const list of lists) total += list.length;
  const interner = new KeyInterner(total);
  const refStart = new Int32Array(refs.count + 1);
  const refKeys = new Int32Array(total);
  let k = 0;
  for (let r = 0; r < refs.count; r++) {
    refStart[r] = k;
    for (const key of lists[r]) refKeys[k++] = interner.intern(key, refs.groups[r]);
  }
  refStart[refs.count] = k;
  return { count: interner.size, keys: interner.keys, groups: interner.groups.subarray(0, interner.size), refStart, refKeys };
}

/** One key in one fired window: the groups of a firing, with the slices each merges. */
export interface FiredGroups {
  readonly count: number;
  /** The fired window (index into the firing's windows) of each group. */
  readonly window: Int32Array;
  /** The key id of each group. */
  readonly key: Int32Array;
  /** Group g merges `states[start[g]] .. states[start[g + 1] - 1]`, in slice order. */
  readonly start: Int32Array;
  readonly states: AccumulatorStates[];
  /** Rows in each group (sum of its slices' row counts). */
  readonly rowCounts: Float64Array;
}

/**
 * The groups of fired windows (window w ends at `ends[w]`, starts at `starts[w]`, and its index entries are refs
 * `windowRefs[w]`): for every listed key whose state (`values[key id]`) has slices in the window, in window order
 * and, within a window, in order of first listing.
 */
export function firedGroups(ends: readonly number[], starts: readonly number[], windowRefs: readonly Int32Array[], listed: ListedKeys,
  values: readonly (KeySlices | undefined)[]): FiredGroups {
  const { refStart, refKeys } = listed;
  // At most one group per listing of a key by a window's refs.
  let bound = 0;
  for (const refs of windowRefs) for (let i = 0; i < refs.length; i++) bound += refStart[refs[i] + 1] - refStart[refs[i]];
  const window = new Int32Array(bound);
  const key = new Int32Array(bound);
  const start = new Int32Array(bound + 1);
  const rowCounts = new Float64Array(bound);
  const states: AccumulatorStates[] = [];
  const stamp = new Int32Array(listed.count).fill(-1);
  let count = 0;
  for (let w = 0; w < ends.length; w++) {
    const refs = windowRefs[w];
    const from = starts[w];
    const to = ends[w];
    for (let i = 0; i < refs.length; i++) {
      for (let k = refStart[refs[i]]; k < refStart[refs[i] + 1]; k++) {
        const id = refKeys[k];
        if (stamp[id] === w) continue;
        stamp[id] = w;
        const state = values[id];
        if (state === undefined) continue;
        const slices = state[1];
        let rows = 0;
        for (let j = firstSliceAfter(slices, from); j < slices.length && slices[j][0] <= to; j++) {
          states.push(slices[j][2]);
          rows += slices[j][1];
        }
        if (rows === 0) continue;
        window[count] = w;
        key[count] = id;
        rowCounts[count] = rows;
        start[++count] = states.length;
      }
    }
  }
  return {
    count, window: window.subarray(0, count), key: key.subarray(0, count), start: start.subarray(0, count + 1), states,
    rowCounts: rowCounts.subarray(0, count),
  };
}

/** Numbers distinct (key group, key bytes) with an open-addressing table. */
class KeyInterner {
  private readonly table: Int32Array;
  private readonly mask: number;
  readonly keys: Uint8Array[] = [];
  readonly groups: Uint32Array;
  size = 0;

  constructor(capacity: number) {
    let slots = 16;
    while (slots < capacity * 2) slots *= 2;
    this.table = new Int32Array(slots).fill(-1);
    this.mask = slots - 1;
    this.groups = new Uint32Array(capacity);
  }

  intern(key: Uint8Array, group: number): number {
    let slot = (hashBytes(key) ^ Math.imul(group, 0x9e3779b1)) & this.mask;
    for (;;) {
      const id = this.table[slot];
      if (id < 0) {
        const next = this.size++;
        this.table[slot] = next;
        this.keys.push(key);
        this.groups[next] = group;
        return next;
      }
      if (this.groups[id] === group && sameBytes(this.keys[id], key)) return id;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** A 32-bit FNV-1a hash of `b`, finished with a murmur3 mix. */
function hashBytes(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

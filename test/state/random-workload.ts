// A seeded random mix of writes (value, map and list state: puts, removes, clears) applied identically to several
// backends, and a canonical listing of a snapshot's contents, for the incremental-snapshot tests.
import type { KeyedStateBackend, ListState, MapState, ValueState } from '../../src/state/keyed-state.ts';
import { msgpackSerializer, stringSerializer } from '../../src/state/serializers.ts';
import type { StateSnapshot } from '../../src/state/snapshot.ts';
import { at } from './helpers.ts';
import { mulberry32 } from '../support/seeded-random.ts';

/** mulberry32: a small deterministic generator, so a failure reproduces. */
export const seededRandom = mulberry32;

interface Handles {
  readonly v: ValueState<number>;
  readonly m: MapState<string, number>;
  readonly l: ListState<string>;
}

export function declareTables(b: KeyedStateBackend): Handles {
  return {
    v: b.declareValueState('v', msgpackSerializer<number>()),
    m: b.declareMapState('m', stringSerializer, msgpackSerializer<number>()),
    l: b.declareListState('l', msgpackSerializer<string>()),
  };
}

/** Applies `ops` random writes over `keys` to every backend in `targets`, the same writes to each. */
export function randomWrites(random: () => number, targets: readonly KeyedStateBackend[], keys: readonly number[], ops: number): void {
  const handles = targets.map((b) => declareTables(b));
  for (let i = 0; i < ops; i++) {
    const key = keys[Math.floor(random() * keys.length)];
    const op = Math.floor(random() * 9);
    const n = Math.floor(random() * 1000);
    const userKey = `u${Math.floor(random() * 6)}`;
    targets.forEach((b, t) => {
      const h = handles[t];
      at(b, key);
      switch (op) {
        case 0: case 1: h.v.update(n); break;
        case 2: h.v.clear(); break;
        case 3: case 4: h.m.put(userKey, n); break;
        case 5: h.m.remove(userKey); break;
        case 6: if (n % 3 === 0) h.m.clear(); else h.m.put(`${userKey}x`, n); break;
        case 7: h.l.add(`e${n}`); break;
        default: if (n % 2 === 0) h.l.clear(); else h.l.update([`r${n}`]);
      }
    });
  }
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

/** Every entry of a (full or merged) snapshot as a sorted list of strings: equal lists, equal state. */
export function contents(snapshot: StateSnapshot): string[] {
  const out: string[] = [];
  for (const t of snapshot.manifest.tables) {
    for (const g of snapshot.keyGroups(t.name)) {
      for (const e of snapshot.entries(t.name, g)) out.push(`${t.name}|${g}|${hex(e.key)}|${hex(e.userKey)}|${e.timestamp}|${hex(e.value)}`);
    }
  }
  return out.sort();
}

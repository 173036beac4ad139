/**
 * Restoring from a chain of snapshots: a full snapshot followed by deltas (incremental checkpoints, see
 * docs/checkpoints.md). The chain is merged key group by key group into one view that reads like a full snapshot,
 * so every backend restores it as it restores a full one, at any parallelism.
 */
import { keyString, type StateEntry } from './key-encoding.ts';
import type { StateSnapshot } from './snapshot.ts';
import { restoreFailed } from './state-errors.ts';

/**
 * One full snapshot followed by its deltas, oldest first, as one full snapshot. A delta's removals drop keys (or one
 * user key of a key) from what came before; its entries then replace those with the same key and user key.
 */
export function mergeSnapshotChain(chain: readonly StateSnapshot[]): StateSnapshot {
  if (chain.length === 0) throw restoreFailed('A keyed state chain needs at least one snapshot');
  if (chain[0].delta) throw restoreFailed(`Keyed state of checkpoint ${chain[0].manifest.checkpointId} is a delta without the full snapshot it applies to`);
  for (let i = 1; i < chain.length; i++) {
    if (!chain[i].delta) throw restoreFailed(`Keyed state chain: checkpoint ${chain[i].manifest.checkpointId} is a full snapshot after another one`);
  }
  return chain.length === 1 ? chain[0] : new MergedSnapshot(chain);
}

/** The chain read as one full snapshot; each group is merged when it is read. */
class MergedSnapshot implements StateSnapshot {
  readonly manifest: StateSnapshot['manifest'];

  constructor(private readonly chain: readonly StateSnapshot[]) {
    this.manifest = chain[chain.length - 1].manifest;
  }

  keyGroups(table: string): number[] {
    const groups = new Set<number>();
    for (const s of this.chain) for (const g of s.keyGroups(table)) groups.add(g);
    return [...groups].sort((a, b) => a - b);
  }

  *entries(table: string, keyGroup: number): Iterable<StateEntry> {
    // key → user key → entry; value and list state have one entry per key, under the empty user key.
    const keys = new Map<string, Map<string, StateEntry>>();
    for (const s of this.chain) {
      for (const r of s.removals?.(table, keyGroup) ?? []) {
        const k = keyString(r.key);
        if (r.userKey === null) keys.delete(k);
        else keys.get(k)?.delete(keyString(r.userKey));
      }
      for (const e of s.entries(table, keyGroup)) {
        const k = keyString(e.key);
        let cells = keys.get(k);
        if (!cells) keys.set(k, (cells = new Map()));
        cells.set(keyString(e.userKey), e);
      }
    }
    for (const cells of keys.values()) yield* cells.values();
  }

  release(): void {
    for (const s of this.chain) s.release();
  }
}

/**
 * Incremental checkpoints of keyed state, task side: per operator, the chain of files its snapshots were written
 * to (a full snapshot, then deltas), and the choice between a delta and a new full snapshot at each checkpoint.
 * Layout and retention: docs/checkpoints.md ("Incremental checkpoints").
 */
import type { KeyedStateBackend } from '../state/keyed-state.ts';
import type { StateSnapshot } from '../state/snapshot.ts';

/** When a checkpoint writes a full snapshot rather than a delta. */
export interface ChainPolicy {
  /** Deltas on one full snapshot at most (`execution.checkpointing.incremental.max-deltas`). */
  readonly maxDeltas: number;
  /**
   * A full snapshot is due once the chain holds more than this many entries per live entry: most of what a restore
   * would read has been overwritten or removed since (e.g. counters updated at every checkpoint).
   */
  readonly maxAmplification: number;
}

export const DEFAULT_CHAIN_POLICY: ChainPolicy = { maxDeltas: 50, maxAmplification: 2 };

/** One operator subtask's chain: file names in the shared directory, oldest (the full snapshot) first. */
export class KeyedChain {
  readonly files: string[] = [];
  /** Entry records written to the chain's files so far (as their encodings finish). */
  entries = 0;
  /** Live entries when the newest snapshot was taken. */
  live = 0;
  /** A file of the chain could not be written: deltas on it are useless, the next snapshot must be full. */
  broken = false;

  get deltas(): number {
    return Math.max(0, this.files.length - 1);
  }
}

/** A snapshot taken for a checkpoint with where it goes in its chain. */
export interface ChainedSnapshot {
  readonly snapshot: StateSnapshot;
  readonly chain: KeyedChain;
  /** Its file name in the shared directory. */
  readonly file: string;
  /** The file it applies to (a delta), or null (a full snapshot). */
  readonly base: string | null;
  /** The chain's files up to and including this one. */
  readonly files: readonly string[];
}

/** The chains of one task's operators. */
export class KeyedChains {
  private readonly chains = new Map<string, KeyedChain>();

  constructor(private readonly policy: ChainPolicy = DEFAULT_CHAIN_POLICY) {}

  /**
   * Snapshots `state` for checkpoint `file`: a delta on the operator's chain when one is worth it, else a full snapshot
   * starting a new chain. Synchronous (part of the checkpoint's synchronous phase).
   */
  take(operatorId: string, state: KeyedStateBackend, checkpointId: number, file: string): ChainedSnapshot {
    const current = this.chains.get(operatorId);
    const snapshot = state.snapshot(checkpointId, { delta: current !== undefined && this.deltaWorthIt(current) });
    let chain = current;
    if (!snapshot.delta || !chain) {
      chain = new KeyedChain();
      this.chains.set(operatorId, chain);
    }
    const base = snapshot.delta ? chain.files[chain.files.length - 1] : null;
    chain.files.push(file);
    chain.live = snapshot.liveEntries ?? 0;
    return { snapshot, chain, file, base, files: chain.files.slice() };
  }

  private deltaWorthIt(chain: KeyedChain): boolean {
    if (chain.broken || chain.files.length === 0 || chain.deltas >= this.policy.maxDeltas) return false;
    return chain.entries <= this.policy.maxAmplification * Math.max(1, chain.live);
  }
}

import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes, WeirError } from '../errors/weir-error.ts';
import type { KeyGroupRange } from '../state/key-groups.ts';
import { mergeSnapshotChain } from '../state/snapshot-chain.ts';
import { decodeSnapshot, type DecodedSnapshot, type StateSnapshot } from '../state/snapshot.ts';
import type { TaskRestore } from './checkpoint-messages.ts';
import type { CheckpointableChain } from './checkpointable.ts';
import { decodeOperatorState } from './operator-state.ts';
import { decodeTimers } from './timer-snapshot.ts';

/**
 * Loads a task's operators' keyed state, timers and operator state from a checkpoint, after the operators opened (and so declared
 * their state tables). Files may come from any old parallelism: each backend keeps the key groups it owns.
 */
export async function restoreOperators(chain: CheckpointableChain, restore: TaskRestore, keyGroupRange: KeyGroupRange): Promise<void> {
  for (const op of chain.checkpointOperators()) {
    const files = restore.operators[op.node.id];
    if (!files) continue;
    try {
      if (files.keyedState.length) {
        const snapshots = await Promise.all(files.keyedState.map(readKeyedChain));
        op.keyedState().restore(snapshots);
      }
      if (files.timers.length) {
        const groups = await Promise.all(files.timers.map(async (f) => decodeTimers(await read(f), f)));
        op.timerService().restore(groups.flat(), keyGroupRange);
      }
      if (files.operatorState.length) {
        op.restoreState(await Promise.all(files.operatorState.map(async (f) => decodeOperatorState(await read(f), f))));
      }
    } catch (e) {
      throw restoreError(e, op.node.name, restore.checkpointId);
    }
  }
}

/** Longest chain a restore follows (far above `execution.checkpointing.incremental.max-deltas`); guards against loops. */
const MAX_CHAIN = 10_000;

/**
 * Reads a keyed-state file and, when it is a delta (incremental checkpoints), the files it applies to, each named
 * in the one after it and found in the same directory; returns them merged into one full snapshot.
 */
async function readKeyedChain(file: string): Promise<StateSnapshot> {
  const chain: DecodedSnapshot[] = [];
  let next: string | null = file;
  while (next !== null) {
    if (chain.length >= MAX_CHAIN) {
      throw new CheckpointError(`Keyed state ${file} is a chain of more than ${MAX_CHAIN} files`, { location: { file } }, ErrorCodes.RESTORE_FAILED);
    }
    const snapshot = decodeSnapshot(await read(next));
    chain.unshift(snapshot);
    next = snapshot.base === null ? null : join(dirname(next), snapshot.base);
  }
  return mergeSnapshotChain(chain);
}

async function read(file: string): Promise<Uint8Array> {
  try {
    return await readFile(file);
  } catch (cause) {
    throw new CheckpointError(`Cannot read checkpoint file ${file}: ${(cause as Error).message}`, { cause, location: { file } }, ErrorCodes.RESTORE_FAILED);
  }
}

function restoreError(e: unknown, operator: string, checkpointId: number): WeirError {
  if (e instanceof WeirError) {
    if (!e.location.operator) e.message = `Restoring checkpoint ${checkpointId}: ${e.message}\n  at operator ${operator}`;
    return e;
  }
  return new CheckpointError(`Restoring checkpoint ${checkpointId} into ${operator} failed: ${(e as Error)?.message ?? e}`, { cause: e, location: { operator } }, ErrorCodes.RESTORE_FAILED);
}

import type { StreamOperator } from '../exec/operator.ts';
import type { PhysicalNode } from '../plan/physical/physical-node.ts';
import type { KeyedStateBackend } from '../state/keyed-state.ts';
import type { InternalTimerService } from '../time/timer-service.ts';

/** One operator of a task's chain as checkpoints see it. */
export interface CheckpointableOperator {
  readonly node: PhysicalNode;
  /** Its keyed state, if it created any (null otherwise: nothing to snapshot). */
  readonly state: KeyedStateBackend | null;
  /** Its timers, if it created the service. */
  readonly timers: InternalTimerService | null;
  /** Its keyed state, created if needed (restore). */
  keyedState(): KeyedStateBackend;
  /** Its timer service, created if needed (restore). */
  timerService(): InternalTimerService;
  /** The operator's committables at a barrier (undefined when it does not pre-commit). Errors are tagged. */
  preCommit(checkpointId: number): Promise<readonly unknown[] | undefined>;
  notifyCheckpointComplete(checkpointId: number): Promise<void>;
  /** The operator's non-keyed state (undefined when it has none). Synchronous; errors are tagged. */
  snapshotState(checkpointId: number): unknown;
  restoreState(states: readonly unknown[]): void;
}

/** What checkpoints need of a task's operator chain (src/exec/task/operator-chain.ts). */
export interface CheckpointableChain {
  prepareSnapshot(checkpointId: number): Promise<void>;
  checkpointOperators(): CheckpointableOperator[];
}

/** The parts of a chain link the view is made from. */
export interface ChainLinkParts {
  readonly node: PhysicalNode;
  readonly operator: StreamOperator;
  readonly state: KeyedStateBackend | null;
  readonly timers: InternalTimerService | null;
  readonly keyedState?: () => KeyedStateBackend;
  readonly timerService?: () => InternalTimerService;
}

/** A link's checkpoint view; `guard` runs an operator hook and tags its errors with the operator. */
export function checkpointable(link: ChainLinkParts, guard: (f: () => Promise<void>) => Promise<void>, tag: (e: unknown) => unknown): CheckpointableOperator {
  const { node, operator } = link;
  return {
    node,
    state: link.state,
    timers: link.timers,
    keyedState: () => need(link.keyedState, node)(),
    timerService: () => need(link.timerService, node)(),
    preCommit: async (checkpointId) => {
      if (!operator.preCommit) return undefined;
      let out: readonly unknown[] = [];
      await guard(async () => { out = await operator.preCommit!(checkpointId); });
      return out;
    },
    notifyCheckpointComplete: async (checkpointId) => {
      if (operator.notifyCheckpointComplete) await guard(() => operator.notifyCheckpointComplete!(checkpointId));
    },
    snapshotState: (checkpointId) => {
      try { return operator.snapshotState?.(checkpointId); } catch (e) { throw tag(e); }
    },
    restoreState: (states) => {
      if (!operator.restoreState) throw new Error(`operator ${node.name} has operator state in the checkpoint but cannot restore it`);
      try { operator.restoreState(states); } catch (e) { throw tag(e); }
    },
  };
}

function need<T>(f: (() => T) | undefined, node: PhysicalNode): () => T {
  if (!f) throw new Error(`internal: operator ${node.name} is not open`);
  return f;
}

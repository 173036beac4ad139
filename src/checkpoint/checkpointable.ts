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
export function checkpointable(link: ChainLinkParts, guard: (f: () => Promise<void>) => Promise<void>): CheckpointableOperator {
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
  };
}

function need<T>(f: (() => T) | undefined, node: PhysicalNode): () => T {
  if (!f) throw new Error(`internal: operator ${node.name} is not open`);
  return f;
}

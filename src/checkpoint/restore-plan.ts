import { join } from 'node:path';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { JobGraph } from '../plan/physical/job-graph.ts';
import type { PhysicalNode } from '../plan/physical/physical-node.ts';
import { keyGroupRangeFor, type KeyGroupRange } from '../state/key-groups.ts';
import type { RestoredOperatorFiles, TaskRestore } from './checkpoint-messages.ts';
import type { ResolvedCheckpoint } from './checkpoint-storage.ts';
import { operatorSignature, type OperatorManifest, type SubtaskManifest } from './manifest.ts';

/**
 * What every task of `graph` restores from a completed checkpoint, by task id (`<vertex>[<subtask>]`). Operators
 * are matched by id and signature (kind and name); keyed state and timers go to the new subtasks owning their key
 * groups, so the parallelism may differ from the checkpoint's. Fails with RESTORE_FAILED when the key-group count
 * differs, or when state belongs to no operator of the job (unless `ignoreUnclaimed`, Flink's
 * allowNonRestoredState).
 */
export function planTaskRestores(checkpoint: ResolvedCheckpoint, graph: JobGraph, maxParallelism: number, ignoreUnclaimed: boolean): Map<string, TaskRestore> {
  const { manifest, dir } = checkpoint;
  if (manifest.maxParallelism !== maxParallelism) {
    throw new CheckpointError(`Checkpoint ${dir} was taken with pipeline.max-parallelism ${manifest.maxParallelism}, but the job has ${maxParallelism}`, {
      hint: "Keyed state is split into that many key groups; set 'pipeline.max-parallelism' back to the checkpoint's value.",
    }, ErrorCodes.RESTORE_FAILED);
  }
  const nodes = new Map<string, { node: PhysicalNode; vertexId: string; parallelism: number }>();
  for (const v of graph.vertices) for (const node of v.chain) nodes.set(node.id, { node, vertexId: v.id, parallelism: v.parallelism });
  const restores = new Map<string, { operators: Record<string, RestoredOperatorFiles>; sourcePositions?: unknown[] }>();
  const forTask = (taskId: string) => {
    let r = restores.get(taskId);
    if (!r) restores.set(taskId, (r = { operators: {} }));
    return r;
  };
  for (const op of manifest.operators) {
    if (!hasState(op)) continue;
    const target = nodes.get(op.id);
    if (!target || operatorSignature(target.node) !== op.signature) {
      if (ignoreUnclaimed) continue;
      throw new CheckpointError(`Checkpoint ${dir} holds state of operator ${op.name} (id ${op.id}) that no operator of this job claims${target ? ` (operator ${op.id} is now ${target.node.name})` : ''}`, {
        hint: "The job changed since the checkpoint. Restore with the query that wrote it, or set 'execution.savepoint.ignore-unclaimed-state' = 'true' to drop that state.",
      }, ErrorCodes.RESTORE_FAILED);
    }
    for (let s = 0; s < target.parallelism; s++) {
      const taskId = `${target.vertexId}[${s}]`;
      const range = keyGroupRangeFor(s, maxParallelism, target.parallelism);
      const keyed = op.subtasks.filter((st) => st.keyedState && overlaps(st.keyedState.keyGroupRange, range)).map((st) => join(dir, st.keyedState!.file));
      const timers = op.subtasks.filter((st) => st.timers && overlaps(keyGroupRangeFor(st.subtask, maxParallelism, op.parallelism), range)).map((st) => join(dir, st.timers!.file));
      const operatorState = op.subtasks.filter((st) => st.operatorState).map((st) => join(dir, st.operatorState!.file));
      if (keyed.length || timers.length || operatorState.length) forTask(taskId).operators[op.id] = { keyedState: keyed, timers, operatorState };
      if (op.subtasks.some((st) => st.sourcePosition !== undefined)) forTask(taskId).sourcePositions = sourcePositions(op);
    }
  }
  const out = new Map<string, TaskRestore>();
  for (const [taskId, r] of restores) out.set(taskId, { checkpointId: manifest.checkpointId, ...r });
  return out;
}

function hasState(op: OperatorManifest): boolean {
  return op.subtasks.some((s) => s.keyedState || s.timers || s.operatorState || s.sourcePosition !== undefined);
}

/** Positions by old subtask index; a subtask that recorded none has `undefined` (its reader says what it needs). */
function sourcePositions(op: OperatorManifest): unknown[] {
  const positions = new Array<unknown>(op.parallelism).fill(undefined);
  for (const s of op.subtasks as SubtaskManifest[]) positions[s.subtask] = s.sourcePosition;
  return positions;
}

function overlaps(a: KeyGroupRange, b: KeyGroupRange): boolean {
  return a.start <= b.end && b.start <= a.end;
}

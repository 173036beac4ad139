import { join } from 'node:path';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { JobGraph } from '../plan/physical/job-graph.ts';
import type { PhysicalNode } from '../plan/physical/physical-node.ts';
import { keyGroupRangeFor, type KeyGroupRange } from '../state/key-groups.ts';
import type { RestoredOperatorFiles, TaskRestore } from './checkpoint-messages.ts';
import type { ResolvedCheckpoint } from './checkpoint-storage.ts';
import { operatorSignature, type OperatorManifest, type SubtaskManifest } from './manifest.ts';
import { operatorStateSchema, stateSchemaDifferences } from './state-schema.ts';

/** An operator of the job, as restore messages and logs name it. */
export interface RestoredOperator {
  readonly uid: string;
  readonly name: string;
  readonly kind: string;
}

export interface RestorePlan {
  /** What every task restores, by task id (`<vertex>[<subtask>]`); tasks with nothing to restore are absent. */
  readonly tasks: Map<string, TaskRestore>;
  /** Operators of the job that keep state but found none in the checkpoint: they start empty (as in Flink). */
  readonly startedEmpty: readonly RestoredOperator[];
}

/** {@link planRestore}'s task restores alone. */
export function planTaskRestores(checkpoint: ResolvedCheckpoint, graph: JobGraph, maxParallelism: number, ignoreUnclaimed: boolean): Map<string, TaskRestore> {
  return planRestore(checkpoint, graph, maxParallelism, ignoreUnclaimed).tasks;
}

/**
 * What the tasks of `graph` restore from a completed checkpoint. Operators are matched by uid (checkpoints written
 * before uids: by plan node id and signature); keyed state and timers go to the new subtasks owning their key
 * groups, so the parallelism may differ from the checkpoint's. Fails with RESTORE_FAILED when the key-group count
 * differs, when an operator's saved state no longer fits the operator with its uid (whatever `ignoreUnclaimed` says,
 * as Flink), or when state belongs to no operator of the job (unless `ignoreUnclaimed`, Flink's
 * allowNonRestoredState). Every unclaimed or incompatible operator is named in the error.
 */
export function planRestore(checkpoint: ResolvedCheckpoint, graph: JobGraph, maxParallelism: number, ignoreUnclaimed: boolean): RestorePlan {
  const { manifest, dir } = checkpoint;
  if (manifest.maxParallelism !== maxParallelism) {
    throw new CheckpointError(`Checkpoint ${dir} was taken with pipeline.max-parallelism ${manifest.maxParallelism}, but the job has ${maxParallelism}`, {
      hint: "Keyed state is split into that many key groups; set 'pipeline.max-parallelism' back to the checkpoint's value.",
    }, ErrorCodes.RESTORE_FAILED);
  }
  const match = operatorMatcher(graph);
  const claims = new Map<OperatorManifest, Target>();
  const unclaimed: OperatorManifest[] = [];
  const incompatible: string[] = [];
  for (const op of manifest.operators) {
    if (!hasState(op)) continue;
    const target = match(op);
    if (!target) unclaimed.push(op);
    else {
      const problem = incompatibility(op, target.node);
      if (problem) incompatible.push(problem);
      else claims.set(op, target);
    }
  }
  if (incompatible.length) throw incompatibleState(dir, incompatible);
  if (unclaimed.length && !ignoreUnclaimed) throw unclaimedState(dir, unclaimed);
  const restores = new Map<string, { operators: Record<string, RestoredOperatorFiles>; sourcePositions?: unknown[] }>();
  const forTask = (taskId: string) => {
    let r = restores.get(taskId);
    if (!r) restores.set(taskId, (r = { operators: {} }));
    return r;
  };
  for (const [op, target] of claims) {
    for (let s = 0; s < target.parallelism; s++) {
      const taskId = `${target.vertexId}[${s}]`;
      const range = keyGroupRangeFor(s, maxParallelism, target.parallelism);
      const keyed = op.subtasks.filter((st) => st.keyedState && overlaps(st.keyedState.keyGroupRange, range)).map((st) => join(dir, st.keyedState!.file));
      const timers = op.subtasks.filter((st) => st.timers && overlaps(keyGroupRangeFor(st.subtask, maxParallelism, op.parallelism), range)).map((st) => join(dir, st.timers!.file));
      const operatorState = op.subtasks.filter((st) => st.operatorState).map((st) => join(dir, st.operatorState!.file));
      if (keyed.length || timers.length || operatorState.length) forTask(taskId).operators[target.node.id] = { keyedState: keyed, timers, operatorState };
      if (op.subtasks.some((st) => st.sourcePosition !== undefined)) forTask(taskId).sourcePositions = sourcePositions(op);
    }
  }
  const out = new Map<string, TaskRestore>();
  for (const [taskId, r] of restores) out.set(taskId, { checkpointId: manifest.checkpointId, ...r });
  return { tasks: out, startedEmpty: startedEmpty(graph, new Set([...claims.values()].map((t) => t.node))) };
}

interface Target {
  readonly node: PhysicalNode;
  readonly vertexId: string;
  readonly parallelism: number;
}

/** Finds the operator of `graph` that claims a checkpointed operator's state: by uid, or (no uid) by id and signature. */
function operatorMatcher(graph: JobGraph): (op: OperatorManifest) => Target | undefined {
  const byId = new Map<string, Target>();
  const byUid = new Map<string, Target>();
  for (const v of graph.vertices) {
    for (const node of v.chain) {
      const target = { node, vertexId: v.id, parallelism: v.parallelism };
      byId.set(node.id, target);
      if (node.uid !== undefined) byUid.set(node.uid, target);
    }
  }
  return (op) => {
    if (op.uid !== null && op.uid !== undefined) return byUid.get(op.uid);
    const target = byId.get(op.id);
    return target && operatorSignature(target.node) === op.signature ? target : undefined;
  };
}

/** Why `op`'s saved state does not fit `node` (which has its uid), or null when it fits. */
function incompatibility(op: OperatorManifest, node: PhysicalNode): string | null {
  const who = `operator ${describe(op)}, now ${node.name}`;
  if (op.kind !== node.kind) return `${who}: the uid was given to a ${op.kind} operator, it is now a ${node.kind} operator`;
  const now = operatorStateSchema(node);
  if (!op.stateSchema || !now) return null;
  const diff = stateSchemaDifferences(op.stateSchema, now);
  if (!diff.saved.length && !diff.now.length) return null;
  return `${who}: state [${diff.saved.join('; ')}] in the checkpoint vs [${diff.now.join('; ')}] now`;
}

function incompatibleState(dir: string, problems: readonly string[]): CheckpointError {
  return new CheckpointError(`Checkpoint ${dir} cannot be restored: the saved state of ${problems.length} operator${problems.length > 1 ? 's' : ''} no longer fits the operator with the same uid\n${problems.map((p) => `  - ${p}`).join('\n')}`, {
    hint: 'The query changed what these operators keep (group keys, aggregates, join or partition key types, rows). Restore with the query that wrote the checkpoint, '
      + "or give the changed operator a new uid (Table API table.uid('…'), SQL SELECT /*+ UID('…') */ …) so that it starts empty, and set "
      + "'execution.savepoint.ignore-unclaimed-state' = 'true' (--allow-non-restored-state) to drop its old state. As in Flink, that option alone "
      + 'does not skip state that an operator claims but cannot read.',
  }, ErrorCodes.RESTORE_FAILED);
}

function unclaimedState(dir: string, ops: readonly OperatorManifest[]): CheckpointError {
  return new CheckpointError(`Checkpoint ${dir} holds state of ${ops.length} operator${ops.length > 1 ? 's' : ''} that no operator of this job claims\n${ops.map((op) => `  - ${describe(op)}`).join('\n')}`, {
    hint: "The job changed since the checkpoint. Restore with the query that wrote it, give the operators their uids back (table.uid('…'), SQL SELECT /*+ UID('…') */), "
      + "or set 'execution.savepoint.ignore-unclaimed-state' = 'true' (weir run / weir sql --allow-non-restored-state) to drop that state.",
  }, ErrorCodes.RESTORE_FAILED);
}

/** `GroupAggregate(…) (uid 'group-aggregate-1f…', group-aggregate)`; checkpoints without uids give the plan node id. */
function describe(op: OperatorManifest): string {
  return `${op.name} (${op.uid !== null && op.uid !== undefined ? `uid '${op.uid}'` : `id ${op.id}`}, ${op.kind})`;
}

function startedEmpty(graph: JobGraph, claimed: ReadonlySet<PhysicalNode>): RestoredOperator[] {
  return graph.vertices.flatMap((v) => v.chain)
    .filter((node) => !claimed.has(node) && operatorStateSchema(node) !== null)
    .map((node) => ({ uid: node.uid ?? node.id, name: node.name, kind: node.kind }));
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

/**
 * The checkpoint manifest (`_metadata`): a JSON file written last, atomically, into a checkpoint's directory. A
 * directory without it is an incomplete checkpoint and is never used. The layout is described in docs/checkpoints.md.
 */
import { createHash } from 'node:crypto';
import type { ConnectorOptions } from '../connectors/connector.ts';
import { CheckpointError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';
import type { JobGraph } from '../plan/physical/job-graph.ts';
import type { PhysicalNode } from '../plan/physical/physical-node.ts';
import { operatorStateSchema, type StateSchema } from './state-schema.ts';
import type { KeyedStateFileRef, StateFileRef, TaskAck } from './checkpoint-messages.ts';

export const CHECKPOINT_FORMAT = 'weir-checkpoint';
/** Bumped on any change readers of older versions would misread. */
export const CHECKPOINT_FORMAT_VERSION = 1;
export const MANIFEST_FILE = '_metadata';
/** The operator id under which tasks report their late-data side output's committables (`table.exec.late-records.sink`). */
export const LATE_RECORDS_ID = 'late-records';

export interface CheckpointManifest {
  readonly format: typeof CHECKPOINT_FORMAT;
  readonly formatVersion: number;
  readonly checkpointId: number;
  readonly jobId: string;
  readonly jobName: string;
  /** `checkpoint` (periodic) or `savepoint` (user-triggered, written to a directory of the user's choice). */
  readonly kind: 'checkpoint' | 'savepoint';
  /** Taken when every task had finished (end of a bounded job): it holds the sinks' last committables only. */
  readonly final: boolean;
  /** Hash of the job's operators and edges (not their parallelism): equal for the same query. */
  readonly planFingerprint: string;
  /** `pipeline.max-parallelism`: the number of key groups; state can be rescaled within it. */
  readonly maxParallelism: number;
  /** Epoch ms. */
  readonly triggeredAt: number;
  readonly completedAt: number;
  /** Bytes of all state files. */
  readonly sizeBytes: number;
  readonly operators: readonly OperatorManifest[];
}

export interface OperatorManifest {
  /** The plan node id (stable for the same query; names the state files). */
  readonly id: string;
  /**
   * The operator's uid, user-assigned or generated (src/plan/physical/operator-uids.ts): what a restore matches
   * operators by. Null in checkpoints written before uids; those are matched by id and signature.
   */
  readonly uid: string | null;
  readonly kind: string;
  readonly name: string;
  /** Hash of kind and name: an operator with the same id but another signature is a different operator. */
  readonly signature: string;
  readonly vertexId: string;
  readonly parallelism: number;
  /** What its state looks like (src/checkpoint/state-schema.ts), checked on restore; absent without state. */
  readonly stateSchema?: StateSchema;
  /** Sinks: what commits their committables. */
  readonly sink?: { readonly connector: string; readonly options: ConnectorOptions };
  readonly subtasks: readonly SubtaskManifest[];
}

export interface SubtaskManifest {
  readonly subtask: number;
  /** Its keyed state; incremental checkpoints name a chain of shared files (see KeyedStateFileRef). */
  readonly keyedState?: KeyedStateFileRef;
  readonly timers?: StateFileRef;
  readonly operatorState?: StateFileRef;
  readonly sourcePosition?: unknown;
  readonly committables?: readonly unknown[];
}

/** The job graph's identity without parallelism: vertex chains (kind and name) and edges. */
export function planFingerprint(graph: JobGraph): string {
  const shape = {
    vertices: graph.vertices.map((v) => ({ id: v.id, chain: v.chain.map((n) => [n.id, n.kind, n.name]) })),
    edges: graph.edges.map((e) => [e.source, e.target, e.targetInput, e.partitioning.kind]),
  };
  return sha256(JSON.stringify(shape)).slice(0, 32);
}

export function operatorSignature(node: Pick<PhysicalNode, 'kind' | 'name'>): string {
  return sha256(`${node.kind}\u0000${node.name}`).slice(0, 16);
}

export interface ManifestInput {
  readonly checkpointId: number;
  readonly jobId: string;
  readonly jobName: string;
  readonly graph: JobGraph;
  readonly maxParallelism: number;
  readonly final: boolean;
  readonly triggeredAt: number;
  readonly completedAt: number;
  readonly acks: Iterable<TaskAck>;
  readonly kind?: CheckpointManifest['kind'];
  /** The late-data side output's table, when the job has one: its committables are recorded as a sink's. */
  readonly lateRecordsSink?: { readonly table: string; readonly connector: string; readonly options: ConnectorOptions };
}

/** Assembles the manifest of a checkpoint every task acknowledged. */
export function buildManifest(input: ManifestInput): CheckpointManifest {
  const byOperator = new Map<string, SubtaskManifest[]>();
  let sizeBytes = 0;
  for (const ack of input.acks) {
    for (const op of ack.operators) {
      const entry: SubtaskManifest = {
        subtask: ack.subtaskIndex,
        ...(op.keyedState ? { keyedState: op.keyedState } : {}),
        ...(op.timers ? { timers: op.timers } : {}),
        ...(op.operatorState ? { operatorState: op.operatorState } : {}),
        ...(op.sourcePosition !== undefined ? { sourcePosition: op.sourcePosition } : {}),
        ...(op.committables?.length ? { committables: op.committables } : {}),
      };
      sizeBytes += (op.keyedState?.bytes ?? 0) + (op.timers?.bytes ?? 0) + (op.operatorState?.bytes ?? 0);
      const list = byOperator.get(op.operatorId) ?? [];
      list.push(entry);
      byOperator.set(op.operatorId, list);
    }
  }
  const operators: OperatorManifest[] = [];
  for (const v of input.graph.vertices) {
    for (const node of v.chain) {
      const subtasks = (byOperator.get(node.id) ?? []).sort((a, b) => a.subtask - b.subtask);
      const stateSchema = operatorStateSchema(node);
      operators.push({
        id: node.id,
        uid: node.uid ?? null,
        kind: node.kind,
        name: node.name,
        signature: operatorSignature(node),
        vertexId: v.id,
        parallelism: v.parallelism,
        ...(stateSchema ? { stateSchema } : {}),
        ...(node.kind === 'sink' ? { sink: { connector: node.connector, options: node.options } } : {}),
        subtasks,
      });
    }
  }
  const late = input.lateRecordsSink;
  const lateSubtasks = byOperator.get(LATE_RECORDS_ID);
  if (late && lateSubtasks) {
    const name = `LateRecords(${late.table})`;
    operators.push({
      id: LATE_RECORDS_ID, uid: null, kind: 'sink', name, signature: operatorSignature({ kind: 'sink', name }), vertexId: '', parallelism: 0,
      sink: { connector: late.connector, options: late.options }, subtasks: lateSubtasks,
    });
  }
  return {
    format: CHECKPOINT_FORMAT,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    checkpointId: input.checkpointId,
    jobId: input.jobId,
    jobName: input.jobName,
    kind: input.kind ?? 'checkpoint',
    final: input.final,
    planFingerprint: planFingerprint(input.graph),
    maxParallelism: input.maxParallelism,
    triggeredAt: input.triggeredAt,
    completedAt: input.completedAt,
    sizeBytes,
    operators,
  };
}

/** Parses and checks a `_metadata` file's text; RESTORE_FAILED on another format or version. */
export function parseManifest(text: string, path: string): CheckpointManifest {
  let raw: Partial<CheckpointManifest>;
  try {
    raw = JSON.parse(text) as Partial<CheckpointManifest>;
  } catch (cause) {
    throw new CheckpointError(`Checkpoint manifest ${path} is not valid JSON`, { cause }, ErrorCodes.RESTORE_FAILED);
  }
  if (raw?.format !== CHECKPOINT_FORMAT) {
    throw new CheckpointError(`${path} is not a Weir checkpoint manifest (format ${JSON.stringify(raw?.format)})`, {}, ErrorCodes.RESTORE_FAILED);
  }
  if (raw.formatVersion !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(`Checkpoint ${path} has format version ${raw.formatVersion}; this build reads version ${CHECKPOINT_FORMAT_VERSION}`, {
      hint: 'Restore it with the Weir version that wrote it.',
    }, ErrorCodes.RESTORE_FAILED);
  }
  return raw as CheckpointManifest;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

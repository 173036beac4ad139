/**
 * Operator uids: what identifies an operator's state in checkpoints and savepoints, so that a job restored after its
 * query changed finds its state again (docs/checkpoints.md, "Operator uids").
 *
 * Flink's DataStream API hashes each node together with its inputs and chained outputs (StreamGraphHasherV2), and
 * Flink SQL (1.18+, `table.exec.uid.format`) names operators after the planner's node ids: both change when anything
 * upstream changes, e.g. one more filter. Weir hashes less, on purpose:
 *
 * - A **sink** is named by its table, with a position among sinks of the same table. Its connector is not part of
 *   it: writing the same query to a `print` table of the same name while debugging keeps every uid.
 * - Every other operator belongs to the pipeline of the sink (or collect) it feeds, and is named by that pipeline,
 *   its kind and its *lineage*: the kinds and lineages of its inputs, down to the **sources**, which are named by
 *   their table (a source's connector and options are not part of its uid; its state schema is checked instead).
 *   Single-input operators without checkpointed state (Calc, UDF calls, table functions, watermark assigners,
 *   window table functions, Expand, Sort) pass their input's lineage on unchanged, so adding, changing or removing
 *   a projection, filter or UDF call upstream of a GROUP BY leaves the GROUP BY's uid as it was.
 * - Operators with the same pipeline, kind and lineage (two scans of one table in a self-join, two aggregations of
 *   one table in a UNION) are told apart by their position in planning order.
 * - An operator's configuration (group keys, aggregate list, join keys) is not part of its uid: an operator whose
 *   state no longer fits is found and reported by the restore's state-compatibility check rather than dropped.
 * - A user-assigned uid replaces the generated one and also stands for the operator's lineage downstream.
 *
 * Adding another INSERT to a statement set does not change the uids of the others (it is another pipeline).
 */
import { createHash } from 'node:crypto';
import { PlanError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import type { PlannedNode } from './chain-operators.ts';
import type { PhysicalNode } from './physical-node.ts';

/** Kinds that keep no checkpointed state: they pass their input's lineage on, so they never shift a uid downstream. */
const PASS_THROUGH: ReadonlySet<PhysicalNode['kind']> = new Set([
  'calc', 'udf-call', 'correlate', 'watermark-assigner', 'window-tvf', 'expand', 'sort',
]);

/**
 * Copies of `nodes` (in the same, topological order, inputs re-linked) whose physical nodes carry their uid:
 * `userUids` where given, generated otherwise. Throws PlanError (PLAN_INVALID) when a uid is given twice.
 */
export function assignOperatorUids(nodes: readonly PlannedNode[], userUids: ReadonlyMap<PlannedNode, string>): PlannedNode[] {
  const pipelineOf = pipelines(nodes);
  const lineage = new Map<PlannedNode, string>();
  const positions = new Map<string, number>();
  const owners = new Map<string, PhysicalNode>();
  const copies = new Map<PlannedNode, PlannedNode>();
  for (const n of nodes) {
    const user = userUids.get(n);
    const inputs = n.inputs.map((i) => lineage.get(i.from)!);
    const own = user !== undefined ? `uid:${user}`
      : n.node.kind === 'source' || n.node.kind === 'sink' ? hash([n.node.kind, n.node.table ?? n.node.name])
        : PASS_THROUGH.has(n.node.kind) && inputs.length === 1 ? inputs[0]
          : hash([n.node.kind, ...inputs]);
    lineage.set(n, own);
    let uid = user;
    if (uid === undefined) {
      const key = hash([pipelineOf.get(n)!, n.node.kind, own]);
      const position = positions.get(key) ?? 0;
      positions.set(key, position + 1);
      uid = `${n.node.kind}-${hash([key, String(position)]).slice(0, 16)}`;
    }
    const other = owners.get(uid);
    if (other) throw duplicateUid(uid, other, n.node);
    owners.set(uid, n.node);
    copies.set(n, { node: { ...n.node, uid }, parallelism: n.parallelism, inputs: n.inputs.map((i) => ({ from: copies.get(i.from)!, partitioning: i.partitioning })) });
  }
  return nodes.map((n) => copies.get(n)!);
}

/**
 * The pipeline of every node: the sink (its table, with a position among sinks of the same table) or collect at the
 * end of the path from it. Every node feeds exactly one consumer (plans do not share sub-plans).
 */
function pipelines(nodes: readonly PlannedNode[]): Map<PlannedNode, string> {
  const consumer = new Map<PlannedNode, PlannedNode>();
  for (const n of nodes) for (const i of n.inputs) if (!consumer.has(i.from)) consumer.set(i.from, n);
  const out = new Map<PlannedNode, string>();
  const seen = new Map<string, number>();
  for (const n of nodes) {
    if (consumer.has(n)) continue;
    const name = n.node.kind === 'sink' ? `sink:${n.node.table ?? n.node.name}` : n.node.kind;
    const position = seen.get(name) ?? 0;
    seen.set(name, position + 1);
    out.set(n, position === 0 ? name : `${name}#${position}`);
  }
  const pipelineOf = (n: PlannedNode): string => {
    let known = out.get(n);
    if (known === undefined) out.set(n, (known = pipelineOf(consumer.get(n)!)));
    return known;
  };
  for (const n of nodes) pipelineOf(n);
  return out;
}

function duplicateUid(uid: string, first: PhysicalNode, second: PhysicalNode): PlanError {
  return new PlanError(`Operator uid '${uid}' is given to two operators of the job: ${first.name} and ${second.name}`, {
    hint: 'A uid names one operator\'s state in savepoints, so it must be unique within a job. Give each operator its own uid '
      + '(a view or WITH query used twice is planned once per use, each with the uid set inside it).',
  }, ErrorCodes.PLAN_INVALID);
}

function hash(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

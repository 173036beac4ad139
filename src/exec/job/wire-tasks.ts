import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { JobGraph } from '../../plan/physical/job-graph.ts';
import type { GateInput } from '../channel/input-gate.ts';
import type { OutputEdgeWiring } from '../task/record-writer.ts';
import type { TaskSpec } from '../task/task-spec.ts';

export interface WiredJob {
  /** Tasks grouped by slot: slot i holds subtask i of every vertex. */
  readonly slots: TaskSpec[][];
  /** The client end of the collect vertex's output, if the job has one. */
  readonly clientPort: MessagePort | null;
}

/**
 * Creates one MessageChannel per (sending subtask, receiving subtask) pair of every edge — one per pair for forward
 * edges, all-to-all otherwise — and hands each end to its task.
 */
export function wireTasks(graph: JobGraph): WiredJob {
  const inputs = new Map<string, GateInput[]>();
  const outputs = new Map<string, OutputEdgeWiring[]>();
  const key = (vertex: string, subtask: number) => `${vertex}#${subtask}`;
  const parallelism = new Map(graph.vertices.map((v) => [v.id, v.parallelism]));
  for (const v of graph.vertices) {
    for (let s = 0; s < v.parallelism; s++) {
      inputs.set(key(v.id, s), []);
      outputs.set(key(v.id, s), []);
    }
  }
  for (const edge of graph.edges) {
    const pSource = parallelism.get(edge.source)!;
    const pTarget = parallelism.get(edge.target)!;
    const forward = edge.partitioning.kind === 'forward';
    for (let s = 0; s < pSource; s++) {
      const targets = forward ? [s] : edge.partitioning.kind === 'global' ? [0] : Array.from({ length: pTarget }, (_, t) => t);
      const ports: MessagePort[] = [];
      for (const t of targets) {
        const { port1, port2 } = new MessageChannel();
        ports.push(port1);
        inputs.get(key(edge.target, t))!.push({ port: port2, input: edge.targetInput });
      }
      outputs.get(key(edge.source, s))!.push({ partitioning: edge.partitioning, ports });
    }
  }
  let clientPort: MessagePort | null = null;
  const last = graph.vertices[graph.vertices.length - 1];
  if (last.chain[last.chain.length - 1].kind === 'collect') {
    const { port1, port2 } = new MessageChannel();
    outputs.get(key(last.id, 0))!.push({ partitioning: { kind: 'forward' }, ports: [port1] });
    clientPort = port2;
  }
  const slotCount = Math.max(...graph.vertices.map((v) => v.parallelism));
  const slots: TaskSpec[][] = Array.from({ length: slotCount }, () => []);
  for (const v of graph.vertices) {
    for (let s = 0; s < v.parallelism; s++) {
      slots[s].push({
        taskId: `${v.id}[${s}]`,
        vertex: v,
        subtaskIndex: s,
        inputs: inputs.get(key(v.id, s))!,
        outputs: outputs.get(key(v.id, s))!,
      });
    }
  }
  return { slots, clientPort };
}

/** Every port inside a slot's task specs, for the worker's transfer list. */
export function portsOf(tasks: readonly TaskSpec[]): MessagePort[] {
  return tasks.flatMap((t) => [...t.inputs.map((i) => i.port), ...t.outputs.flatMap((o) => [...o.ports])]);
}

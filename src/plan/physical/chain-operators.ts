import type { JobEdge, JobGraph, JobVertex, Partitioning } from './job-graph.ts';
import type { PhysicalNode } from './physical-node.ts';

export interface PlannedNode {
  readonly node: PhysicalNode;
  readonly parallelism: number;
  readonly inputs: readonly { readonly from: PlannedNode; readonly partitioning: Partitioning }[];
}

/**
 * Groups planned nodes into vertices. A node joins its input's chain when the edge is forward, the parallelism is
 * equal, the node has exactly one input and the input feeds nobody else; otherwise it heads a new vertex.
 */
export function chainOperators(nodes: readonly PlannedNode[], bounded: boolean, chaining: boolean): JobGraph {
  const consumers = new Map<PlannedNode, number>();
  for (const n of nodes) for (const i of n.inputs) consumers.set(i.from, (consumers.get(i.from) ?? 0) + 1);

  const vertexOf = new Map<PlannedNode, { id: string; chain: PhysicalNode[]; parallelism: number; head: PlannedNode }>();
  const vertices: { id: string; chain: PhysicalNode[]; parallelism: number; head: PlannedNode }[] = [];
  for (const n of nodes) {
    const only = n.inputs.length === 1 ? n.inputs[0] : null;
    // Between two single-subtask operators every partitioning is a forward one.
    const forwardLike = only !== null && (only.partitioning.kind === 'forward' || (only.from.parallelism === 1 && n.parallelism === 1));
    const canChain = chaining && only !== null && forwardLike
      && only.from.parallelism === n.parallelism && consumers.get(only.from) === 1;
    if (canChain) {
      const v = vertexOf.get(only.from)!;
      v.chain.push(n.node);
      vertexOf.set(n, v);
    } else {
      const v = { id: `v${vertices.length}`, chain: [n.node], parallelism: n.parallelism, head: n };
      vertices.push(v);
      vertexOf.set(n, v);
    }
  }

  const edges: JobEdge[] = [];
  for (const v of vertices) {
    v.head.inputs.forEach((input, targetInput) => {
      edges.push({ source: vertexOf.get(input.from)!.id, target: v.id, targetInput, partitioning: input.partitioning });
    });
  }
  const out: JobVertex[] = vertices.map((v) => ({
    id: v.id,
    name: v.chain.map((n) => n.name).join(' -> '),
    chain: v.chain,
    parallelism: v.parallelism,
  }));
  return { vertices: out, edges, bounded };
}

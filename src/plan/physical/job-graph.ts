import type { PhysicalNode } from './physical-node.ts';

/** How rows travel from the subtasks of one vertex to those of the next. */
export type Partitioning =
  | { readonly kind: 'forward' }
  | { readonly kind: 'rebalance' }
  | { readonly kind: 'global' }
  | { readonly kind: 'broadcast' }
  | { readonly kind: 'hash'; readonly keys: readonly number[]; readonly maxParallelism: number };

export interface JobEdge {
  readonly source: string;
  readonly target: string;
  /** Which input of the target vertex's head operator this edge feeds. */
  readonly targetInput: number;
  readonly partitioning: Partitioning;
}

/**
 * A vertex runs a chain of operators (head first) as `parallelism` tasks. Forward-connected operators with the same
 * parallelism are chained so that batches pass between them by a function call, not a channel.
 */
export interface JobVertex {
  readonly id: string;
  readonly name: string;
  readonly chain: readonly PhysicalNode[];
  readonly parallelism: number;
}

/** Immutable plain data: cloned into every task thread. Vertices are in topological order. */
export interface JobGraph {
  readonly vertices: readonly JobVertex[];
  readonly edges: readonly JobEdge[];
  readonly bounded: boolean;
}

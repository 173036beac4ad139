/**
 * Key groups, as in Flink: a key belongs to group hash(key) mod maxParallelism, and subtask i of p owns the
 * contiguous range of groups [ceil(i * max / p), ceil((i + 1) * max / p)). State is snapshotted per key group so a
 * savepoint can be restored at another parallelism.
 */
export function keyGroupOf(hash: number, maxParallelism: number): number {
  return hash % maxParallelism;
}

/** The subtask that owns a key group (Flink's KeyGroupRangeAssignment.computeOperatorIndexForKeyGroup). */
export function subtaskForKeyGroup(keyGroup: number, maxParallelism: number, parallelism: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}

export interface KeyGroupRange {
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

export function keyGroupRangeFor(subtask: number, maxParallelism: number, parallelism: number): KeyGroupRange {
  const start = Math.ceil((subtask * maxParallelism) / parallelism);
  const end = Math.ceil(((subtask + 1) * maxParallelism) / parallelism) - 1;
  return { start, end };
}

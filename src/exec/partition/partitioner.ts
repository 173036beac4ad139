import type { ChangeBatch } from '../../batch/change-batch.ts';
import type { Partitioning } from '../../plan/physical/job-graph.ts';
import { hashRows } from '../../state/row-hash.ts';
import { keyGroupOf, subtaskForKeyGroup } from '../../state/key-groups.ts';
import { takeRows } from './take-rows.ts';

/** Splits a batch among the channels to the target subtasks: [channel index, rows] pairs. */
export interface Partitioner {
  partition(batch: ChangeBatch): [number, ChangeBatch][];
}

export function createPartitioner(p: Partitioning, channels: number, subtaskIndex: number): Partitioner {
  switch (p.kind) {
    case 'forward': return { partition: (b) => [[0, b]] };
    case 'global': return { partition: (b) => [[0, b]] };
    case 'broadcast': return { partition: (b) => Array.from({ length: channels }, (_, i): [number, ChangeBatch] => [i, b]) };
    case 'rebalance': {
      let next = subtaskIndex % channels;
      return {
        partition: (b) => {
          const target = next;
          next = (next + 1) % channels;
          return [[target, b]];
        },
      };
    }
    case 'hash': return new HashPartitioner(p.keys, p.maxParallelism, channels);
  }
}

/** Routes each row to the subtask owning its key group; rows keep their relative order per target. */
class HashPartitioner implements Partitioner {
  constructor(private readonly keys: readonly number[], private readonly maxParallelism: number, private readonly channels: number) {}

  partition(batch: ChangeBatch): [number, ChangeBatch][] {
    if (this.channels === 1) return [[0, batch]];
    const hashes = hashRows(batch.data, this.keys);
    const counts = new Uint32Array(this.channels);
    const targets = new Uint16Array(hashes.length);
    for (let i = 0; i < hashes.length; i++) {
      const t = subtaskForKeyGroup(keyGroupOf(hashes[i], this.maxParallelism), this.maxParallelism, this.channels);
      targets[i] = t;
      counts[t]++;
    }
    const out: [number, ChangeBatch][] = [];
    for (let t = 0; t < this.channels; t++) {
      if (counts[t] === 0) continue;
      if (counts[t] === hashes.length) return [[t, batch]];
      const rows = new Uint32Array(counts[t]);
      let k = 0;
      for (let i = 0; i < targets.length; i++) if (targets[i] === t) rows[k++] = i;
      out.push([t, takeRows(batch, rows)]);
    }
    return out;
  }
}

import type { Configuration } from '../config/configuration.ts';
import { CoreOptions } from '../config/options.ts';
import { keyGroupRangeFor } from './key-groups.ts';
import type { KeyedStateBackend } from './keyed-state.ts';
import { HeapStateBackend } from './heap/heap-backend.ts';
import { LmdbStateBackend } from './lmdb/lmdb-backend.ts';
import { StateOptions } from './state-options.ts';

/** What the runtime knows about the operator subtask it creates state for (a subset of OperatorContext). */
export interface StateBackendContext {
  readonly config: Configuration;
  readonly operatorName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  /** Processing-time clock for TTL; default `Date.now`. */
  readonly clock?: () => number;
}

/**
 * Creates the keyed state backend of one operator subtask from the job configuration: `state.backend`,
 * `state.backend.local-dir`, `state.backend.local.write-buffer-entries`, `table.exec.state.ttl` and
 * `pipeline.max-parallelism`, owning the key groups `keyGroupRangeFor(subtaskIndex, maxParallelism, parallelism)`.
 * The caller disposes it when the subtask ends.
 */
export function createKeyedStateBackend(ctx: StateBackendContext): KeyedStateBackend {
  const maxParallelism = ctx.config.get(CoreOptions.MAX_PARALLELISM);
  const options = {
    maxParallelism,
    keyGroupRange: keyGroupRangeFor(ctx.subtaskIndex, maxParallelism, ctx.parallelism),
    ttlMs: ctx.config.get(StateOptions.TTL),
    clock: ctx.clock,
    operatorName: ctx.operatorName,
    subtaskIndex: ctx.subtaskIndex,
  };
  if (ctx.config.get(StateOptions.BACKEND) === 'heap') return new HeapStateBackend(options);
  return new LmdbStateBackend({
    ...options,
    localDir: ctx.config.get(StateOptions.LOCAL_DIR),
    writeBufferEntries: ctx.config.get(StateOptions.WRITE_BUFFER_ENTRIES),
  });
}

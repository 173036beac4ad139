import { option, parseDurationOption, parseIntOption, parseStringOption } from '../config/configuration.ts';
import { PlanError } from '../errors/errors.ts';
import { ErrorCodes } from '../errors/weir-error.ts';

/** Which backend keeps keyed state. */
export type StateBackendKind = 'heap' | 'lmdb';

/**
 * Flink's `state.backend` values, plus aliases. `rocksdb` is kept so Flink job configurations run unchanged: in
 * Weir it selects the persistent embedded backend, which is LMDB (see `lmdb/lmdb-backend.ts` for why not RocksDB).
 */
const BACKEND_NAMES: Record<string, StateBackendKind> = {
  hashmap: 'heap',
  heap: 'heap',
  memory: 'heap',
  rocksdb: 'lmdb',
  lmdb: 'lmdb',
  embedded: 'lmdb',
};

export function parseStateBackend(raw: string): StateBackendKind {
  const kind = BACKEND_NAMES[raw.trim().toLowerCase()];
  if (!kind) {
    throw new PlanError(`Configuration 'state.backend' = '${raw}' is not a state backend`, {
      hint: "Use 'hashmap' (in memory) or 'rocksdb' (persistent, on local disk; 'lmdb' and 'embedded' are aliases).",
    }, ErrorCodes.CONFIG_INVALID);
  }
  return kind;
}

/** Options of keyed state, with Flink's keys where Flink has one. */
export const StateOptions = {
  BACKEND: option<StateBackendKind>('state.backend', 'heap',
    "Keyed state backend: 'hashmap' (heap) or 'rocksdb' (persistent embedded store, LMDB; aliases 'lmdb', 'embedded').",
    parseStateBackend),
  LOCAL_DIR: option('state.backend.local-dir', '',
    'Directory for the persistent backend\'s working files; each subtask gets a fresh subdirectory, removed on dispose. Default: the OS temp directory.',
    parseStringOption),
  WRITE_BUFFER_ENTRIES: option('state.backend.local.write-buffer-entries', 16_384,
    'Writes the persistent backend buffers in memory before committing them to disk in one transaction.',
    parseIntOption('state.backend.local.write-buffer-entries')),
  TTL: option('table.exec.state.ttl', 0,
    'Idle state retention: an entry not written for this long is invisible and eventually removed. 0 keeps state forever.',
    parseDurationOption('table.exec.state.ttl')),
};

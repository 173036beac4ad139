/** Keyed state: the API, both backends, serializers, snapshots and options. See `keyed-state.ts` for the model. */
export type { KeyedStateBackend, ListState, MapState, StateKind, StateTableSize, ValueState } from './keyed-state.ts';
export { createKeyedStateBackend, type StateBackendContext } from './factory.ts';
export { HeapStateBackend } from './heap/heap-backend.ts';
export { LmdbStateBackend, type LmdbBackendOptions } from './lmdb/lmdb-backend.ts';
export type { KeyedBackendOptions } from './backend-base.ts';
export {
  bytesSerializer, float64Serializer, int64Serializer, msgpackSerializer, stringSerializer,
  type SerializerInfo, type StateSerializer,
} from './serializers.ts';
export {
  SNAPSHOT_FORMAT, SNAPSHOT_FORMAT_VERSION, decodeSnapshot, encodeSnapshot, encodeSnapshotFile,
  type EncodedSnapshot, type SnapshotManifest, type StateRemoval, type StateSnapshot, type TableManifest,
} from './snapshot.ts';
export { mergeSnapshotChain } from './snapshot-chain.ts';
export type { StateEntry } from './key-encoding.ts';
export { hashKeyBytes } from './key-encoding.ts';
export { StateOptions, parseStateBackend, type StateBackendKind } from './state-options.ts';
export { StateError } from './state-errors.ts';
export { keyGroupOf, keyGroupRangeFor, subtaskForKeyGroup, type KeyGroupRange } from './key-groups.ts';
export { hashRows } from './row-hash.ts';

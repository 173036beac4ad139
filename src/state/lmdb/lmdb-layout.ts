/**
 * Byte layout of the persistent backend. Each state table is its own LMDB named database (`t<tableId>`), which plays
 * the role of a `tableId` key prefix and also gives exact per-table entry counts and sizes from LMDB's statistics
 * (a single keyspace would need a read before every write to keep counts). Within a table:
 *
 * Key:   `keyGroup u16 BE | keyLen u16 BE | key bytes | userKey bytes (map state only)`
 * Value: `timestamp f64 LE | payload` (payload as in snapshots: the serialized value, or a list payload)
 *
 * The big-endian key group first makes LMDB's byte order sort by key group, so a key group is one contiguous range
 * (snapshot, restore and rescale work on ranges), and one key's map entries are a contiguous range under
 * `keyGroup | keyLen | key`. The key length keeps `key | userKey` unambiguous.
 */
import { StateError } from '../state-errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';

/** LMDB's key limit with 8 KiB pages (the page size this backend uses). */
export const LMDB_MAX_KEY = 4026;
export const PREFIX_BYTES = 4;

/** The key of an entry: the group/key prefix, followed by `userKey` when given. */
export function entryKey(keyGroup: number, key: Uint8Array, userKey?: Uint8Array): Buffer {
  const ukLen = userKey ? userKey.length : 0;
  const total = PREFIX_BYTES + key.length + ukLen;
  if (total > LMDB_MAX_KEY) {
    throw new StateError(`State key of ${key.length + ukLen} bytes is too long for the persistent state backend (at most ${LMDB_MAX_KEY - PREFIX_BYTES} bytes of key and map key)`, {
      hint: "Use shorter key columns, or the 'hashmap' state backend, which has no such limit.",
    }, ErrorCodes.EXECUTION_FAILED);
  }
  const out = Buffer.allocUnsafe(total);
  out[0] = keyGroup >>> 8; out[1] = keyGroup & 0xff;
  out[2] = key.length >>> 8; out[3] = key.length & 0xff;
  out.set(key, PREFIX_BYTES);
  if (userKey) out.set(userKey, PREFIX_BYTES + key.length);
  return out;
}

/** `prefix` with `userKey` appended. */
export function withUserKey(prefix: Uint8Array, userKey: Uint8Array): Buffer {
  if (prefix.length + userKey.length > LMDB_MAX_KEY) {
    throw new StateError(`Map state key of ${prefix.length - PREFIX_BYTES + userKey.length} bytes is too long for the persistent state backend`, {
      hint: "Use shorter map keys, or the 'hashmap' state backend.",
    }, ErrorCodes.EXECUTION_FAILED);
  }
  const out = Buffer.allocUnsafe(prefix.length + userKey.length);
  out.set(prefix);
  out.set(userKey, prefix.length);
  return out;
}

/** The first key of a key group (the range of group g is [groupStart(g), groupStart(g + 1))). */
export function groupStart(keyGroup: number): Buffer {
  return Buffer.from([keyGroup >>> 8, keyGroup & 0xff]);
}

/** The smallest key greater than every key starting with `prefix` (exclusive range end). */
export function prefixEnd(prefix: Uint8Array): Buffer {
  const out = Buffer.from(prefix);
  for (let i = out.length - 1; i >= 0; i--) {
    if (out[i] !== 0xff) { out[i]++; return out.subarray(0, i + 1); }
  }
  // All 0xff: no finite bound; a key of 0xff…ff plus one more byte sorts after every key with this prefix.
  return Buffer.concat([out, Buffer.from([0xff])]);
}

/** Splits an entry key into the operator key and the user key (views). */
export function splitKey(key: Uint8Array): { key: Uint8Array; userKey: Uint8Array } {
  const len = (key[2] << 8) | key[3];
  return { key: key.subarray(PREFIX_BYTES, PREFIX_BYTES + len), userKey: key.subarray(PREFIX_BYTES + len, key.length) };
}

/** A stored value: timestamp then payload. */
export function storedValue(timestamp: number, payload: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(8 + payload.length);
  out.writeDoubleLE(timestamp, 0);
  out.set(payload, 8);
  return out;
}

export function storedTimestamp(stored: Uint8Array): number {
  return new DataView(stored.buffer, stored.byteOffset, 8).getFloat64(0, true);
}

/** The payload of a stored value (a view; `length` is explicit because lmdb's reused read buffers are oversized). */
export function storedPayload(stored: Uint8Array): Uint8Array {
  return stored.subarray(8, stored.length);
}

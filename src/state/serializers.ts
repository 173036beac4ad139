import { Packr } from 'msgpackr';

/**
 * Turns state values into bytes and back. Every state table names its serializers, and a snapshot records each
 * serializer's `id` and `version`: a restore with a different id or version fails rather than misreading bytes.
 * Bump `version` whenever the byte format of a serializer changes.
 *
 * Contract: `deserialize` must not keep a reference to its input (the persistent backend reads into reused
 * buffers), and values returned by `get` or handed to `put` are treated as immutable by the caller (the heap
 * backend stores them as they are and shares them with snapshots, copy-on-write).
 */
export interface StateSerializer<T> {
  /** Stable name of the byte format, e.g. `msgpack` or `float64`. */
  readonly id: string;
  /** Version of the byte format; a snapshot written with another version is refused on restore. */
  readonly version: number;
  serialize(value: T): Uint8Array;
  deserialize(bytes: Uint8Array): T;
}

/** The identity of a serializer as recorded in a snapshot manifest. */
export interface SerializerInfo {
  readonly id: string;
  readonly version: number;
}

export const serializerInfo = (s: StateSerializer<unknown>): SerializerInfo => ({ id: s.id, version: s.version });

/**
 * MessagePack for plain JS values: numbers, strings, booleans, null, undefined, arrays, plain objects, Uint8Array,
 * Date and bigint (64-bit as msgpack int64; wider, e.g. DECIMAL(38) unscaled values, through msgpackr's bigint
 * extension). Records/structures are off (`useRecords: false`) so every value is self-describing standard msgpack
 * and the format does not depend on shared state. JS Maps come back as plain objects, and `-0` as `0` (msgpack writes
 * integral numbers as integers); use {@link float64Serializer} where the sign of zero matters.
 */
export function msgpackSerializer<T = unknown>(): StateSerializer<T> {
  const packr = new Packr({
    useRecords: false,
    mapsAsObjects: true,
    int64AsType: 'bigint',
    useBigIntExtension: true,
    // Decoded Uint8Arrays would otherwise be views into the input, which the persistent backend reuses.
    copyBuffers: true,
  });
  return {
    id: 'msgpack',
    version: 1,
    serialize: (value) => packr.pack(value),
    deserialize: (bytes) => packr.unpack(bytes) as T,
  };
}

/** Raw bytes, stored as they are (copied on read). */
export const bytesSerializer: StateSerializer<Uint8Array> = {
  id: 'bytes',
  version: 1,
  serialize: (value) => value,
  // Not `bytes.slice()`: on a Buffer (what the persistent backend reads) slice is a view of its reused buffer.
  deserialize: (bytes) => new Uint8Array(bytes),
};

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** UTF-8 strings. */
export const stringSerializer: StateSerializer<string> = {
  id: 'utf8',
  version: 1,
  serialize: (value) => encoder.encode(value),
  deserialize: (bytes) => decoder.decode(bytes),
};

/** IEEE-754 doubles, 8 bytes little-endian: the cheapest encoding for SUM/AVG accumulators. */
export const float64Serializer: StateSerializer<number> = {
  id: 'float64-le',
  version: 1,
  serialize: (value) => {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setFloat64(0, value, true);
    return out;
  },
  deserialize: (bytes) => new DataView(bytes.buffer, bytes.byteOffset, 8).getFloat64(0, true),
};

/** Signed 64-bit integers as bigint, 8 bytes little-endian: counters and BIGINT accumulators. */
export const int64Serializer: StateSerializer<bigint> = {
  id: 'int64-le',
  version: 1,
  serialize: (value) => {
    const out = new Uint8Array(8);
    new DataView(out.buffer).setBigInt64(0, value, true);
    return out;
  },
  deserialize: (bytes) => new DataView(bytes.buffer, bytes.byteOffset, 8).getBigInt64(0, true),
};

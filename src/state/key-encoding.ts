/**
 * Byte-level helpers shared by both backends and the snapshot format: key bytes as Map keys, the list payload, and
 * the entry records of a snapshot blob. All multi-byte integers here are little-endian unless stated otherwise.
 */

/**
 * A key's bytes as a JS string with one char per byte (latin1), usable as a Map key. Short keys, the common case,
 * go through `String.fromCharCode` over all bytes at once (one flat string: about twice as fast as appending char
 * by char, which allocates a string per byte, and cheaper than creating a Buffer view); long keys through Buffer's
 * native latin1 decoder.
 */
export function keyString(bytes: Uint8Array): string {
  const n = bytes.length;
  if (n <= 32) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  return Buffer.from(bytes.buffer, bytes.byteOffset, n).toString('latin1');
}

/** The inverse of {@link keyString}. */
export function keyStringBytes(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

/**
 * A 32-bit hash of key bytes (murmur3 mixing). For operators and tests whose keys do not come from Arrow columns;
 * an operator fed by a hash exchange must use the same hash as the exchange (`hashRows`), or rows and state land
 * in different key groups.
 */
export function hashKeyBytes(bytes: Uint8Array): number {
  let h = 0x9747b28c ^ bytes.length;
  for (let i = 0; i < bytes.length; i++) {
    let k = Math.imul(bytes[i], 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Growable byte buffer for building blobs without knowing their size up front. */
export class ByteWriter {
  // A Buffer (never from the shared pool, so its ArrayBuffer starts at 0) for its native latin1 writes.
  private buf: Buffer;
  private view: DataView;
  length = 0;

  constructor(initialSize = 256) {
    this.buf = Buffer.allocUnsafeSlow(Math.max(16, initialSize));
    this.view = new DataView(this.buf.buffer);
  }

  private ensure(extra: number): void {
    if (this.length + extra <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + extra) size *= 2;
    const next = Buffer.allocUnsafeSlow(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  u8(v: number): void { this.ensure(1); this.buf[this.length++] = v; }
  u16(v: number): void { this.ensure(2); this.view.setUint16(this.length, v, true); this.length += 2; }
  u32(v: number): void { this.ensure(4); this.view.setUint32(this.length, v, true); this.length += 4; }
  f64(v: number): void { this.ensure(8); this.view.setFloat64(this.length, v, true); this.length += 8; }
  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.length); this.length += b.length; }
  /** A {@link keyString} (one char per byte) as its bytes, without making a Uint8Array of it first. */
  latin1(s: string): void { this.ensure(s.length); this.length += this.buf.write(s, this.length, s.length, 'latin1'); }
  /** Appends what `other` has written. */
  append(other: ByteWriter): void { this.bytes(other.buf.subarray(0, other.length)); }
  /** A view of the written bytes (valid until the next write). */
  written(): Uint8Array { return this.buf.subarray(0, this.length); }
  /** Forgets what was written, keeping the capacity. */
  reset(): void { this.length = 0; }

  /** The written bytes (a copy trimmed to length, so the writer's spare capacity is not retained). */
  finish(): Uint8Array { return new Uint8Array(this.buf.subarray(0, this.length)); }
}

/** Sequential reader over a blob written by {@link ByteWriter}. */
export class ByteReader {
  private readonly view: DataView;
  pos = 0;

  constructor(private readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get done(): boolean { return this.pos >= this.buf.length; }
  u8(): number { return this.view.getUint8(this.pos++); }
  u16(): number { const v = this.view.getUint16(this.pos, true); this.pos += 2; return v; }
  u32(): number { const v = this.view.getUint32(this.pos, true); this.pos += 4; return v; }
  f64(): number { const v = this.view.getFloat64(this.pos, true); this.pos += 8; return v; }
  /** A view (no copy) of the next `n` bytes. */
  bytes(n: number): Uint8Array {
    if (this.pos + n > this.buf.length) throw new RangeError(`blob truncated: need ${n} bytes at ${this.pos} of ${this.buf.length}`);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
}

/**
 * List state payload, the same in both backends and in snapshots: `count u32` then `count` times
 * `length u32, element bytes`.
 */
export function encodeList(elements: readonly Uint8Array[]): Uint8Array {
  const w = new ByteWriter();
  w.u32(elements.length);
  for (const e of elements) { w.u32(e.length); w.bytes(e); }
  return w.finish();
}

/** The elements of a list payload, as views into `payload`. */
export function decodeList(payload: Uint8Array): Uint8Array[] {
  const r = new ByteReader(payload);
  const n = r.u32();
  const out = new Array<Uint8Array>(n);
  for (let i = 0; i < n; i++) out[i] = r.bytes(r.u32());
  return out;
}

/** A list payload with `elements` appended, without decoding the existing elements. */
export function appendList(payload: Uint8Array | undefined, elements: readonly Uint8Array[]): Uint8Array {
  if (!payload || payload.length === 0) return encodeList(elements);
  let extra = 0;
  for (const e of elements) extra += 4 + e.length;
  const out = new Uint8Array(payload.length + extra);
  out.set(payload);
  const view = new DataView(out.buffer);
  view.setUint32(0, view.getUint32(0, true) + elements.length, true);
  let pos = payload.length;
  for (const e of elements) { view.setUint32(pos, e.length, true); out.set(e, pos + 4); pos += 4 + e.length; }
  return out;
}

/** One state entry in its portable form: what snapshots carry and restores load. */
export interface StateEntry {
  /** The encoded current key. */
  readonly key: Uint8Array;
  /** Map state: the serialized user key; empty for value and list state. */
  readonly userKey: Uint8Array;
  /** Last write, in processing-time milliseconds (for TTL). */
  readonly timestamp: number;
  /** Value state: the serialized value; map state: the serialized map value; list state: a list payload. */
  readonly value: Uint8Array;
}

const EMPTY = new Uint8Array(0);

/** Lengths of 0xffff and more: the u16 0xffff, then the length as a u32 (format version 3 on). */
const LONG_LENGTH = 0xffff;

/**
 * Appends a key or user key length: a u16, or for long ones (a join row stored as a map key can be any size) the
 * escape {@link LONG_LENGTH} followed by a u32.
 */
export function writeLength(w: ByteWriter, n: number): void {
  if (n < LONG_LENGTH) { w.u16(n); return; }
  w.u16(LONG_LENGTH);
  w.u32(n);
}

/** Reads a {@link writeLength} length; `escaped` false for files of format versions 1 and 2 (plain u16 lengths). */
export function readLength(r: ByteReader, escaped: boolean): number {
  const n = r.u16();
  return escaped && n === LONG_LENGTH ? r.u32() : n;
}

/** Appends one entry record: `keyLen, key, userKeyLen, userKey, timestamp f64, valueLen u32, value` (lengths: {@link writeLength}). */
export function writeEntry(w: ByteWriter, key: Uint8Array, userKey: Uint8Array, timestamp: number, value: Uint8Array): void {
  writeLength(w, key.length);
  w.bytes(key);
  writeLength(w, userKey.length);
  w.bytes(userKey);
  w.f64(timestamp);
  w.u32(value.length);
  w.bytes(value);
}

/** {@link writeEntry} with the key and user key as {@link keyString}s, written without converting them first. */
export function writeEntryStrings(w: ByteWriter, key: string, userKey: string, timestamp: number, value: Uint8Array): void {
  writeLength(w, key.length);
  w.latin1(key);
  writeLength(w, userKey.length);
  w.latin1(userKey);
  w.f64(timestamp);
  w.u32(value.length);
  w.bytes(value);
}

/** The entries of a blob of records written by {@link writeEntry}; byte fields are views into `blob`. */
export function* readEntries(blob: Uint8Array, escaped = true): Generator<StateEntry> {
  const r = new ByteReader(blob);
  while (!r.done) {
    const key = r.bytes(readLength(r, escaped));
    const ukLen = readLength(r, escaped);
    const userKey = ukLen === 0 ? EMPTY : r.bytes(ukLen);
    const timestamp = r.f64();
    const value = r.bytes(r.u32());
    yield { key, userKey, timestamp, value };
  }
}

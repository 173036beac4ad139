/**
 * UTF-8 helpers for the string kernels. Short ASCII strings are decoded with String.fromCharCode because
 * TextDecoder's per-call overhead dominates for the small values typical of table columns.
 */

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** Decodes bytes[start, end) as UTF-8. */
export function decodeUtf8(bytes: Uint8Array, start: number, end: number): string {
  const len = end - start;
  if (len === 0) return '';
  if (len <= 24) {
    let ascii = true;
    for (let i = start; i < end; i++) if (bytes[i] > 127) { ascii = false; break; }
    if (ascii) {
      let s = '';
      for (let i = start; i < end; i++) s += String.fromCharCode(bytes[i]);
      return s;
    }
  }
  return decoder.decode(bytes.subarray(start, end));
}

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Byte-wise comparison of two UTF-8 ranges; byte order equals code point order, as Flink's BinaryStringData. */
export function compareBytes(a: Uint8Array, as: number, ae: number, b: Uint8Array, bs: number, be: number): number {
  const la = ae - as;
  const lb = be - bs;
  const n = la < lb ? la : lb;
  for (let i = 0; i < n; i++) {
    const d = a[as + i] - b[bs + i];
    if (d !== 0) return d;
  }
  return la - lb;
}

/** Appends strings or byte arrays into one growing buffer, producing Arrow-style offsets and values. */
export class BinaryBuilder {
  private buf: Uint8Array;
  private pos = 0;
  readonly offsets: Int32Array;
  private count = 0;

  constructor(capacity: number, bytesHint = capacity * 8) {
    this.offsets = new Int32Array(capacity + 1);
    this.buf = new Uint8Array(Math.max(64, bytesHint));
  }

  private reserve(extra: number): void {
    if (this.pos + extra <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + extra));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  appendString(text: string): void {
    // A UTF-16 unit never needs more than 3 UTF-8 bytes.
    this.reserve(text.length * 3);
    const { written } = encoder.encodeInto(text, this.buf.subarray(this.pos));
    this.pos += written;
    this.offsets[++this.count] = this.pos;
  }

  appendBytes(bytes: Uint8Array, start = 0, end = bytes.length): void {
    this.reserve(end - start);
    this.buf.set(bytes.subarray(start, end), this.pos);
    this.pos += end - start;
    this.offsets[++this.count] = this.pos;
  }

  /** One element made of several byte ranges laid end to end (CONCAT without decoding). */
  appendConcat(parts: readonly (readonly [Uint8Array, number, number])[]): void {
    let len = 0;
    for (const [, s, e] of parts) len += e - s;
    this.reserve(len);
    for (const [b, s, e] of parts) { this.buf.set(b.subarray(s, e), this.pos); this.pos += e - s; }
    this.offsets[++this.count] = this.pos;
  }

  /** An empty element (used for NULL slots). */
  appendEmpty(): void {
    this.offsets[++this.count] = this.pos;
  }

  get bytes(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }
}

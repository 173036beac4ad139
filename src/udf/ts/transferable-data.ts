import * as arrow from 'apache-arrow';
import { arrowTypeFromJson, arrowTypeToJson, type ArrowTypeJson } from './arrow-type-json.ts';
import type { BigIntArray, TypedArray } from './kernels.ts';

/**
 * Moving Arrow columns between threads without structured-clone copies.
 *
 * An `arrow.Data` is flattened into a {@link TransferableData}: its exact Arrow type as JSON, its length and null
 * count, and its buffers as typed-array views that all start at logical row 0 (offset 0), children recursively.
 * The views' ArrayBuffers go into the `postMessage` transfer list, so they are moved, not copied.
 *
 * ## The ownership rule
 * Transferring an ArrayBuffer detaches it in the sender: every other view of it (other columns, slices, the
 * operator's own copy of the batch) becomes empty. So a buffer is transferred as-is only when the sender owns it
 * exclusively, which this module cannot see and the caller declares with {@link Ownership}:
 * - `'copy'` (the default): the sender keeps using the data (the UDF operator keeps its input batch for its
 *   output). Each buffer is copied once into a fresh, compact ArrayBuffer, and that copy is transferred.
 * - `'move'`: the sender hands the data over and never touches it again (a worker returning its results). A view
 *   that covers its whole ArrayBuffer is transferred as-is, zero-copy. A view of *part* of a larger buffer (a
 *   slice, a column cut out of an IPC message, a pooled Node Buffer) is still copied, because the rest of that
 *   buffer may belong to someone else.
 * Views that are not at offset 0 (sliced Data) are always compacted: bitmaps with a bit offset are re-aligned,
 * string/list offsets that do not start at 0 are rebased. SharedArrayBuffers are sent as-is (shared, not moved).
 */
export type Ownership = 'copy' | 'move';

type Buffer = Uint8Array | Int32Array | BigInt64Array | TypedArray | BigIntArray;

/** Plain-data description of one `arrow.Data` at offset 0; every buffer is a typed array (cloned by reference). */
export interface TransferableData {
  readonly type: ArrowTypeJson;
  readonly length: number;
  readonly nullCount: number;
  /** Validity bitmap starting at bit 0, absent when there are no nulls. */
  readonly validity?: Uint8Array;
  /** Value offsets (Int32Array, or BigInt64Array for large types) starting at 0. */
  readonly offsets?: Int32Array | BigInt64Array;
  /** Values of fixed-width, boolean (bitmap) and variable-width types. */
  readonly values?: Buffer;
  readonly children: readonly TransferableData[];
}

/** Encoded columns plus what `postMessage` needs. */
export interface EncodedColumns {
  readonly columns: TransferableData[];
  /** Distinct ArrayBuffers to pass as the transfer list. */
  readonly transferList: ArrayBuffer[];
  /** Bytes of buffer data the message carries. */
  readonly bytes: number;
}

/** Encodes columns for one message; see the module comment for the ownership rule. */
export function encodeColumns(columns: readonly arrow.Data[], ownership: Ownership = 'copy'): EncodedColumns {
  const encoder = new Encoder(ownership);
  const encoded = columns.map((d) => encoder.encode(d));
  return { columns: encoded, transferList: [...encoder.transfer], bytes: encoder.bytes };
}

/** Encodes one column; prefer {@link encodeColumns} when several go into one message (it deduplicates buffers). */
export function encodeData(data: arrow.Data, ownership: Ownership = 'copy'): EncodedColumns {
  return encodeColumns([data], ownership);
}

/** Rebuilds the `arrow.Data` on the receiving side; no buffer is copied. */
export function decodeData(t: TransferableData): arrow.Data {
  const type = arrowTypeFromJson(t.type);
  const children = t.children.map(decodeData);
  const props: Record<string, unknown> = { type, length: t.length, nullCount: t.nullCount, offset: 0 };
  if (t.validity) props.nullBitmap = t.validity;
  if (t.values) props.data = t.values;
  if (t.offsets) props.valueOffsets = t.offsets;
  if (children.length === 1 && !arrow.DataType.isStruct(type)) props.child = children[0];
  else if (children.length > 0) props.children = children;
  return arrow.makeData(props as never);
}

/** Total buffer bytes of a message's encoded columns (what actually crossed the thread boundary). */
export function transferableBytes(columns: readonly TransferableData[]): number {
  let n = 0;
  for (const c of columns) {
    n += (c.validity?.byteLength ?? 0) + (c.offsets?.byteLength ?? 0) + (c.values?.byteLength ?? 0);
    n += transferableBytes(c.children);
  }
  return n;
}

class Encoder {
  readonly transfer = new Set<ArrayBuffer>();
  bytes = 0;

  constructor(private readonly ownership: Ownership) {}

  encode(d: arrow.Data): TransferableData {
    const type = arrowTypeToJson(d.type);
    const { length, offset } = d;
    const T = arrow.Type;
    const nullCount = d.typeId === T.Null ? length : d.nullCount;
    const validity = nullCount > 0 && d.nullBitmap && d.nullBitmap.length > 0 && d.typeId !== T.Null
      ? this.bits(d.nullBitmap, offset, length) : undefined;
    const base = { type, length, nullCount, validity };
    switch (d.typeId) {
      case T.Null:
        return { ...base, children: [] };
      case T.Bool:
        return { ...base, values: this.bits(d.values as Uint8Array, offset, length), children: [] };
      case T.Utf8: case T.Binary: case T.LargeUtf8: case T.LargeBinary: {
        const { offsets, start, end } = this.offsets(d.valueOffsets as Int32Array | BigInt64Array, length);
        return { ...base, offsets, values: this.send((d.values as Uint8Array).subarray(start, end)), children: [] };
      }
      case T.List: case T.Map: {
        const { offsets, start, end } = this.offsets(d.valueOffsets as Int32Array, length);
        const child = d.children[0];
        const part = start === 0 && end === child.length ? child : child.slice(start, end - start);
        return { ...base, offsets, children: [this.encode(part)] };
      }
      case T.FixedSizeList: {
        const n = (d.type as arrow.FixedSizeList).listSize * length;
        const child = d.children[0];
        return { ...base, children: [this.encode(child.length === n ? child : child.slice(0, n))] };
      }
      case T.Struct:
        return { ...base, children: d.children.map((c) => this.encode(c.length === length ? c : c.slice(0, length))) };
      default:
        // Fixed-width: arrow-js has already applied the slice offset to `values` (Data.slice subarrays them), so
        // the row range is always [0, length * stride).
        return { ...base, values: this.send((d.values as Buffer).subarray(0, d.stride * length)), children: [] };
    }
  }

  /** A bitmap of `length` bits starting at `bitOffset`, re-aligned to bit 0 when needed. */
  private bits(bitmap: Uint8Array, bitOffset: number, length: number): Uint8Array {
    const byteLen = (length + 7) >> 3;
    const first = bitOffset >> 3;
    const shift = bitOffset & 7;
    if (shift === 0) return this.send(bitmap.subarray(first, first + byteLen));
    const out = new Uint8Array(byteLen);
    for (let i = 0; i < byteLen; i++) {
      const lo = bitmap[first + i] ?? 0;
      const hi = bitmap[first + i + 1] ?? 0;
      out[i] = ((lo >> shift) | (hi << (8 - shift))) & 0xff;
    }
    return this.send(out, true);
  }

  /** The `length + 1` offsets of a variable-width column, rebased to start at 0, and the value range they cover. */
  private offsets(all: Int32Array | BigInt64Array, length: number): { offsets: Int32Array | BigInt64Array; start: number; end: number } {
    const view = all.subarray(0, length + 1);
    const start = Number(view[0] ?? 0);
    const end = Number(view[length] ?? 0);
    if (start === 0) return { offsets: this.send(view), start, end };
    let rebased: Int32Array | BigInt64Array;
    if (view instanceof BigInt64Array) {
      const b = BigInt(start);
      rebased = view.map((x) => x - b);
    } else {
      rebased = view.map((x) => x - start);
    }
    return { offsets: this.send(rebased, true), start, end };
  }

  /**
   * Decides, per buffer, between moving and copying (see the ownership rule). `fresh` marks buffers this encoder
   * just allocated, which it owns by construction.
   */
  private send<V extends Buffer>(view: V, fresh = false): V {
    this.bytes += view.byteLength;
    const buffer = view.buffer;
    if (typeof SharedArrayBuffer !== 'undefined' && buffer instanceof SharedArrayBuffer) return view;
    if (view.byteLength === 0) return emptyLike(view);
    const whole = view.byteOffset === 0 && view.byteLength === buffer.byteLength;
    if (fresh || (this.ownership === 'move' && whole)) {
      this.transfer.add(buffer as ArrayBuffer);
      return view;
    }
    const copy = copyOf(view);
    this.transfer.add(copy.buffer as ArrayBuffer);
    return copy;
  }
}

type ViewCtor = new (buffer: ArrayBuffer, byteOffset: number, length: number) => Buffer;

/** The base typed-array class of a view; a Node Buffer becomes a plain Uint8Array (Buffer#slice does not copy). */
function ctorOf(view: Buffer): ViewCtor {
  return (globalThis.Buffer?.isBuffer(view) ? Uint8Array : view.constructor) as ViewCtor;
}

function copyOf<V extends Buffer>(view: V): V {
  const bytes = new Uint8Array(view.byteLength);
  bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  return new (ctorOf(view))(bytes.buffer, 0, view.byteLength / view.BYTES_PER_ELEMENT) as V;
}

function emptyLike<V extends Buffer>(view: V): V {
  return new (ctorOf(view))(new ArrayBuffer(0), 0, 0) as V;
}

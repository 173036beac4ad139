import * as arrow from 'apache-arrow';
import { Packr } from 'msgpackr';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { ExecutionError } from '../../errors/errors.ts';
import { decodeFlatBody, encodeFlatColumns, fieldName, rememberSchema, type FieldNames } from './ipc-flat.ts';

/**
 * Frame-level encoding of the Weir UDF protocol (docs/protocol.md): msgpack headers and Arrow IPC stream bodies.
 *
 * The Packr is configured for plain msgpack that Python's `msgpack` reads without extensions: no records, no
 * structured clone, maps decoded as plain objects, and 64-bit integers decoded as numbers when they are safe and as
 * bigint otherwise (so a BIGINT value in an error frame is never rounded).
 */
const packr = new Packr({
  useRecords: false,
  structuredClone: false,
  mapsAsObjects: true,
  variableMapSize: true,
  // 'auto' (number when safe, else bigint) exists at runtime but is missing from msgpackr's typings.
  int64AsType: 'auto' as 'bigint',
  encodeUndefinedAsNil: true,
});

/** Encodes a header map. Undefined fields are dropped so optional keys are absent rather than nil. */
export function encodeHeader(header: object): Buffer {
  return packr.pack(dropUndefined(header));
}

/** Decodes a header frame; anything but a msgpack map is a protocol error. */
export function decodeHeader(frame: Uint8Array): Record<string, unknown> {
  let value: unknown;
  try {
    value = packr.unpack(asBuffer(frame));
  } catch (cause) {
    throw new ExecutionError('Malformed msgpack header from a Python worker', { cause }, ErrorCodes.UDF_PROTOCOL);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new ExecutionError(`Python worker sent a header that is not a map: ${String(value)}`, {}, ErrorCodes.UDF_PROTOCOL);
  }
  return value as Record<string, unknown>;
}

/**
 * Encodes columns as an Arrow IPC stream (schema + one record batch + end-of-stream) with fields `<prefix>0..n`
 * (or the names given, e.g. `['g', 'k', 'a0']` for an aggregate request).
 * Sliced Data (non-zero offset) is fine: the IPC writer rebases buffers while serialising.
 */
export function encodeColumns(columns: readonly arrow.Data[], rows: number, prefix: FieldNames = 'a'): Uint8Array {
  // Flat columns (the usual UDF arguments) are written directly, ~10x faster; see ipc-flat.ts.
  const flat = encodeFlatColumns(columns, rows, prefix);
  if (flat) return flat;
  return encodeColumnsWithArrow(columns, rows, prefix);
}

/** encodeColumns through apache-arrow's RecordBatchStreamWriter (any type; the reference for the flat writer). */
export function encodeColumnsWithArrow(columns: readonly arrow.Data[], rows: number, prefix: FieldNames = 'a'): Uint8Array {
  const fields = columns.map((d, i) => new arrow.Field(fieldName(prefix, i), d.type, true));
  const schema = new arrow.Schema(fields);
  const struct = arrow.makeData({ type: new arrow.Struct(fields), length: rows, nullCount: 0, children: [...columns] });
  const batch = new arrow.RecordBatch(schema, struct);
  const writer = new arrow.RecordBatchStreamWriter();
  writer.write(batch);
  writer.finish();
  return joinChunks((writer as unknown as { _sink: { _values: Uint8Array[] } })._sink._values);
}

/**
 * Joins the writer's output chunks with one plain copy. Not `writer.toUint8Array()`: Arrow JS 21 "collapses"
 * chunks that share an ArrayBuffer and overlap, which drops a buffer written twice (the same column shipped as two
 * arguments) and produces a truncated body.
 */
function joinChunks(chunks: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const c of chunks) length += c.byteLength;
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.byteLength; }
  return out;
}

/** A decoded Arrow IPC body: the schema and one Data per column, concatenated if the stream had several batches. */
export interface DecodedBody {
  readonly schema: arrow.Schema;
  readonly rows: number;
  readonly columns: arrow.Data[];
}

/**
 * Decodes an Arrow IPC stream body. The reader views the received buffer without copying; a stream with more than
 * one record batch (tolerated, though the protocol sends one) is reduced to a single Data per column.
 */
export function decodeBody(frame: Uint8Array): DecodedBody {
  // A stream of one batch of flat columns with a schema seen before is read directly, ~10x faster; see ipc-flat.ts.
  const flat = decodeFlatBody(frame);
  if (flat) return flat;
  const decoded = decodeBodyWithArrow(frame);
  rememberSchema(frame, decoded.schema);
  return decoded;
}

/** decodeBody through apache-arrow's reader (any stream; the reference for the flat reader). */
export function decodeBodyWithArrow(frame: Uint8Array): DecodedBody {
  let table: arrow.Table;
  try {
    table = arrow.tableFromIPC(frame);
  } catch (cause) {
    throw new ExecutionError('Malformed Arrow IPC body from a Python worker', { cause }, ErrorCodes.UDF_PROTOCOL);
  }
  const batches = table.batches;
  const columns = table.schema.fields.map((_, i) => {
    if (batches.length === 1) return batches[0].data.children[i];
    const vector = table.getChildAt(i)!;
    // Rare path (several batches or none): rebuild one contiguous Data through a builder.
    const builder = arrow.makeBuilder({ type: vector.type, nullValues: [null, undefined] });
    for (const v of vector) builder.append(v);
    return builder.finish().flush();
  });
  return { schema: table.schema, rows: table.numRows, columns };
}

/** Views a Uint8Array as a Buffer without copying (zeromq frames already are Buffers). */
export function asBuffer(frame: Uint8Array): Buffer {
  return Buffer.isBuffer(frame) ? frame : Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength);
}

function dropUndefined(value: object): object {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = v;
  return out;
}

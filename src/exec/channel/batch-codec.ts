import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';
import { concatData } from '../operators/udf-call-concat.ts';

/** A batch in a form that crosses a MessagePort with its buffers moved rather than copied. */
export interface EncodedBatch {
  readonly ipc: Uint8Array;
  readonly kinds: Uint8Array | null;
}

/**
 * Batches cross thread boundaries as Arrow IPC streams: one contiguous buffer that is transferred (moved) to the
 * receiving thread. Encoding compacts sliced batches, which also stops a small slice from pinning a large buffer.
 */
export function encodeBatch(batch: ChangeBatch): { encoded: EncodedBatch; transfer: ArrayBuffer[] } {
  const ipc = arrow.tableToIPC(new arrow.Table([unshareBuffers(batch.data)]), 'stream');
  const kinds = batch.kinds ? batch.kinds.slice() : null;
  const transfer = [ipc.buffer as ArrayBuffer];
  if (kinds) transfer.push(kinds.buffer as ArrayBuffer);
  return { encoded: { ipc, kinds }, transfer };
}

export function decodeBatch(encoded: EncodedBatch): ChangeBatch {
  const reader = arrow.RecordBatchReader.from(encoded.ipc);
  const batches = [...reader];
  const data = batches.length === 1 ? batches[0] : concatBatches(batches, reader.schema);
  return new ChangeBatch(data, encoded.kinds);
}

/** We encode one batch per message, but an IPC stream may legally carry several: join them column by column. */
function concatBatches(batches: arrow.RecordBatch[], schema: arrow.Schema): arrow.RecordBatch {
  if (batches.length === 0) return ChangeBatch.empty(schema).data;
  const length = batches.reduce((n, b) => n + b.numRows, 0);
  const columns = schema.fields.map((_, i) => concatData(batches.map((b) => b.getChildAt(i)!.data[0])));
  return ChangeBatch.fromColumns(schema, columns, length).data;
}

/** A byte range of an ArrayBuffer that a column buffer covers. */
interface Range { readonly buffer: ArrayBufferLike; readonly start: number; readonly end: number }

/**
 * The batch with no two column buffers overlapping in memory. Arrow JS's IPC writer joins consecutive body chunks
 * that share an ArrayBuffer as if they were contiguous (`collapseContiguousByteRanges`), so two columns over the same
 * memory (`SELECT v, v`, or two slices of one array) would be written once and the message body would come out short.
 * Such buffers get their own copy; batches without sharing (nearly all) are returned as they are.
 */
function unshareBuffers(batch: arrow.RecordBatch): arrow.RecordBatch {
  const seen: Range[] = [];
  const struct = unshare(batch.data, seen);
  return struct === batch.data ? batch : new arrow.RecordBatch(batch.schema, struct as arrow.Data<arrow.Struct>);
}

function unshare(data: arrow.Data, seen: Range[]): arrow.Data {
  const children = data.children.map((c) => unshare(c, seen));
  const own = <T extends ArrayBufferView | undefined>(b: T): T => {
    if (b === undefined || b === null || b.byteLength === 0) return b;
    const range = { buffer: b.buffer, start: b.byteOffset, end: b.byteOffset + b.byteLength };
    if (seen.some((r) => r.buffer === range.buffer && r.start < range.end && range.start < r.end)) {
      return (b as unknown as { slice(): T }).slice();
    }
    seen.push(range);
    return b;
  };
  // Indexed by arrow's BufferType: OFFSET, DATA, VALIDITY, TYPE.
  const buffers = [own(data.valueOffsets), own(data.values), own(data.nullBitmap), own(data.typeIds)];
  const before = [data.valueOffsets, data.values, data.nullBitmap, data.typeIds];
  const same = buffers.every((b, i) => b === before[i]) && children.every((c, i) => c === data.children[i]);
  return same ? data : data.clone(data.type, data.offset, data.length, data.nullCount, buffers as never, children);
}

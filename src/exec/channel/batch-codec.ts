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
  const ipc = arrow.tableToIPC(new arrow.Table([batch.data]), 'stream');
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

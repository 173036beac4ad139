import * as arrow from 'apache-arrow';
import { ChangeBatch } from '../../batch/change-batch.ts';

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

function concatBatches(batches: arrow.RecordBatch[], schema: arrow.Schema): arrow.RecordBatch {
  if (batches.length === 0) return new arrow.RecordBatch(schema, arrow.makeData({ type: new arrow.Struct(schema.fields), length: 0, nullCount: 0, children: schema.fields.map((f) => arrow.makeData({ type: f.type, length: 0 } as never)) }));
  const table = new arrow.Table(batches).combineChunks();
  return table.batches[0];
}

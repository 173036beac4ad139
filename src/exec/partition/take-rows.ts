import { ChangeBatch } from '../../batch/change-batch.ts';
import { filterBatch } from '../../expr/index.ts';

/** The rows at the given indexes, in that order, row kinds included. */
export function takeRows(batch: ChangeBatch, rows: Uint32Array): ChangeBatch {
  const data = filterBatch(batch.data, rows);
  let kinds: Uint8Array | null = null;
  if (batch.kinds) {
    kinds = new Uint8Array(rows.length);
    for (let i = 0; i < rows.length; i++) kinds[i] = batch.kinds[rows[i]];
  }
  return new ChangeBatch(data, kinds);
}

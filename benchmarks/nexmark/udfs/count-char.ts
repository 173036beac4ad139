// The UDF of Nexmark q14, nexmark-flink's `CountChar` as a vectorized TypeScript UDF (worker threads import this
// module by path, from q14.sql's CREATE FUNCTION).
import type * as arrow from 'apache-arrow';
import { scalarFunction, type UdfContext } from '../../../src/udf/ts/define.ts';

/**
 * count_char(s, c): how many bytes of `s` equal the first byte of `c`; 0 when `s` is NULL, as CountChar.eval counts.
 * Reads the UTF-8 bytes and offsets of each Arrow chunk directly, without decoding strings.
 */
export const countChar = scalarFunction({ resultType: 'BIGINT NOT NULL', inputTypes: ['STRING', 'STRING'] }, (s: arrow.Vector, c: arrow.Vector, ctx: UdfContext) => {
  const out = new BigInt64Array(ctx.rows);
  const targets = firstBytes(c, ctx.rows);
  let row = 0;
  for (const chunk of s.data) {
    const bytes = chunk.values as Uint8Array;
    const offsets = chunk.valueOffsets as Int32Array;
    const nulls = chunk.nullCount > 0 ? chunk.nullBitmap : null;
    for (let i = 0; i < chunk.length; i++, row++) {
      const p = chunk.offset + i;
      if (nulls && (nulls[p >> 3] & (1 << (p & 7))) === 0) continue;
      const target = targets[row];
      let count = 0;
      for (let b = offsets[p], end = offsets[p + 1]; b < end; b++) if (bytes[b] === target) count++;
      out[row] = BigInt(count);
    }
  }
  return out;
});

/** The first UTF-8 byte of each string of `c`: the character to count (-1 for NULL or '', which matches nothing). */
function firstBytes(c: arrow.Vector, rows: number): Int16Array {
  const out = new Int16Array(rows).fill(-1);
  let row = 0;
  for (const chunk of c.data) {
    const bytes = chunk.values as Uint8Array;
    const offsets = chunk.valueOffsets as Int32Array;
    const nulls = chunk.nullCount > 0 ? chunk.nullBitmap : null;
    for (let i = 0; i < chunk.length; i++, row++) {
      const p = chunk.offset + i;
      if (nulls && (nulls[p >> 3] & (1 << (p & 7))) === 0) continue;
      if (offsets[p] < offsets[p + 1]) out[row] = bytes[offsets[p]];
    }
  }
  return out;
}

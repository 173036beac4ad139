import type * as arrow from 'apache-arrow';
import { compileExpression } from '../expr/index.ts';
import type { BoundExpression } from '../expr/expression.ts';
import type { DataType } from '../types/data-type.ts';
import type { Schema } from '../types/schema.ts';

/** Milliseconds of the units a watermark offset can use without regard to calendars or time zones. */
const OFFSET_UNIT_MS: Readonly<Record<string, number>> = { MILLISECOND: 1, SECOND: 1000, MINUTE: 60_000, HOUR: 3_600_000 };

/**
 * Compiles a WATERMARK expression into "the largest value over a batch, in epoch milliseconds" (-Infinity when every
 * value is NULL). The usual shapes — the rowtime column itself, or the rowtime minus a fixed interval
 * (`ts - INTERVAL '5' SECOND`, bound as `TIMESTAMPADD('MILLISECOND', -5000, ts)`) — grow with the rowtime, so the
 * maximum of the expression is the expression of the maximum: one typed-array pass over the column instead of a
 * row-by-row evaluation. Any other expression is evaluated over the whole batch first.
 */
export function compileWatermarkMax(expr: BoundExpression, input: Schema): (batch: arrow.RecordBatch) => number {
  const shape = offsetShape(expr);
  if (shape) {
    const per = unitsPerMs(input.columns[shape.column].type);
    return (batch) => {
      const max = maxTimestamp(batch.getChildAt(shape.column)!.data[0]);
      return max === -Infinity ? max : Math.floor(max / per) + shape.offsetMs;
    };
  }
  const compiled = compileExpression(expr, input);
  const per = unitsPerMs(expr.type);
  return (batch) => {
    const max = maxTimestamp(compiled.evaluate(batch));
    return max === -Infinity ? max : Math.floor(max / per);
  };
}

/** `input` or `TIMESTAMPADD(fixed unit, literal, input)`: the column and the constant offset, else null. */
function offsetShape(e: BoundExpression): { column: number; offsetMs: number } | null {
  if (e.kind === 'input') return { column: e.index, offsetMs: 0 };
  if (e.kind !== 'call' || e.name !== 'TIMESTAMPADD' || e.args.length !== 3) return null;
  const [unit, amount, arg] = e.args;
  if (unit.kind !== 'literal' || typeof unit.value !== 'string' || amount.kind !== 'literal' || arg.kind !== 'input') return null;
  const ms = OFFSET_UNIT_MS[unit.value.toUpperCase()];
  const n = typeof amount.value === 'bigint' ? Number(amount.value) : amount.value;
  if (ms === undefined || typeof n !== 'number' || !Number.isInteger(n)) return null;
  return { column: arg.index, offsetMs: n * ms };
}

function unitsPerMs(t: DataType): number {
  const precision = t.kind === 'TIMESTAMP' || t.kind === 'TIMESTAMP_LTZ' ? t.precision : 3;
  return precision <= 3 ? 1 : precision <= 6 ? 1000 : 1_000_000;
}

/**
 * Largest non-NULL value of an int64 timestamp column, as a number (exact below 2^53). Reads the 64-bit values as
 * 32-bit halves: converting each BigInt to a number would cost far more than the comparison.
 */
export function maxTimestamp(data: arrow.Data): number {
  const values = data.values as BigInt64Array;
  const halves = new Int32Array(values.buffer, values.byteOffset, data.length * 2);
  const bitmap = data.nullCount > 0 ? data.nullBitmap : null;
  const offset = data.offset;
  let max = -Infinity;
  for (let i = 0; i < data.length; i++) {
    if (bitmap && ((bitmap[(offset + i) >> 3] >> ((offset + i) & 7)) & 1) === 0) continue;
    // Little-endian: the low half first, unsigned; the high half carries the sign.
    const v = halves[2 * i + 1] * 4294967296 + (halves[2 * i] >>> 0);
    if (v > max) max = v;
  }
  return max;
}

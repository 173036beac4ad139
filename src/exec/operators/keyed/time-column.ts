import type * as arrow from 'apache-arrow';
import { floorDiv, unitsPerMilli } from '../../../expr/temporal/calendar.ts';
import type { DataType } from '../../../types/data-type.ts';

/**
 * Epoch milliseconds of a TIMESTAMP / TIMESTAMP_LTZ column, one typed-array pass: what window bounds and rowtime
 * attributes are compared in (watermarks and timers are milliseconds). NULL is NaN, which compares false with
 * everything, so a NULL time never falls in a window or an interval. Sub-millisecond digits are floored.
 */
export function timestampMillis(data: arrow.Data, type: DataType): Float64Array {
  if (type.kind !== 'TIMESTAMP' && type.kind !== 'TIMESTAMP_LTZ') {
    throw new TypeError(`internal: expected a TIMESTAMP column, got ${type.kind}`);
  }
  const n = data.length;
  const values = data.values as BigInt64Array;
  const out = new Float64Array(n);
  const units = unitsPerMilli(type.precision);
  if (units === 1n) for (let i = 0; i < n; i++) out[i] = Number(values[i]);
  else for (let i = 0; i < n; i++) out[i] = Number(floorDiv(values[i], units));
  if (data.nullCount > 0 && data.nullBitmap) {
    const bits = data.nullBitmap;
    for (let i = 0; i < n; i++) {
      const j = data.offset + i;
      if ((bits[j >> 3] & (1 << (j & 7))) === 0) out[i] = NaN;
    }
  }
  return out;
}

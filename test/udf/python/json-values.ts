import * as arrow from 'apache-arrow';
import { toArrowType } from '../../../src/types/arrow-types.ts';
import type { DataType } from '../../../src/types/data-type.ts';

/**
 * The JSON rendering of column values used by test/fixtures/protocol/manifest.json (docs/protocol.md, "Golden
 * fixtures"): BIGINT as a decimal string, DECIMAL(p, s) as a string with exactly s fraction digits, TIMESTAMP(p) as
 * 'YYYY-MM-DD HH:MM:SS.fff' (wall clock, 3 fraction digits for p ≤ 3), BOOLEAN/DOUBLE/STRING as JSON, NULL as null.
 */
export function dataToJson(data: arrow.Data, type: DataType): unknown[] {
  const out: unknown[] = [];
  const vector = arrow.makeVector(data);
  for (let i = 0; i < data.length; i++) {
    if (!data.getValid(i)) { out.push(null); continue; }
    switch (type.kind) {
      case 'BIGINT': out.push(String(vector.get(i))); break;
      case 'DECIMAL': out.push(formatDecimal(decimalAt(data, i), type.scale)); break;
      case 'TIMESTAMP': out.push(formatTimestamp(Number((data.values as BigInt64Array)[i]), type.precision)); break;
      default: out.push(vector.get(i));
    }
  }
  return out;
}

/** The inverse of {@link dataToJson}: builds an Arrow Data of the Weir type's Arrow type. */
export function jsonToData(type: DataType, values: readonly unknown[]): arrow.Data {
  const arrowType = toArrowType(type);
  const length = values.length;
  const validity = new Uint8Array(Math.ceil(length / 8));
  let nullCount = 0;
  values.forEach((v, i) => { if (v === null) nullCount++; else validity[i >> 3] |= 1 << (i & 7); });
  const nullBitmap = nullCount ? validity : undefined;
  switch (type.kind) {
    case 'DECIMAL': {
      const words = new Uint32Array(length * 4);
      values.forEach((v, i) => {
        if (v === null) return;
        let u = BigInt.asUintN(128, parseDecimal(String(v), type.scale));
        for (let w = 0; w < 4; w++) { words[i * 4 + w] = Number(u & 0xffffffffn); u >>= 32n; }
      });
      return arrow.makeData({ type: arrowType as arrow.Decimal, length, nullCount, nullBitmap, data: words });
    }
    case 'TIMESTAMP': {
      const ms = new BigInt64Array(length);
      values.forEach((v, i) => { if (v !== null) ms[i] = BigInt(Date.parse(`${String(v).replace(' ', 'T')}Z`)); });
      return arrow.makeData({ type: arrowType as arrow.Timestamp, length, nullCount, nullBitmap, data: ms });
    }
    case 'BIGINT':
      return arrow.vectorFromArray(values.map((v) => (v === null ? null : BigInt(String(v)))), arrowType).data[0];
    default:
      return arrow.vectorFromArray(values as unknown[], arrowType).data[0];
  }
}

function decimalAt(data: arrow.Data, i: number): bigint {
  const words = data.values as Uint32Array;
  let v = 0n;
  for (let w = 3; w >= 0; w--) v = (v << 32n) | BigInt(words[i * 4 + w]);
  return BigInt.asIntN(128, v);
}

function formatDecimal(unscaled: bigint, scale: number): string {
  const neg = unscaled < 0n;
  const digits = (neg ? -unscaled : unscaled).toString().padStart(scale + 1, '0');
  const text = scale ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return neg ? `-${text}` : text;
}

function parseDecimal(text: string, scale: number): bigint {
  const [int, frac = ''] = text.replace('-', '').split('.');
  const v = BigInt(int + frac.padEnd(scale, '0').slice(0, scale));
  return text.startsWith('-') ? -v : v;
}

function formatTimestamp(ms: number, precision: number): string {
  const iso = new Date(ms).toISOString(); // 2024-01-02T03:04:05.678Z
  const base = iso.slice(0, 19).replace('T', ' ');
  return precision > 0 ? `${base}.${iso.slice(20, 23)}` : base;
}

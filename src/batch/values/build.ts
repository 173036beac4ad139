import * as arrow from 'apache-arrow';
import { SchemaError } from '../../errors/errors.ts';
import { ErrorCodes } from '../../errors/weir-error.ts';
import { toArrowType } from '../../types/arrow-types.ts';
import { formatDataType, type DataType } from '../../types/data-type.ts';
import { fitsPrecision, toUnscaled, writeDecimal128 } from './decimal.ts';
import { MS_PER_DAY, parseDate, parseTime, parseTimestamp } from './temporal.ts';
import { timestampUnitsPerMs, timestampTruncation } from './units.ts';

/**
 * Builds an Arrow column of exactly `toArrowType(type)` from JavaScript values, accepting the lenient inputs of
 * docs/values.md. Buffers are filled by hand (typed arrays, one pass) rather than with arrow builders: it is faster,
 * and it gives exact control of decimal128 words and timestamp units. A value that does not fit throws a SchemaError
 * with code TYPE_MISMATCH naming the type and the value.
 */
export function columnFromValues(type: DataType, values: readonly unknown[]): arrow.Data {
  const n = values.length;
  let nullCount = 0;
  for (let i = 0; i < n; i++) if (values[i] == null) nullCount++;
  if (nullCount > 0 && !type.nullable) {
    throw mismatch(type, null, 'the type is NOT NULL');
  }
  const nullBitmap = nullCount > 0 ? validityOf(values) : undefined;
  const common = { type: toArrowType(type), length: n, nullCount, nullBitmap };
  const make = (props: Record<string, unknown>): arrow.Data => arrow.makeData({ ...common, ...props } as never);

  switch (type.kind) {
    case 'NULL':
      if (nullCount !== n) throw mismatch(type, values.find((v) => v != null), 'only NULL fits the NULL type');
      return arrow.makeData({ type: new arrow.Null(), length: n });
    case 'BOOLEAN': {
      const bits = new Uint8Array((n + 7) >> 3);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v != null && toBoolean(type, v)) bits[i >> 3] |= 1 << (i & 7);
      }
      return make({ data: bits });
    }
    case 'TINYINT': return make({ data: fillInts(type, values, new Int8Array(n), -128, 127) });
    case 'SMALLINT': return make({ data: fillInts(type, values, new Int16Array(n), -32768, 32767) });
    case 'INT': return make({ data: fillInts(type, values, new Int32Array(n), -2147483648, 2147483647) });
    case 'BIGINT': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) { const v = values[i]; if (v != null) out[i] = toBigInt(type, v); }
      return make({ data: out });
    }
    case 'FLOAT':
    case 'DOUBLE': {
      const out = type.kind === 'FLOAT' ? new Float32Array(n) : new Float64Array(n);
      for (let i = 0; i < n; i++) { const v = values[i]; if (v != null) out[i] = toDouble(type, v); }
      return make({ data: out });
    }
    case 'DECIMAL': {
      const words = new Uint32Array(n * 4);
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v == null) continue;
        const unscaled = toUnscaled(v, type.scale);
        if (unscaled === undefined) throw mismatch(type, v, 'expected a decimal number');
        if (!fitsPrecision(unscaled, type.precision)) throw mismatch(type, v, `more than ${type.precision} digits`);
        writeDecimal128(words, i, unscaled);
      }
      return make({ data: words });
    }
    case 'STRING': {
      const strings = values.map((v) => (v == null ? '' : toText(type, v)));
      const [valueOffsets, data] = encodeStrings(strings);
      return make({ valueOffsets, data });
    }
    case 'BYTES': {
      const parts = values.map((v) => (v == null ? EMPTY : toBytes(type, v)));
      const [valueOffsets, data] = concatBytes(parts);
      return make({ valueOffsets, data });
    }
    case 'DATE': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) { const v = values[i]; if (v != null) out[i] = toEpochDay(type, v); }
      return make({ data: out });
    }
    case 'TIME': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) { const v = values[i]; if (v != null) out[i] = toMsOfDay(type, v); }
      return make({ data: out });
    }
    case 'TIMESTAMP':
    case 'TIMESTAMP_LTZ': {
      const out = new BigInt64Array(n);
      const perMs = timestampUnitsPerMs(type.precision);
      const trunc = timestampTruncation(type.precision);
      const ltz = type.kind === 'TIMESTAMP_LTZ';
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v == null) continue;
        const units = toTimestampUnits(type, v, perMs, ltz);
        const r = units % trunc;
        out[i] = r === 0n ? units : units - (r < 0n ? r + trunc : r);
      }
      return make({ data: out });
    }
    case 'ARRAY': {
      const valueOffsets = new Int32Array(n + 1);
      const flat: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v != null) {
          if (!Array.isArray(v)) throw mismatch(type, v, 'expected an array');
          for (const e of v) flat.push(e);
        }
        valueOffsets[i + 1] = flat.length;
      }
      return make({ valueOffsets, child: columnFromValues(type.element, flat) });
    }
    case 'MAP': {
      const valueOffsets = new Int32Array(n + 1);
      const keys: unknown[] = [];
      const vals: unknown[] = [];
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v != null) {
          for (const [k, x] of mapEntries(type, v)) { keys.push(k); vals.push(x); }
        }
        valueOffsets[i + 1] = keys.length;
      }
      const entriesType = (common.type as arrow.Map_).children[0].type as arrow.Struct;
      const child = arrow.makeData({
        type: entriesType, length: keys.length, nullCount: 0,
        children: [columnFromValues({ ...type.key, nullable: false }, keys), columnFromValues(type.value, vals)],
      });
      return make({ valueOffsets, child });
    }
    case 'ROW': {
      const children = type.fields.map((f, j) => columnFromValues(f.type, values.map((v) => (v == null ? null : rowField(type, v, f.name, j)))));
      return make({ children });
    }
  }
}

const EMPTY = new Uint8Array(0);

function validityOf(values: readonly unknown[]): Uint8Array {
  const bits = new Uint8Array((values.length + 7) >> 3);
  for (let i = 0; i < values.length; i++) if (values[i] != null) bits[i >> 3] |= 1 << (i & 7);
  return bits;
}

/** The TYPE_MISMATCH error for a value that does not fit a type. */
export function mismatch(type: DataType, value: unknown, why: string): SchemaError {
  return new SchemaError(`Value ${showValue(value)} does not fit ${formatDataType(type)}: ${why}`, {
    hint: 'See docs/values.md for the JavaScript values each type accepts.',
  }, ErrorCodes.TYPE_MISMATCH);
}

/** A short, unambiguous rendering of an arbitrary JS value for error messages. */
export function showValue(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (typeof value === 'object') {
    const name = (value as object).constructor?.name ?? 'object';
    return Array.isArray(value) ? `array of ${value.length}` : name;
  }
  return String(value);
}

function toBoolean(type: DataType, v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (t === 'true') return true;
    if (t === 'false') return false;
  }
  throw mismatch(type, v, "expected true/false or 'true'/'false'");
}

const INT_TEXT = /^\s*[+-]?\d+\s*$/;

function fillInts<T extends Int8Array | Int16Array | Int32Array>(type: DataType, values: readonly unknown[], out: T, min: number, max: number): T {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v == null) continue;
    let x: number;
    if (typeof v === 'number') x = v;
    else if (typeof v === 'bigint') x = Number(v);
    else if (typeof v === 'string' && INT_TEXT.test(v)) x = Number(v);
    else throw mismatch(type, v, 'expected an integer');
    if (!Number.isInteger(x) || x < min || x > max) throw mismatch(type, v, `expected an integer in [${min}, ${max}]`);
    out[i] = x;
  }
  return out;
}

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;

function toBigInt(type: DataType, v: unknown): bigint {
  let x: bigint;
  if (typeof v === 'bigint') x = v;
  else if (typeof v === 'number' && Number.isInteger(v)) x = BigInt(v);
  else if (typeof v === 'string' && INT_TEXT.test(v)) x = BigInt(v.trim());
  else throw mismatch(type, v, 'expected an integer');
  if (x < INT64_MIN || x > INT64_MAX) throw mismatch(type, v, 'out of the 64-bit range');
  return x;
}

const FLOAT_TEXT = /^\s*([+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?Infinity|NaN)\s*$/;

function toDouble(type: DataType, v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && FLOAT_TEXT.test(v)) return Number(v);
  throw mismatch(type, v, 'expected a number');
}

function toText(type: DataType, v: unknown): string {
  if (typeof v === 'string') return v;
  throw mismatch(type, v, 'expected a string');
}

function toBytes(type: DataType, v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  throw mismatch(type, v, 'expected a Uint8Array');
}

function toEpochDay(type: DataType, v: unknown): number {
  if (v instanceof Date) {
    const t = v.getTime();
    if (!Number.isNaN(t)) return Math.floor(t / MS_PER_DAY);
  } else if (typeof v === 'number' && Number.isInteger(v)) {
    return v;
  } else if (typeof v === 'string') {
    const d = parseDate(v);
    if (d !== undefined) return d;
  }
  throw mismatch(type, v, "expected a Date, 'YYYY-MM-DD' or an epoch day");
}

function toMsOfDay(type: DataType, v: unknown): number {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < MS_PER_DAY) return v;
  if (typeof v === 'string') {
    const t = parseTime(v);
    if (t !== undefined) return t;
  }
  throw mismatch(type, v, "expected 'HH:MM:SS[.mmm]' or milliseconds of the day");
}

function toTimestampUnits(type: DataType, v: unknown, perMs: bigint, ltz: boolean): bigint {
  if (v instanceof Date) {
    const t = v.getTime();
    if (!Number.isNaN(t)) return BigInt(t) * perMs;
  } else if (typeof v === 'number' && Number.isFinite(v)) {
    return BigInt(Math.floor(v)) * perMs;
  } else if (typeof v === 'string') {
    const nanos = parseTimestamp(v, ltz);
    if (nanos !== undefined) {
      const perNs = 1_000_000n / perMs;
      const q = nanos / perNs;
      return nanos < 0n && q * perNs !== nanos ? q - 1n : q;
    }
  }
  throw mismatch(type, v, "expected a Date, 'YYYY-MM-DD HH:MM:SS[.fff]', ISO 8601 text or epoch milliseconds");
}

function mapEntries(type: DataType, v: unknown): Iterable<[unknown, unknown]> {
  if (v instanceof Map) return v.entries();
  if (typeof v === 'object' && !Array.isArray(v)) return Object.entries(v as object);
  throw mismatch(type, v, 'expected a Map or a plain object');
}

function rowField(type: DataType, v: unknown, name: string, index: number): unknown {
  if (Array.isArray(v)) return v[index];
  if (typeof v === 'object') return (v as Record<string, unknown>)[name];
  throw mismatch(type, v, 'expected an object keyed by field name or an array by position');
}

/** UTF-8 encodes strings into one buffer plus offsets; ASCII strings (the usual case) skip the encoder. */
export function encodeStrings(strings: readonly string[]): [Int32Array, Uint8Array] {
  const n = strings.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let i = 0; i < n; i++) { total += Buffer.byteLength(strings[i], 'utf8'); offsets[i + 1] = total; }
  const data = Buffer.allocUnsafe(total);
  for (let i = 0; i < n; i++) data.write(strings[i], offsets[i], 'utf8');
  return [offsets, new Uint8Array(data.buffer, data.byteOffset, total)];
}

function concatBytes(parts: readonly Uint8Array[]): [Int32Array, Uint8Array] {
  const offsets = new Int32Array(parts.length + 1);
  let total = 0;
  for (let i = 0; i < parts.length; i++) { total += parts[i].byteLength; offsets[i + 1] = total; }
  const data = new Uint8Array(total);
  for (let i = 0; i < parts.length; i++) data.set(parts[i], offsets[i]);
  return [offsets, data];
}
